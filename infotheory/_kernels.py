"""Row kernels for the logits functions: one block of rows in, one number per row out.

Every kernel reads a block of logits (rows of classes, in float32 or float64) and
writes its results without ever holding more than a few cache-sized scratch
buffers. The costs, in passes over the block, are what the benchmarks measure:
``exp`` is the dominant one, a matrix-vector product gives the row sums almost for
free, and the log-sum-exp skips the usual subtraction of the row maximum except on
rows where it matters (see :func:`exp_rows`).
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.typing import NDArray

from ._checks import check_row_maxima

__all__ = ["exp_rows", "masked_dot", "row_means", "row_sums"]

Array = NDArray[np.floating]

# numpy in Pyodide has no BLAS: its float32 dot products accumulate one term at a
# time, which loses ~1e-5 relative over 1e4 terms, so there they run in float64.
_DOT_DTYPE = np.float64 if sys.platform == "emscripten" else None

# Row sums of exp(logits) inside these bounds are safe to take the log of directly;
# outside them a term may have overflowed or be subnormal, or the row is invalid.
_SAFE_SUM_MIN = 1e-20
_SAFE_SUM_MAX = {4: 1e30, 8: 1e300}


def row_sums(e: Array) -> NDArray[np.float64]:
    """Row sums as a matrix-vector product: BLAS is 4x faster than ``sum(axis=1)``
    here, and its blocked accumulation is accurate to ~1e-7 relative for 1e5 terms."""
    if _DOT_DTYPE is not None:
        return e.sum(axis=1, dtype=_DOT_DTYPE)
    return (e @ np.ones(e.shape[1], dtype=e.dtype)).astype(np.float64)


def masked_dot(e: Array, t: Array) -> NDArray[np.float64]:
    """Row sums of ``e * t`` where ``e == 0`` contributes 0 even if ``t`` is infinite.

    ``t`` is centred on the row (log-probabilities or a log-ratio), so the products
    carry no large common offset and float32 accumulation loses nothing that matters.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        dots = np.vecdot(e, t, dtype=_DOT_DTYPE).astype(np.float64)
    bad = ~np.isfinite(dots)
    if bad.any():  # masked (-inf) classes give 0 * inf: redo those rows term by term
        eb, tb = e[bad].astype(np.float64), t[bad].astype(np.float64)
        with np.errstate(over="ignore"):
            dots[bad] = np.where(eb > 0, eb * np.where(eb > 0, tb, 0.0), 0.0).sum(axis=1)
    return dots


def exp_rows(block: Array, e: Array, name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Fill ``e`` with ``exp(block - c)`` row by row; return ``(c, s)``, ``s = sum(e)``.

    The usual stable form subtracts each row's maximum ``c`` first, which costs two
    extra passes over the data. Here ``exp`` is applied to the logits as they are
    (``c = 0``), and only rows whose sum overflowed, underflowed or hit NaN (logits
    beyond about +-80, or invalid ones) are redone with ``c`` the row maximum; the
    log-sum-exp ``c + log(s)`` is the same to float precision either way, since the
    log of a sum with relative error ``u`` has absolute error ``u``. Invalid rows
    (NaN, ``+inf``, ``-inf`` everywhere) raise here, naming ``name``.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        np.exp(block, out=e)
        s = row_sums(e)
    c = np.zeros_like(s)
    redo = ~((s >= _SAFE_SUM_MIN) & (s <= _SAFE_SUM_MAX[e.dtype.itemsize]))
    if redo.any():
        rows = np.flatnonzero(redo)
        sub = block[rows]  # a copy of the few rows concerned
        m = sub.max(axis=1)
        check_row_maxima(m, name)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            np.subtract(sub, m[:, None], out=sub)  # may reach -inf near -float max: exp 0
            np.exp(sub, out=sub)
        e[rows] = sub
        s[rows] = sub.sum(axis=1, dtype=np.float64)
        c[rows] = m
    return c, s


def row_means(block: Array) -> NDArray[np.float64]:
    """Row means in float64 that cannot overflow, even for logits near the float maximum."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = block.mean(axis=1, dtype=np.float64)
    odd = ~np.isfinite(mean)
    if odd.any():  # an overflowed sum, or a -inf (masked) class, which stays -inf
        rows = block[odd].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            mean[odd] = (rows / block.shape[1]).sum(axis=1)
    return mean
