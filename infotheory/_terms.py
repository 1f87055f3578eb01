"""Elementwise terms of entropies and divergences, with their limits handled.

The conventions: ``0 * log(0) = 0`` and ``0 * log(0 / q) = 0`` whatever ``q``
is (the outcome never happens), while ``p * log(p / 0) = inf`` for ``p > 0``.
Ratios are formed directly, which is more accurate than subtracting two
logarithms when they are close, and fall back to the difference of logarithms
only where the ratio overflows or underflows (subnormal probabilities).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["clamp", "p_log_p", "weighted_log_ratio"]

Array = NDArray[np.float64]


def p_log_p(p: Array) -> Array:
    """Elementwise ``p * log(p)``, with ``0 * log 0 = 0``."""
    logs = np.log(p, where=p > 0, out=np.zeros_like(p))
    return p * logs


def weighted_log_ratio(w: Array, a: Array, b: Array) -> Array:
    """Elementwise ``w * log(a / b)`` over the support ``w > 0``, and 0 elsewhere.

    On the support ``a > 0`` is assumed; ``b == 0`` there gives ``inf``.
    """
    support = w > 0
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        ratio = np.divide(a, b, where=support, out=np.ones(np.broadcast_shapes(a.shape, b.shape)))
        logs = np.log(ratio)
    lost = support & ~np.isfinite(logs) & (b > 0) | support & (ratio == 0)
    if lost.any():  # the ratio left the float range although a and b did not
        aa, bb = np.broadcast_to(a, lost.shape)[lost], np.broadcast_to(b, lost.shape)[lost]
        logs[lost] = np.log(aa) - np.log(bb)
    return np.where(support, w * logs, 0.0)


def clamp(values: Array, upper: float = np.inf) -> Array:
    """Clamp round-off into ``[0, upper]``, and turn ``-0.0`` into ``0.0``.

    ``np.maximum(-0.0, 0.0)`` may return either zero (x86 SIMD gives ``0.0``,
    WebAssembly ``-0.0``), and a printed ``-0.0`` entropy would be confusing;
    adding ``0.0`` makes every zero positive on every platform.
    """
    out = np.maximum(values, 0.0)  # NaN stays NaN, as with np.clip, at a third of its cost
    if upper != np.inf:
        out = np.minimum(out, upper)
    return out + 0.0
