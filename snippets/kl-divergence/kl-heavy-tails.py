"""KL between a Cauchy and a normal truncated to growing windows, in both directions."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import Gaussian, kl_divergence_continuous


def cauchy(x):
    return 1 / (np.pi * (1 + x**2))


normal = Gaussian(0.0, 1.0)
L = np.linspace(5, 50, 46)
# Each density truncated to [-w, w] and renormalised there: a divergence for every w.
forward = [kl_divergence_continuous(cauchy, normal, lower=-w, upper=w, normalize=True) for w in L]
reverse = [kl_divergence_continuous(normal, cauchy, lower=-w, upper=w, normalize=True) for w in L]
whole_line = float(kl_divergence_continuous(normal, cauchy))

fig, ax = plt.subplots()
ax.plot(L, forward, color="C0", label=text["forward"])
ax.plot(L, reverse, color="C1", label=text["reverse"])
ax.plot(L, forward[-1] + (L - L[-1]) / np.pi, color=MUTED, linestyle="--", linewidth=0.8)
ax.annotate(
    f"{text['slope']} ≈ {num(1 / np.pi, 3)}",
    (L[20], forward[20]),
    xytext=(-118, 34),
    textcoords="offset points",
    color=FG,
    arrowprops={"arrowstyle": "-", "color": MUTED},
)
ax.axhline(whole_line, color=MUTED, linestyle=":", linewidth=0.8)
ax.annotate(
    f"{text['whole']} {num(whole_line, 4)}",
    (L[-1], whole_line),
    xytext=(0, 6),
    textcoords="offset points",
    ha="right",
    va="bottom",
    color=FG,
)
ax.set_xlim(5, 50)
ax.set_ylim(0, None)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="upper left")
