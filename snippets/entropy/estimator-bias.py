"""Mean entropy estimates from N samples of a skewed 30-outcome distribution, per estimator."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import entropy, entropy_from_samples

zipf = 1 / np.arange(1, 31)
p = zipf / zipf.sum()
truth = float(entropy(p, base=2))
sizes = np.array([10, 15, 25, 40, 60, 100, 160, 250, 400, 630, 1000])
estimators = ["plugin", "miller_madow", "chao_shen", "grassberger"]
rng = np.random.default_rng(0)
mean = np.zeros((len(estimators), sizes.size))
for j, n in enumerate(sizes):
    samples = [rng.choice(p.size, size=n, p=p) for _ in range(200)]
    for i, name in enumerate(estimators):
        mean[i, j] = np.mean([entropy_from_samples(s, estimator=name, base=2) for s in samples])
n = np.geomspace(10, 1000, 200)
first_order = truth - (p.size - 1) / (2 * n * np.log(2))

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.6)
ax.axhline(truth, color=FG, linewidth=1)
ax.annotate(
    text["truth"].format(num(truth, 3)),
    (1000, truth),
    xytext=(0, 4),
    textcoords="offset points",
    ha="right",
    va="bottom",
)
ax.axvline(p.size, color=MUTED, linewidth=1, linestyle=":")
ax.annotate(
    text["k"].format(p.size),
    (p.size, 2.4),
    xytext=(4, 4),
    textcoords="offset points",
    ha="left",
    va="bottom",
    color=MUTED,
    fontsize=11,
)
ax.plot(n, first_order, color=MUTED, linewidth=1, linestyle="--", label=text["miller"])
for i, name in enumerate(estimators):
    ax.plot(sizes, mean[i], "o-", color=f"C{i}", markersize=4, label=text[name])
ax.set_xscale("log")
ax.set_xticks([10, 30, 100, 300, 1000], ["10", "30", "100", "300", "1000"])
ax.minorticks_off()
ax.set_xlim(9, 1100)
ax.set_ylim(2.4, 4.4)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="lower right", fontsize=10)
