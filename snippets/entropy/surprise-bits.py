"""The surprise -log2 p of an outcome, in bits, against its probability p."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy

p = np.linspace(0.004, 1, 400)
surprise = cross_entropy([1.0, 0.0], np.stack([p, 1 - p], axis=-1), base=2)
marked = np.array([0.125, 0.25, 0.5, 1.0])
marked_surprise = cross_entropy([1.0, 0.0], np.stack([marked, 1 - marked], axis=-1), base=2)

fig, ax = plt.subplots()
ax.plot(p, surprise, color="C0")
ax.plot(marked, marked_surprise, "o", color="C1", clip_on=False)
for x, y in zip(marked, marked_surprise):
    label = text["bit"] if round(float(y)) == 1 else text["bits"]
    side = "right" if x == 1 else "left"
    ax.annotate(
        label.format(num(y, 0)),
        (x, y),
        xytext=(-6 if x == 1 else 6, 8),
        textcoords="offset points",
        ha=side,
        va="bottom",
    )
ax.set_xlim(0, 1.05)
ax.set_ylim(0, 8)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
