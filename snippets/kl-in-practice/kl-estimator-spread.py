"""Batch averages of the k1, k2 and k3 estimates of the KL, for a close and a far policy."""

import matplotlib.pyplot as plt
import numpy as np

from infotheory import kl_divergence, kl_estimate, log_softmax

rng = np.random.default_rng(0)
ref_logits = np.array([2.0, 1.0, 0.5, 0.0, -1.0, -2.0])
shifts = [np.array([0.3, 0.0, -0.2, 0.1, 0.0, 0.2]), np.array([-1.0, 0.5, 1.5, 0.0, 1.0, 0.5])]
jitter = np.random.default_rng(1).uniform(-0.25, 0.25, size=1000)

fig, axes = plt.subplots(1, 2)
fig.set_size_inches(5, 3.4)
for ax, shift, key in zip(axes, shifts, ("close", "far")):
    log_pi, log_ref = log_softmax(ref_logits + shift), log_softmax(ref_logits)
    exact = float(kl_divergence(np.exp(log_pi), np.exp(log_ref)))
    x = rng.choice(log_pi.size, size=100_000, p=np.exp(log_pi))
    for row, kind in enumerate(("k1", "k2", "k3")):
        k = kl_estimate(log_pi[x], log_ref[x], kind=kind, reduction="none")
        batches = k.reshape(-1, 100).mean(axis=1)
        ax.plot(batches, row + jitter, ".", color=f"C{row}", markersize=2, alpha=0.4)
    ax.axvline(0, color=MUTED, linewidth=1)
    ax.axvline(exact, color=FG, linewidth=1, linestyle="--")
    side = "left" if key == "close" else "right"  # the far one would run past the axis
    ax.annotate(
        text["exact"].format(num(exact, 4)),
        (exact, 2.45),
        xytext=(3 if side == "left" else -3, 0),
        textcoords="offset points",
        ha=side,
        va="bottom",
        fontsize=10,
    )
    ax.set_yticks([0, 1, 2], ["$k_1$", "$k_2$", "$k_3$"])
    ax.locator_params(axis="x", nbins=4)
    ax.set_ylim(2.6, -0.5)
    ax.set_title(text[key])
    ax.set_xlabel(text["x"])
