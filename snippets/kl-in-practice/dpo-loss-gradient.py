"""The DPO loss of one pair and the size of its gradient against the log-ratio margin, for two betas."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import dpo_loss, softmax

delta = np.linspace(0, 10, 201)
fig, (left, right) = plt.subplots(1, 2)
for beta, colour in ((0.1, "C0"), (2.0, "C1")):
    logits = np.stack([beta * delta, np.zeros_like(delta)], axis=-1)
    loss = dpo_loss(delta, 0.0, 0.0, 0.0, beta=beta, reduction="none")
    pull = beta * softmax(logits)[:, 1]
    at = np.array([[beta * 2.0, 0.0]])
    loss_at = float(dpo_loss(2.0, 0.0, 0.0, 0.0, beta=beta))
    pull_at = beta * float(softmax(at)[0, 1])
    label = text["beta"].format(num(beta, 1))
    left.plot(delta, loss, color=colour, label=label)
    right.plot(delta, pull, color=colour, label=label)
    left.plot([2.0], [loss_at], "o", color=colour)
    right.plot([2.0], [pull_at], "o", color=colour)
    left.annotate(
        num(loss_at, 3),
        (2.0, loss_at),
        xytext=(6, 2),
        textcoords="offset points",
        ha="left",
        va="bottom",
        color=colour,
        fontsize=11,
    )
    right.annotate(
        num(pull_at, 3),
        (2.0, pull_at),
        xytext=(6, 4 if beta < 1 else -4),
        textcoords="offset points",
        ha="left",
        va="bottom" if beta < 1 else "top",
        color=colour,
        fontsize=11,
    )
for ax in (left, right):
    ax.axvline(2.0, color=MUTED, linewidth=1, linestyle=":")
    ax.set_xlim(0, 10)
    ax.set_xticks([0, 2, 4, 6, 8, 10])
    ax.set_xlabel(text["x"])
left.set_ylim(0, 0.75)
left.set_title(text["loss"])
right.set_yscale("log")
right.set_ylim(1e-3, 1.5)
right.set_title(text["pull"])
left.legend(loc="center right", bbox_to_anchor=(1, 0.3), handlelength=1.5)  # between the curves
