"""Reverse KL of the centred fit and of the one-mode fit as the modes move apart."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import GaussianMixture, fit_gaussian_reverse_kl

d = np.round(np.arange(1.2, 2.81, 0.1), 2)
centred, one_mode = [], []
for half in d:
    p = GaussianMixture([0.5, 0.5], [-half, half], [0.7, 0.7])
    centred.append(fit_gaussian_reverse_kl(p, start=(0.0, p.std)).kl)
    fit = fit_gaussian_reverse_kl(p, start=(half, 0.7))
    one_mode.append(fit.kl if abs(fit.mean) > 0.1 else np.nan)
gap = np.array(centred) - np.array(one_mode)
k = np.argmax(gap > 0)
crossing = np.interp(0.0, gap[k - 1 : k + 1], d[k - 1 : k + 1])

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)  # room for the legend above the plot
ax.plot(d, centred, "o-", color="C0", markersize=3, label=text["centred"])
ax.plot(d, one_mode, "o-", color="C1", markersize=3, label=text["one_mode"])
ax.axhline(np.log(2), color=MUTED, linestyle=":", linewidth=0.8)
ax.annotate("ln 2", (d[0], np.log(2)), xytext=(0, 3), textcoords="offset points", color=MUTED)
ax.axvline(crossing, color=MUTED, linestyle="--", linewidth=0.8)
ax.annotate(
    f"{text['crossing']} d ≈ {num(crossing, 2)}",
    (crossing, 0.3),
    xytext=(6, 0),
    textcoords="offset points",
    color=FG,
)
ax.set_ylim(0, 1.6)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(
    loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, handlelength=1.5, columnspacing=1.2
)  # above the plot: inside, the Spanish one crosses the crossing line
