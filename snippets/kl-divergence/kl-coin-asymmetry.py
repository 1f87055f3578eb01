"""Both directions of KL between a fair coin and a coin with probability q of heads."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import kl_divergence

q = np.linspace(0.001, 0.999, 999)
model = np.stack([q, 1 - q], axis=-1)
fair = np.array([0.5, 0.5])
forward = kl_divergence(fair, model, base=2)
reverse = kl_divergence(model, fair, base=2)

fig, ax = plt.subplots()
ax.plot(q, forward, color="C0", label=text["forward"])
ax.plot(q, reverse, color="C1", label=text["reverse"])
ax.axhline(1, color=MUTED, linewidth=0.8, linestyle=":")
point = np.array([0.9, 0.1])
for value, color, offset in [
    (kl_divergence(fair, point, base=2), "C0", (-40, 4)),
    (kl_divergence(point, fair, base=2), "C1", (8, -12)),
]:
    ax.plot(0.9, value, "o", color=color)
    ax.annotate(num(value, 3), (0.9, value), xytext=offset, textcoords="offset points", color=FG)
ax.set_ylim(0, 3)
ax.set_xlim(0, 1)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="upper center")
