"""The entropies of the asymmetric table, drawn to scale in bits: H(X, Y) split into H(X | Y), I(X; Y) and H(Y | X)."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import conditional_entropy, entropy, joint_entropy, mutual_information

joint = np.array([[0.5, 0.0], [0.25, 0.25]])
h_x_given_y = conditional_entropy(joint.T, base=2)
i_xy = mutual_information(joint, base=2)
h_y_given_x = conditional_entropy(joint, base=2)
h_x = entropy(joint.sum(axis=1), base=2)
h_y = entropy(joint.sum(axis=0), base=2)
h_xy = joint_entropy(joint, base=2)

parts = [
    (0.0, h_x_given_y, "C0", text["x_given_y"]),
    (h_x_given_y, i_xy, "C1", text["mi"]),
    (h_x_given_y + i_xy, h_y_given_x, "C2", text["y_given_x"]),
]
rows = [(2, [0, 1, 2], h_xy), (1, [0, 1], h_x), (0, [1, 2], h_y)]

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)
for y, used, total in rows:
    for k in used:
        start, width, colour, label = parts[k]
        ax.barh(
            y,
            width,
            left=start,
            height=0.6,
            color=colour,
            edgecolor=FG,
            linewidth=0.8,
            label=label if y == 2 else None,
        )
    end = max(parts[k][0] + parts[k][1] for k in used)
    ax.annotate(
        num(total, 3),
        xy=(end, y),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        ha="left",
    )
for start, width, _colour, _label in parts:
    ax.annotate(
        num(width, 3),
        xy=(start + width / 2, 2.3),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        va="bottom",
    )
    ax.axvline(start, color=MUTED, linewidth=0.8, linestyle=":", zorder=0)
ax.axvline(h_xy, color=MUTED, linewidth=0.8, linestyle=":", zorder=0)
ax.set_yticks([2, 1, 0], [text["joint"], text["x"], text["y"]])
ax.set_ylim(-0.5, 3.0)
ax.set_xlim(0, h_xy * 1.15)
ax.set_xlabel(text["bits"])
ax.spines["left"].set_visible(False)
ax.tick_params(axis="y", length=0)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, handlelength=1.2)
