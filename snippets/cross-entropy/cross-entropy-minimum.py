"""Cross-entropy H(P, Q) in nats for the truth P = (0.7, 0.3) as the model Q = (q, 1 - q) varies."""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy, entropy, kl_divergence

p = np.array([0.7, 0.3])
q = np.linspace(0.02, 0.98, 241)
models = np.stack([q, 1 - q], axis=-1)
loss = cross_entropy(p, models)
floor = float(entropy(p))
at = np.array([0.3, 0.7])
gap = float(kl_divergence(p, at))

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)  # room for the two-line axis label
ax.plot(q, loss, color="C0", label=text["loss"])
ax.axhline(floor, color=MUTED, linewidth=1, linestyle="--", label=text["floor"])
ax.plot([0.7], [floor], "o", color="C0")
ax.annotate(
    text["minimum"].format(num(floor, 3)),
    (0.7, floor),
    xytext=(0, -14),
    textcoords="offset points",
    ha="center",
    va="top",
)
ax.annotate(
    "",
    (0.3, floor),
    xytext=(0.3, floor + gap),
    arrowprops={"arrowstyle": "<->", "color": "C1", "linewidth": 1.5},
)
ax.annotate(
    text["gap"].format(num(gap, 3)),
    (0.3, floor + gap),
    xytext=(6, 6),
    textcoords="offset points",
    ha="left",
    va="bottom",
    color="C1",
)
ax.set_xlim(0, 1)
ax.set_ylim(0, 2.5)
ax.set_xlabel(textwrap.fill(text["x"], 30))  # one line is wider than the figure
ax.set_ylabel(text["y"])
ax.legend(loc="upper center")
