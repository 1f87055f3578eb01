"""The entropy of a coin in bits as its probability of heads goes from 0 to 1."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import entropy

p = np.linspace(0, 1, 201)
h = entropy(np.stack([p, 1 - p], axis=-1), base=2)
top = float(entropy([0.5, 0.5], base=2))
biased = float(entropy([0.9, 0.1], base=2))

fig, ax = plt.subplots()
ax.plot(p, h, color="C0")
ax.axhline(top, color=MUTED, linewidth=1, linestyle=":")
ax.plot([0.5], [top], "o", color="C0")
ax.plot([0.9], [biased], "o", color="C1")
ax.annotate(
    text["fair"].format(num(top, 0)),
    (0.5, top),
    xytext=(0, 8),
    textcoords="offset points",
    ha="center",
    va="bottom",
)
ax.annotate(
    text["biased"].format(num(0.9, 1), num(biased, 3)),
    (0.9, biased),
    xytext=(-10, -4),
    textcoords="offset points",
    ha="right",
    va="top",
    color="C1",
)
ax.set_xlim(0, 1)
ax.set_ylim(0, 1.2)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
