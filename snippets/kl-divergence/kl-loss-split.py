"""Cross-entropy split into task entropy and divergence for the two toy tasks."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import cross_entropy, entropy, kl_divergence

legal, model_a = [0.85, 0.05, 0.05, 0.05], [0.6, 0.2, 0.1, 0.1]
poetry, model_b = [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1], [1 / 8] * 8
pairs = [(legal, model_a), (poetry, model_b)]
h = np.array([entropy(p) for p, q in pairs])
d = np.array([kl_divergence(p, q) for p, q in pairs])
ce = np.array([cross_entropy(p, q) for p, q in pairs])

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)
rows = [0, 1]
ax.barh(rows, h, color="C0", label=text["entropy"])
ax.barh(rows, d, left=h, color="C1", label=text["divergence"])
for row in rows:  # on two lines: one is wider than the room right of the bar
    ax.annotate(
        f"{num(h[row], 3)} + {num(d[row], 3)}\n= {num(ce[row], 3)}",
        (ce[row], row),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        color=FG,
    )
ax.set_yticks(rows, [text["legal"], text["poetry"]])
ax.invert_yaxis()
ax.set_xlim(0, 3.5)
ax.set_xlabel(text["x"])
ax.legend(
    loc="lower left", bbox_to_anchor=(0, 1.0), ncol=1
)  # two columns are wider than the figure in Spanish
