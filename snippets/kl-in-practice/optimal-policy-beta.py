"""The optimal policy, the reference tilted by exp(r / beta), for three values of beta."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import softmax

ref = np.array([0.60, 0.25, 0.14, 0.01])
reward = np.array([0.0, 1.0, 1.5, 3.0])
betas = [1.0, 0.5, 0.1]
x = np.arange(ref.size)
width = 0.2

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)
series = [(text["reference"], ref, MUTED)]
series += [
    (text["beta"].format(num(b, 1)), softmax(np.log(ref) + reward / b), f"C{i}")
    for i, b in enumerate(betas)
]
for i, (label, probs, colour) in enumerate(series):
    bars = ax.bar(x + (i - 1.5) * width, probs, width, color=colour, label=label)
    rare = bars[-1]
    ax.annotate(
        num(probs[-1], 3),
        (rare.get_x() + rare.get_width() / 2, probs[-1]),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=11,
        rotation=90,
    )  # upright labels would be wider than the bars
ax.set_xticks(x, [text["response"].format(num(r, 1)) for r in reward])
ax.set_ylim(0, 1.08)
ax.set_ylabel(text["y"])
ax.legend(loc="upper left")
