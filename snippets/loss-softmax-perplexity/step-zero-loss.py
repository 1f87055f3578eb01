"""The loss before any update, over a 32 000-token vocabulary, against the spread of the logits."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy_from_logits, entropy, log_softmax

V = 32000
rng = np.random.default_rng(0)
spread = np.linspace(0, 3, 13)
loss = [float(-log_softmax(rng.normal(scale=s, size=(16, V))).mean()) for s in spread]
uniform = float(cross_entropy_from_logits(np.zeros(V), 0))
zipf = 1 / np.arange(1, V + 1)
unigram = float(entropy(zipf / zipf.sum()))
target = np.array([[5, 17, 9, 2, 11], [8, 3, 4, -100, -100]])
summed = cross_entropy_from_logits(np.zeros((2, 5, V)), target, ignore_index=-100, reduction="sum")
padded = float(summed) / target.size
s = np.linspace(0, 3, 121)

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)
ax.plot(spread, loss, "o", color="C0", label=text["loss"], clip_on=False, zorder=3)
ax.plot(s, np.log(V) + s**2 / 2, color=FG, linewidth=1, linestyle="--", label=text["approx"])
for y, key, colour in (
    (uniform, "uniform", "C0"),
    (padded, "padded", "C1"),
    (unigram, "unigram", "C2"),
):
    ax.axhline(y, color=colour, linewidth=1, linestyle=":")
    ax.annotate(
        text[key].format(num(y, 3)),
        (3, y),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        color=colour,
        fontsize=11,
    )
ax.set_xlim(0, 3)
ax.set_ylim(6.5, 15.5)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="upper left")
