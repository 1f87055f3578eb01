"""A teacher's next-token distribution and its best temperature-scaled students under each KL direction."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import kl_divergence, softmax

teacher = np.array([0.5, 0.2] + [0.0375] * 8)
rank = np.arange(10)
T = np.linspace(0.5, 5.0, 451)
students = softmax(-rank / T[:, None])
i = kl_divergence(teacher, students).argmin()
j = kl_divergence(students, teacher).argmin()
forward, reverse = students[i], students[j]

fig, ax = plt.subplots()
fig.set_size_inches(5, 3.4)  # room for the long Spanish axis label
width = 0.27
ax.bar(rank + 1 - width, teacher, width, color="C0", label=text["teacher"])
ax.bar(rank + 1, forward, width, color="C1", label=f"{text['forward']} (T = {num(T[i], 2)})")
ax.bar(
    rank + 1 + width, reverse, width, color="C2", label=f"{text['reverse']} (T = {num(T[j], 2)})"
)
ax.set_yscale("log")
ax.set_ylim(1e-3, 4)
ax.set_xticks(rank + 1)
ax.set_xlabel(text["x"])
ax.set_ylabel(text["y"])
ax.legend(loc="upper right")
