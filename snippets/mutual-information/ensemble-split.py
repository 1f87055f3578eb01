"""The predictive entropy of a four-member ensemble on two inputs, split into expected entropy (data noise) and mutual information (disagreement)."""

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from infotheory import entropy, mutual_information

noisy = np.array([[0.40, 0.35, 0.25], [0.35, 0.40, 0.25], [0.40, 0.30, 0.30], [0.35, 0.35, 0.30]])
unsure = np.array([[0.90, 0.05, 0.05], [0.05, 0.90, 0.05], [0.05, 0.05, 0.90], [0.90, 0.05, 0.05]])

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.8)  # room for the three-line Spanish input labels
for x, members in enumerate([noisy, unsure]):
    joint = members / len(members)
    expected = entropy(members, base=2).mean()
    disagreement = mutual_information(joint, base=2)
    total = entropy(joint.sum(axis=0), base=2)
    ax.bar(
        x,
        expected,
        width=0.45,
        color="C0",
        edgecolor=FG,
        linewidth=0.8,
        label=text["noise"] if x == 0 else None,
    )
    ax.bar(
        x,
        disagreement,
        bottom=expected,
        width=0.45,
        color="C1",
        edgecolor=FG,
        linewidth=0.8,
        label=text["ignorance"] if x == 0 else None,
    )
    ax.annotate(
        num(expected, 3),
        xy=(x + 0.225, expected / 2),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
    )
    ax.annotate(
        "+ " + num(disagreement, 3),
        xy=(x + 0.225, expected + disagreement / 2),
        xytext=(5, 0),
        textcoords="offset points",
        va="center",
    )
    ax.annotate(
        "= " + num(total, 3),
        xy=(x, total),
        xytext=(0, 5),
        textcoords="offset points",
        ha="center",
        va="bottom",
    )
labels = [
    "\n".join(textwrap.fill(line, 16) for line in text[key].split("\n"))
    for key in ("noisy", "unsure")
]  # long lines of the two labels run together
ax.set_xticks([0, 1], labels)
ax.set_xlim(-0.45, 1.65)
ax.set_ylim(0, 1.85)
ax.set_ylabel(text["bits"])
ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1)
