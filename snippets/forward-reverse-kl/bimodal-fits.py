"""The bimodal truth with its forward (mass-covering) and reverse (mode-seeking) Gaussian fits."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import Gaussian, GaussianMixture, fit_gaussian_forward_kl, fit_gaussian_reverse_kl

p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
forward = fit_gaussian_forward_kl(p)
reverse = fit_gaussian_reverse_kl(p)
x = np.linspace(-6, 6, 601)

fig, ax = plt.subplots()
ax.fill_between(x, p.pdf(x), color="C0", alpha=0.25, linewidth=0)
ax.plot(x, p.pdf(x), color="C0", label=text["p"])
ax.plot(x, Gaussian(forward.mean, forward.std).pdf(x), color="C1", label=text["forward"])
ax.plot(
    x,
    Gaussian(reverse.mean, reverse.std).pdf(x),
    color="C2",
    linestyle="--",
    label=text["reverse"],
)
ax.annotate(
    f"D(P‖Q) = {num(forward.kl, 3)}",
    (-0.8, float(Gaussian(forward.mean, forward.std).pdf(-0.8))),
    xytext=(-1.0, 0.40),
    ha="right",
    color="C1",
    arrowprops={"arrowstyle": "-", "color": MUTED},
)
ax.annotate(
    f"D(Q‖P) = {num(reverse.kl, 3)}",
    (2.8, float(Gaussian(reverse.mean, reverse.std).pdf(2.8))),
    xytext=(6, 0.62),
    ha="right",
    color="C2",  # above the peak, inside the axes
    arrowprops={"arrowstyle": "-", "color": MUTED},
)
ax.set_ylim(0, 0.72)
ax.set_xlim(-6, 6)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="upper left")
