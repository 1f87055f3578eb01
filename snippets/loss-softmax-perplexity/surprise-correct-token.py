"""The loss -ln q_y of the correct token, in nats, against the probability q_y the model gave it."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy

p = np.linspace(0.005, 1, 400)
loss = cross_entropy([1.0, 0.0], np.stack([p, 1 - p], axis=-1))
marked = np.array([0.01, 0.5])
marked_loss = cross_entropy([1.0, 0.0], np.stack([marked, 1 - marked], axis=-1))

fig, ax = plt.subplots()
ax.plot(p, loss, color="C0")
ax.plot(marked, marked_loss, "o", color="C1")
for x, y in zip(marked, marked_loss):
    ax.annotate(
        text["point"].format(p=num(x, 2), v=num(y, 3)),
        (x, y),
        xytext=(10, 4),
        textcoords="offset points",
        ha="left",
        va="bottom",
    )
ax.set_xlim(0, 1)
ax.set_ylim(0, 5.5)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
