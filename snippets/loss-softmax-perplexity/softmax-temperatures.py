"""The softmax of the logits (2, 1, 0.1) at three temperatures, with the entropy of each."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import entropy, softmax

z = np.array([2.0, 1.0, 0.1])
temperatures = [0.5, 1.0, 2.0]
x = np.arange(z.size)
width = 0.26

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)  # room for the two-line class labels
for i, T in enumerate(temperatures):
    q = softmax(z, temperature=T)
    label = text["series"].format(T=num(T, 1), H=num(entropy(q), 3))
    bars = ax.bar(x + (i - 1) * width, q, width, color=f"C{i}", label=label)
    for bar, value in zip(bars, q):
        lift = 9 if 1 / z.size - 0.06 < value < 1 / z.size else 2  # clear the uniform line
        ax.annotate(
            num(value, 2),
            (bar.get_x() + bar.get_width() / 2, value),
            xytext=(0, lift),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=11,
        )
ax.axhline(1 / z.size, color=MUTED, linewidth=1, linestyle="--")
ax.annotate(
    text["uniform"],
    (x[-1] + 1.5 * width, 1 / z.size),
    xytext=(0, 3),
    textcoords="offset points",
    ha="right",
    va="bottom",
    color=MUTED,
    fontsize=11,
)
# "(z = ...)" on a second line: on one line the three labels run together
ax.set_xticks(
    x, [text["class"].format(k=k, z=num(v, 1)).replace(" (", "\n(") for k, v in enumerate(z)]
)
ax.set_ylim(0, 1)
ax.set_ylabel(text["y"])
ax.legend(loc="upper right")
