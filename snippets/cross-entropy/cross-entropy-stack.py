"""H(P, Q) = H(P) + D(P || Q) in bits for the fair coin and the biased model, both ways round."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy, entropy, kl_divergence

fair = np.array([0.5, 0.5])
biased = np.array([0.9, 0.1])
pairs = [(fair, biased), (biased, fair)]
base = [float(entropy(p, base=2)) for p, _ in pairs]
extra = [float(kl_divergence(p, q, base=2)) for p, q in pairs]
total = [float(cross_entropy(p, q, base=2)) for p, q in pairs]
rows = [1, 0]

fig, ax = plt.subplots()
ax.barh(rows, base, height=0.45, color="C0", label=text["entropy"])
ax.barh(rows, extra, left=base, height=0.45, color="C1", label=text["kl"])
for row, h, d, ce in zip(rows, base, extra, total):
    ax.annotate(
        num(h, 3),
        (h / 2, row + 0.23),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        color="C0",
    )
    ax.annotate(
        num(d, 3),
        (h + d / 2, row + 0.23),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        color="C1",
    )
    ax.annotate(
        text["total"].format(num(ce, 3)),
        (ce, row),
        xytext=(6, 0),
        textcoords="offset points",
        ha="left",
        va="center",
    )
ax.set_yticks(rows, [text["forward"], text["reverse"]])
ax.set_xlim(0, 2.2)
ax.set_xticks(np.arange(0, 2.1, 0.5))
ax.set_ylim(-0.5, 2.1)
ax.set_xlabel(text["x"])
ax.legend(loc="upper right", ncols=2, handlelength=1.2, columnspacing=1.2)  # clear of the axis
