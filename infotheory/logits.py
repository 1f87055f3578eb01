"""Softmax, and entropy, cross-entropy and divergences computed from logits.

Models output logits, not probabilities. Working from logits with the log-sum-exp
trick is both stable (logits of +-1e4, or near the float maximum, are fine) and
fast: the functions here walk the rows of large inputs in cache-sized blocks on
several threads (see :mod:`infotheory._blocks`) and never build a full-size
probability array, nor a full-size copy of the input: shifted views such as the
language-model ``logits[:, :-1]``, strided slices, Fortran order, a class axis other
than the last, float16 and bfloat16 data are read a block at a time.

Conventions: the class axis is the last one unless `axis` says otherwise; ``-inf``
logits are allowed and mean probability 0 (masked classes); NaN and ``+inf`` logits
are errors, as is a row that is ``-inf`` everywhere, except in rows that are ignored
or masked out, which are never read. torch tensors and any object with
``__dlpack__`` or ``__array__`` are read without a copy; results are numpy.

The module is long because its docstrings are the package's reference text (formula,
units, which argument is the truth, notes that teach, references, examples): they are
about half of its lines.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._arrays import as_array, is_bfloat16, widen_bfloat16
from ._blocks import RowBlocks, for_each_row_block
from ._checks import (
    as_logits,
    check_axis,
    check_row_maxima,
    check_tol,
    finish,
    log_of_base,
    positive_scalar,
    sum_tolerance,
)
from ._kernels import exp_rows, masked_dot, row_means, row_sums
from ._terms import clamp

__all__ = [
    "CrossEntropyAndEntropy",
    "cross_entropy_and_entropy_from_logits",
    "cross_entropy_from_logits",
    "distillation_loss",
    "entropy_from_logits",
    "js_divergence_from_logits",
    "kl_divergence_from_logits",
    "log_softmax",
    "perplexity",
    "softmax",
    "token_logprobs",
]

Result = np.float64 | NDArray[np.float64]
Reduction = Literal["mean", "sum", "none"]
Rows = slice | NDArray[np.intp]
Kernel = Callable[[list[np.ndarray], list[np.ndarray], Rows], Sequence[NDArray[np.float64]]]


# ------------------------------------------------------------------ validation


def _logits_and_axis(logits: ArrayLike, axis: int, name: str = "logits") -> tuple[np.ndarray, int]:
    """``logits`` as an array (:func:`as_logits`) and its class axis, with classes on it."""
    x = as_logits(logits, name)
    ax = check_axis(axis, x.ndim, name)
    if x.shape[ax] == 0:
        raise ValueError(f"{name} has no classes along axis {axis} (shape {x.shape})")
    return x, ax


def _check_reduction(reduction: str) -> str:
    if not isinstance(reduction, str) or reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _batch_shape(shape: tuple[int, ...], axis: int) -> tuple[int, ...]:
    return shape[:axis] + shape[axis + 1 :]


def _check_mask(mask: ArrayLike | None, shape: tuple[int, ...]) -> NDArray[np.bool_] | None:
    """A boolean mask of the batch shape, flattened; ``None`` keeps every row."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"mask must be a boolean array (True = keep), got dtype {m.dtype}")
    if m.shape != shape:
        raise ValueError(
            f"mask must have the logits' shape without the class axis, {shape}, got {m.shape}"
        )
    return m.reshape(-1)


def _float_logits(x: np.ndarray) -> np.ndarray:
    """The whole array in float32 or float64 (for functions whose output is full-size)."""
    if is_bfloat16(x.dtype):
        return widen_bfloat16(x, np.empty(x.shape, dtype=np.float32))
    if x.dtype == np.float16:
        return x.astype(np.float32)
    return x


def _compute_dtype(*arrays: np.ndarray) -> np.dtype:
    return np.dtype(np.float64 if any(a.dtype == np.float64 for a in arrays) else np.float32)


# ------------------------------------------------------------------ traversal


def _map_rows(
    sources: list[RowBlocks],
    kernel: Kernel,
    n_out: int,
    *,
    buffers: int,
    keep: NDArray[np.bool_] | None = None,
) -> list[NDArray[np.float64]]:
    """Run ``kernel`` over blocks of rows of ``sources``; rows not in ``keep`` are not read.

    ``kernel(blocks, scratch, rows)`` gets one block per source, ``buffers`` scratch
    blocks, and the rows' indices (a slice, or an index array when some rows of the
    block are left out), and returns ``n_out`` float64 arrays, one value per row.
    Rows left out are 0 in every output.
    """
    n_rows, n_cols = sources[0].n_rows, sources[0].n_cols
    outs = [np.zeros(n_rows) for _ in range(n_out)]
    if n_rows == 0 or (keep is not None and not keep.any()):
        return outs
    n_src = len(sources)

    def work(lo: int, hi: int, scratch: list[np.ndarray]) -> None:
        stage, bufs = scratch[:n_src], scratch[n_src:]
        rows: Rows = slice(lo, hi)
        if keep is not None:
            sel = keep[lo:hi]
            if not sel.all():
                picked = np.flatnonzero(sel)
                if picked.size == 0:
                    return
                # Read only the kept rows: padding may hold anything, even NaN.
                blocks = [_gather(src, lo + picked, st) for src, st in zip(sources, stage)]
                rows = lo + picked
                bufs = [b[: picked.size] for b in bufs]
                for out, value in zip(outs, kernel(blocks, bufs, rows)):
                    out[rows] = value
                return
        blocks = [src.read(lo, hi, st) for src, st in zip(sources, stage)]
        for out, value in zip(outs, kernel(blocks, bufs, rows)):
            out[rows] = value

    for_each_row_block(n_rows, n_cols, sources[0].dtype, work, buffers=n_src + buffers)
    return outs


def _gather(src: RowBlocks, rows: NDArray[np.intp], buf: np.ndarray) -> np.ndarray:
    """Rows ``rows`` (sorted, inside one block) of ``src``, packed into ``buf``."""
    out = buf[: rows.size]
    # Runs of consecutive rows are read together; padding is usually one run at the end.
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    start = 0
    for stop in [*breaks.tolist(), rows.size]:
        lo, hi = int(rows[start]), int(rows[stop - 1]) + 1
        out[start:stop] = src.read(lo, hi, out[start:stop])  # a no-op copy if read in place
        start = stop
    return out


def _reduce(
    values: NDArray[np.float64],
    keep: NDArray[np.bool_] | None,
    reduction: str,
    shape: tuple[int, ...],
    divisor: float,
    what: str,
) -> Result:
    """Apply ``reduction`` over the kept rows, with torch's rules for empty batches."""
    if reduction == "none":
        return finish(values.reshape(shape) / divisor)
    with np.errstate(over="ignore"):
        total = values.sum()
    if reduction == "sum":
        return np.float64(total / divisor)
    count = values.size if keep is None else int(np.count_nonzero(keep))
    if count == 0 and keep is not None and keep.size:
        raise ValueError(
            f"the mean {what} over no rows is undefined: every target equals ignore_index "
            "(or every row is masked); use reduction='sum' or 'none'"
        )
    if count == 0:
        raise ValueError(
            f"the mean {what} over no rows is undefined (every row is ignored or masked, "
            "or the batch is empty); use reduction='sum' or 'none'"
        )
    mean = total / count
    if np.isinf(mean) and np.isfinite(values).all():  # the sum overflowed, the mean need not
        with np.errstate(over="ignore"):
            mean = (values / count).sum()
    return np.float64(mean / divisor)


# ------------------------------------------------------------------ softmax


def softmax(logits: ArrayLike, *, axis: int = -1, temperature: float = 1.0) -> NDArray:
    r"""Softmax of logits, optionally at a temperature.

    .. math::

        \operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}

    Parameters
    ----------
    logits : array_like
        Real scores; ``-inf`` means probability 0. float16 and bfloat16 are widened
        to float32.
    axis : int, optional
        The class axis (default ``-1``).
    temperature : float, optional
        :math:`T > 0`. Below 1 sharpens the distribution, above 1 flattens it.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape, summing to 1 along `axis`; float32
        for float32, float16 and bfloat16 input, float64 otherwise.

    Raises
    ------
    ValueError
        For NaN or ``+inf`` logits, a slice that is ``-inf`` everywhere, no
        classes, a `temperature` that is not a finite number > 0, or an
        out-of-range `axis`.
    TypeError
        For a non-integer `axis`, or logits that are not real numbers.

    See Also
    --------
    log_softmax, entropy_from_logits

    Notes
    -----
    Computed as :math:`e^{(z_i - \max z)/T} / \sum_j e^{(z_j - \max z)/T}`,
    which is mathematically the same but never overflows: the largest
    exponent is 0. Logits of :math:`\pm 10^4` are fine.

    Examples
    --------
    >>> from infotheory import softmax
    >>> softmax([2.0, 1.0, 0.1]).round(3)
    array([0.659, 0.242, 0.099])
    >>> softmax([1e4, -1e4])
    array([1., 0.])
    >>> softmax([2.0, 1.0, 0.1], temperature=10.0).round(3)
    array([0.366, 0.331, 0.303])
    """
    z, ax = _shifted_logits(logits, axis, temperature)
    np.exp(z, out=z)
    z /= z.sum(axis=ax, keepdims=True)
    return z


def log_softmax(logits: ArrayLike, *, axis: int = -1, temperature: float = 1.0) -> NDArray:
    r"""Logarithm of the softmax, computed stably, optionally at a temperature.

    .. math::

        \log \operatorname{softmax}(z / T)_i = \frac{z_i}{T} - \log \sum_j e^{z_j / T}

    Parameters
    ----------
    logits : array_like
        Real scores; ``-inf`` gives a log-probability of ``-inf``.
    axis : int, optional
        The class axis (default ``-1``).
    temperature : float, optional
        :math:`T > 0` (default 1), as for :func:`softmax`.

    Returns
    -------
    numpy.ndarray
        Log-probabilities of the same shape (float32 for float32, float16 and
        bfloat16 input).

    Raises
    ------
    ValueError
        As for :func:`softmax`.

    See Also
    --------
    softmax, token_logprobs, cross_entropy_from_logits

    Notes
    -----
    The log-sum-exp is taken after subtracting the maximum,
    :math:`\log\sum_j e^{z_j} = m + \log\sum_j e^{z_j - m}`, so nothing
    overflows; and the result is never computed as ``log(softmax(z))``, which
    underflows to ``-inf`` for very unlikely classes. To read the
    log-probabilities of the observed tokens only, :func:`token_logprobs` does
    it without building this full-size array.

    Examples
    --------
    >>> from infotheory import log_softmax
    >>> log_softmax([1e4, 0.0])
    array([     0., -10000.])
    >>> log_softmax([0.0, 0.0, 0.0, 0.0]).round(4)
    array([-1.3863, -1.3863, -1.3863, -1.3863])
    >>> log_softmax([2.0, 0.0], temperature=2.0).round(4)
    array([-0.3133, -1.3133])
    """
    z, ax = _shifted_logits(logits, axis, temperature)
    with np.errstate(under="ignore"):
        e = np.exp(z)
    z -= np.log(e.sum(axis=ax, keepdims=True))
    return z


def _shifted_logits(logits: ArrayLike, axis: int, temperature: float) -> tuple[np.ndarray, int]:
    """A new array ``(z - max z) / T`` along ``axis`` (and that axis), checking the maxima."""
    t = positive_scalar(temperature, "temperature")
    x, ax = _logits_and_axis(logits, axis)
    x = _float_logits(x)
    if x.size == 0:
        return np.array(x, dtype=x.dtype), ax
    m = np.max(x, axis=ax, keepdims=True)
    check_row_maxima(m, "logits")
    with np.errstate(over="ignore"):  # values <= 0 can only overflow to -inf: probability 0
        z = np.subtract(x, m)
        if t != 1.0:
            z /= t
    return z, ax


# ------------------------------------------------------------------ entropy and divergences


def entropy_from_logits(
    logits: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    temperature: float = 1.0,
    mask: ArrayLike | None = None,
    reduction: Reduction = "none",
) -> Result:
    r"""Entropy of ``softmax(logits / T)``, without building the probabilities.

    .. math::

        H = -\sum_i p_i \log p_i = \log \sum_j e^{z_j} - \sum_i p_i z_i,
        \qquad p = \operatorname{softmax}(z), \quad z = \text{logits} / T

    Parameters
    ----------
    logits : array_like
        Real scores, classes along `axis`; ``-inf`` masks a class. Any layout
        (views such as ``logits[:, :-1]``, Fortran order) and float16, bfloat16,
        float32 or float64 data, read a block at a time without a copy.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The class axis (default ``-1``; torch's ``(N, C, ...)`` layout is ``axis=1``).
    temperature : float, optional
        :math:`T > 0` (default 1): the entropy of the prediction sampled at that
        temperature.
    mask : array_like of bool, optional
        The logits' shape without the class axis; ``False`` rows (padding) are
        not read, give 0 with ``reduction="none"`` and do not count in a mean.
    reduction : {"none", "mean", "sum"}, optional
        The entropy of every row (default, with `axis` removed from the shape),
        their mean over the kept rows, or their sum.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The entropy of each predicted distribution, float64, ``>= 0``.

    Raises
    ------
    ValueError
        As for :func:`softmax`; for an invalid `base`, a `mask` of the wrong
        shape, an unknown `reduction`, or a mean over no rows.
    TypeError
        For a non-boolean `mask`, a non-integer `axis`, or a tensor that requires grad.

    See Also
    --------
    entropy, softmax, cross_entropy_and_entropy_from_logits

    Notes
    -----
    The entropy of a model's predictions measures how unsure it is; averaged
    over a data set it is a cheap calibration signal (compare it with the
    cross-entropy against the true labels, which
    :func:`cross_entropy_and_entropy_from_logits` computes in the same pass).
    Rows are processed in cache-sized blocks on several threads, so the extra
    memory stays a few MiB whatever the number of rows. Each row costs one
    ``exp`` and two dot products: the log-probabilities :math:`z_i - \log\sum e^{z}`
    are formed only inside the block, and accumulated against the
    probabilities, which keeps float32 input accurate to about 1e-6 nats.

    Examples
    --------
    Equal logits are a uniform prediction, with entropy :math:`\log V`:

    >>> from infotheory import entropy_from_logits
    >>> round(float(entropy_from_logits([0.0, 0.0, 0.0, 0.0], base=2)), 6)
    2.0
    >>> entropy_from_logits([[10.0, 0.0], [0.0, 0.0]], base=2).round(4).tolist()
    [0.0007, 1.0]

    A higher temperature flattens the prediction and raises its entropy; a mask
    leaves padding out of the mean:

    >>> round(float(entropy_from_logits([10.0, 0.0], temperature=10.0, base=2)), 4)
    0.8399
    >>> round(float(entropy_from_logits([[10.0, 0.0], [0.0, 0.0], [9.0, 9.0]],
    ...                                 mask=[True, True, False], reduction="mean",
    ...                                 base=2)), 4)
    0.5004
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    t = positive_scalar(temperature, "temperature")
    x, ax = _logits_and_axis(logits, axis)
    src = RowBlocks(x, ax, temperature=t)
    keep = _check_mask(mask, src.batch_shape)
    (h,) = _map_rows([src], _entropy_kernel, 1, buffers=2, keep=keep)
    return _reduce(clamp(h), keep, reduction, src.batch_shape, divisor, "entropy")


def _entropy_rows(
    x: np.ndarray, e: np.ndarray, t: np.ndarray, name: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Return ``(c, log s, H)`` per row (the log-sum-exp is ``c + log s``).

    Leaves ``e = exp(x - c)`` in ``e``.
    """
    c, s = exp_rows(x, e, name)
    log_s = np.log(s)
    # H = lse - E_p[x] = (lse - shift) - E_p[x - shift], with x - shift ~ log p kept
    # small inside the block, so that float32 accumulation stays accurate; and
    # lse - shift = (c - shift) + log s, where c - shift is exact.
    shift = (c + log_s).astype(x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(x, shift[:, None], out=t)
        h = ((c - shift) + log_s) - masked_dot(e, t) / s
    return c, log_s, h


def _entropy_kernel(
    blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
) -> tuple[NDArray[np.float64]]:
    (x,), (e, t) = blocks, scratch
    return (_entropy_rows(x, e, t, "logits")[2],)


def _pair_sources(
    logits_p: ArrayLike,
    logits_q: ArrayLike,
    axis: int,
    temperature: float,
    dtype: np.dtype | None = None,
    names: tuple[str, str] = ("logits_p", "logits_q"),
) -> tuple[RowBlocks, RowBlocks, int]:
    """Row readers for two logits arrays whose batch dimensions broadcast together."""
    t = positive_scalar(temperature, "temperature")
    a, b = names
    xp, ax = _logits_and_axis(logits_p, axis, a)
    xq = as_logits(logits_q, b)
    if xp.ndim != xq.ndim:
        raise ValueError(
            f"{a} and {b} must have the same number of dimensions (add an axis "
            f"of length 1 to broadcast), got shapes {xp.shape} and {xq.shape}"
        )
    if xp.shape[ax] != xq.shape[ax]:
        raise ValueError(
            f"{a} and {b} must have the same number of classes along axis {axis}, "
            f"got {xp.shape[ax]} and {xq.shape[ax]}"
        )
    try:
        shape = np.broadcast_shapes(xp.shape, xq.shape)
    except ValueError:
        raise ValueError(
            f"{a} and {b} have shapes {xp.shape} and {xq.shape}, which do not broadcast together"
        ) from None
    compute = _compute_dtype(xp, xq) if dtype is None else np.dtype(dtype)
    return (
        RowBlocks(np.broadcast_to(xp, shape), ax, dtype=compute, temperature=t),
        RowBlocks(np.broadcast_to(xq, shape), ax, dtype=compute, temperature=t),
        ax,
    )


def kl_divergence_from_logits(
    logits_p: ArrayLike,
    logits_q: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    temperature: float = 1.0,
    mask: ArrayLike | None = None,
    reduction: Reduction = "none",
) -> Result:
    r"""KL divergence :math:`D_{\mathrm{KL}}(P \| Q)` between two softmax distributions.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \sum_i p_i (\log p_i - \log q_i),
        \qquad p = \operatorname{softmax}(a / T),\ q = \operatorname{softmax}(b / T)

    Parameters
    ----------
    logits_p : array_like
        Logits of the reference distribution `P` (the teacher in
        distillation; the policy being trained in an RLHF penalty
        :math:`D(\pi_\theta \| \pi_{\mathrm{ref}})`).
    logits_q : array_like
        Logits of `Q` (the student; the reference policy). The same number of
        classes; the other dimensions broadcast (one reference row against a
        batch).
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The class axis (default ``-1``).
    temperature : float, optional
        :math:`T > 0` (default 1), applied to both (as in distillation).
    mask : array_like of bool, optional
        The broadcast shape without the class axis; ``False`` rows are not read.
    reduction : {"none", "mean", "sum"}, optional
        Per row (default), or the mean or sum over the kept rows.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence for each row, ``>= 0``; ``inf`` where `Q` masks a
        class (``-inf`` logit) to which `P` gives mass.

    Raises
    ------
    ValueError
        If the class counts differ or the shapes do not broadcast, or as for
        :func:`entropy_from_logits`.

    See Also
    --------
    kl_divergence, js_divergence_from_logits, distillation_loss, kl_estimate

    Notes
    -----
    The sum is taken over `P`'s distribution, so the direction matters: with
    the teacher as `P`, the student is pushed to cover everything the
    teacher considers plausible (mass-covering); with the trained policy as
    `P`, it is penalised for putting mass where the reference does not.
    Computed as :math:`\sum_i p_i (a_i - b_i) - \log\sum e^{a} + \log\sum e^{b}`,
    block by block, and clamped at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import kl_divergence, kl_divergence_from_logits
    >>> a, b = np.log([0.9, 0.1]), np.log([0.6, 0.4])
    >>> round(float(kl_divergence_from_logits(a, b)), 4)
    0.2263
    >>> round(float(kl_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.2263

    One reference row broadcasts against a batch:

    >>> kl_divergence_from_logits(np.log([[0.9, 0.1], [0.6, 0.4]]), np.log([[0.6, 0.4]])
    ...                           ).round(4).tolist()
    [0.2263, 0.0]
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    src_p, src_q, _ = _pair_sources(logits_p, logits_q, axis, temperature)
    keep = _check_mask(mask, src_p.batch_shape)
    (d,) = _map_rows([src_p, src_q], _kl_kernel, 1, buffers=3, keep=keep)
    return _reduce(clamp(d), keep, reduction, src_p.batch_shape, divisor, "divergence")


def _kl_rows(
    xp: np.ndarray,
    xq: np.ndarray,
    e: np.ndarray,
    t: np.ndarray,
    u: np.ndarray,
    names: tuple[str, str] = ("logits_p", "logits_q"),
) -> NDArray[np.float64]:
    """``D(P || Q)`` per row: ``E_p[log p - log q]``, leaving ``e = exp(xp - cp)``."""
    cq, sq = exp_rows(xq, e, names[1])
    cp, sp = exp_rows(xp, e, names[0])
    log_sp, log_sq = np.log(sp), np.log(sq)
    with np.errstate(over="ignore", invalid="ignore"):
        gap = (cp - cq) + (log_sp - log_sq)  # lse_p - lse_q; cp - cq is exact
        if np.abs(gap).max() <= _DIRECT_GAP:
            # xp - xq is of the size of the log-probabilities: its rounding is theirs.
            np.subtract(xp, xq, out=t)  # nan where both are -inf: masked_dot skips it
            kl = masked_dot(e, t) / sp - gap
        else:
            # Far-apart offsets (logits of +-1e4): centre each on its own log-sum-exp
            # first, so the difference carries no large common offset to round.
            shift_p = (cp + log_sp).astype(xp.dtype)
            shift_q = (cq + log_sq).astype(xq.dtype)
            np.subtract(xp, shift_p[:, None], out=t)
            np.subtract(xq, shift_q[:, None], out=u)
            t -= u
            kl = masked_dot(e, t) / sp - ((cp - shift_p) + log_sp) + ((cq - shift_q) + log_sq)
    bad = ~np.isfinite(kl)
    if bad.any():  # inf from a masked class of q where p > 0, or an overflowed difference
        kl[bad] = _kl_halved(
            xp[bad], xq[bad], e[bad], sp[bad], (cp + log_sp)[bad], (cq + log_sq)[bad]
        )
    return kl


def _kl_halved(
    xp: np.ndarray,
    xq: np.ndarray,
    e: np.ndarray,
    sp: NDArray[np.float64],
    lse_p: NDArray[np.float64],
    lse_q: NDArray[np.float64],
) -> NDArray[np.float64]:
    """``D(P || Q)`` of a few rows in float64 halves, for log-ratios beyond the float range.

    A float32 difference of logits beyond 3.4e38, or a float64 one beyond 1.8e308, is
    ``inf`` although the divergence may be finite: here each log-probability is halved
    before the difference, and the sum doubled at the end (``inf`` only if the true value
    is beyond the float range, or where `Q` masks a class that `P` uses).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        half_p = 0.5 * xp.astype(np.float64) - 0.5 * lse_p[:, None]
        half_q = 0.5 * xq.astype(np.float64) - 0.5 * lse_q[:, None]
        p = e.astype(np.float64) / sp[:, None]
        terms = np.where(p > 0, p * (half_p - half_q), 0.0)
        return 2.0 * terms.sum(axis=1)


# Below this difference of log-sum-exps (nats), KL subtracts the logits directly.
_DIRECT_GAP = 16.0


def _kl_kernel(
    blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
) -> tuple[NDArray[np.float64]]:
    (xp, xq), (e, t, u) = blocks, scratch
    return (_kl_rows(xp, xq, e, t, u),)


def js_divergence_from_logits(
    logits_p: ArrayLike,
    logits_q: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    temperature: float = 1.0,
    mask: ArrayLike | None = None,
    reduction: Reduction = "none",
) -> Result:
    r"""Jensen-Shannon divergence between two softmax distributions.

    .. math::

        \mathrm{JS}(P, Q) = \tfrac12 D_{\mathrm{KL}}(P \| M) + \tfrac12 D_{\mathrm{KL}}(Q \| M),
        \qquad M = \tfrac12 (P + Q)

    Parameters
    ----------
    logits_p, logits_q : array_like
        Logits of `P` and `Q`: the same number of classes, the other dimensions
        broadcast. The divergence is symmetric, so their order does not matter.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits (then
        :math:`0 \le \mathrm{JS} \le 1`).
    axis, temperature, mask, reduction
        As for :func:`kl_divergence_from_logits`.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence for each row, in :math:`[0, \log 2]` nats; finite even
        where one distribution masks a class the other uses.

    Raises
    ------
    ValueError
        As for :func:`kl_divergence_from_logits`.

    See Also
    --------
    js_divergence, kl_divergence_from_logits

    Notes
    -----
    Both terms compare a distribution with the mixture `M`, which is positive
    wherever either one is, so the divergence is always finite, unlike the KL
    divergence; its square root is a metric. It is computed in float64 inside
    each block, whatever the input dtype, because it is a small difference of
    larger sums when `P` and `Q` are close.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import js_divergence, js_divergence_from_logits
    >>> a, b = np.log([0.9, 0.1]), np.log([0.6, 0.4])
    >>> round(float(js_divergence_from_logits(a, b)), 4)
    0.0633
    >>> round(float(js_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.0633

    Disjoint supports give the maximum, one bit:

    >>> float(js_divergence_from_logits([0.0, -np.inf], [-np.inf, 0.0], base=2))
    1.0
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    src_p, src_q, _ = _pair_sources(logits_p, logits_q, axis, temperature, dtype=np.float64)
    keep = _check_mask(mask, src_p.batch_shape)
    (d,) = _map_rows([src_p, src_q], _js_kernel, 1, buffers=4, keep=keep)
    return _reduce(
        clamp(d, math.log(2.0)), keep, reduction, src_p.batch_shape, divisor, "divergence"
    )


def _js_kernel(
    blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
) -> tuple[NDArray[np.float64]]:
    (xp, xq), (p, q, log_m, u) = blocks, scratch
    cp, sp = exp_rows(xp, p, "logits_p")
    cq, sq = exp_rows(xq, q, "logits_q")
    p /= sp[:, None]
    q /= sq[:, None]
    np.add(p, q, out=log_m)
    log_m *= 0.5
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        np.log(log_m, out=log_m)
        # log p = (x - c) - log s: x - c is exact near the row's maximum
        np.subtract(xp, cp[:, None], out=u)
        u -= np.log(sp)[:, None]
        u -= log_m
        a = masked_dot(p, u)
        np.subtract(xq, cq[:, None], out=u)
        u -= np.log(sq)[:, None]
        u -= log_m
        b = masked_dot(q, u)
    js = 0.5 * (a + b)
    near = js < _JS_NEAR
    if near.any():  # a small difference of two sums of order JS^(1/2): redo accurately
        rows = np.flatnonzero(near)
        js[rows] = _js_close(
            xp[rows],
            xq[rows],
            p[rows],
            q[rows],
            cp[rows] - cq[rows],
            np.log(sp[rows]) - np.log(sq[rows]),
        )
    return (js,)


#: Rows whose divergence from logits is below this are recomputed by :func:`_js_close`.
_JS_NEAR = 1e-3


def _js_close(
    xp: np.ndarray,
    xq: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    dc: NDArray[np.float64],
    dlog_s: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Jensen-Shannon divergence of rows where `P` and `Q` are close, to full precision.

    With :math:`\delta = \log p - \log q`, formed from the logits' difference (exact
    for close logits), each outcome contributes :math:`\tfrac{p + q}{4} g(\delta/2)`,
    :math:`g(u) = 2u \tanh u - 2 \log\cosh u \approx u^2`, two terms that cancel only
    by half, where the direct form is a difference of two sums of order
    :math:`\sqrt{\mathrm{JS}}`. :math:`\log\cosh u` is :math:`\operatorname{log1p}(2
    \sinh^2(u/2))` for :math:`|u| \le 1` and :math:`|u| - \log 2 +
    \operatorname{log1p}(e^{-2|u|})` beyond. A class masked in both is 0; one masked
    in one only contributes :math:`\tfrac12 \max(p, q) \log 2`, the limit of the term.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        d = (xp - xq) - (dc + dlog_s)[:, None]
        one_sided = np.isinf(d) | np.isnan(d)
        d[one_sided] = 0.0
        u = 0.5 * d
        au = np.abs(u)
        small = au <= 1.0
        log_cosh = np.where(
            small,
            np.log1p(2.0 * np.sinh(0.5 * np.where(small, u, 0.0)) ** 2),
            au - math.log(2.0) + np.log1p(np.exp(-2.0 * au)),
        )
        g = 2.0 * u * np.tanh(u) - 2.0 * log_cosh
        terms = 0.25 * (p + q) * np.maximum(g, 0.0)
        if one_sided.any():
            terms[one_sided] = 0.5 * math.log(2.0) * np.maximum(p, q)[one_sided]
    return terms.sum(axis=1)


# ------------------------------------------------------------------ losses against targets


class _Targets(NamedTuple):
    classes: NDArray[np.intp] | None  # flat class indices (0 where ignored), or None
    probs: RowBlocks | None  # probability targets, read like the logits
    keep: NDArray[np.bool_] | None  # flat; None keeps every row
    tol: float


def _check_ignore_index(ignore_index: int | None) -> None:
    if ignore_index is not None and (
        isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral)
    ):
        raise TypeError(f"ignore_index must be an integer or None, got {ignore_index!r}")


def _targets(
    target: ArrayLike,
    shape: tuple[int, ...],
    ax: int,
    compute: np.dtype,
    ignore_index: int | None,
    tol: float | None,
    *,
    allow_probs: bool = True,
) -> _Targets:
    """Class-index targets (the batch shape) or probability targets (the logits' ``shape``)."""
    _check_ignore_index(ignore_index)
    tgt = as_array(target, "target")
    batch = _batch_shape(shape, ax)
    n_classes = shape[ax]
    if tgt.dtype.kind in "iu":
        if tgt.shape != batch:
            raise ValueError(
                f"target must hold one class index per row, with the logits' shape without "
                f"the class axis, {batch}"
                + (f", or probabilities of the logits' shape {shape}" if allow_probs else "")
                + f"; got shape {tgt.shape}"
            )
        flat = tgt.reshape(-1)
        keep = None if ignore_index is None else flat != ignore_index
        bad = (flat < 0) | (flat >= n_classes)
        if keep is not None:
            bad &= keep
        if bad.any():
            where = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), batch))
            raise ValueError(
                f"target has class indices outside [0, {n_classes}): "
                f"{int(tgt[where])} at index {where}"
            )
        classes = flat if keep is None else np.where(keep, flat, 0)
        return _Targets(classes.astype(np.intp, copy=False), None, keep, 0.0)
    if (tgt.dtype.kind == "f" or is_bfloat16(tgt.dtype)) and tgt.shape == batch != shape:
        raise TypeError(
            f"target must hold integer class indices, got dtype {tgt.dtype} (probability "
            f"targets have the logits' shape {shape})"
        )
    if tgt.dtype.kind == "f" or is_bfloat16(tgt.dtype):
        if not allow_probs:
            raise TypeError(f"target must hold integer class indices, got dtype {tgt.dtype}")
        if tgt.shape != shape:
            raise ValueError(
                f"probability targets must have the logits' shape {shape}, got {tgt.shape} "
                f"(class indices must be integers)"
            )
        if ignore_index is not None:
            raise ValueError(
                "ignore_index applies to class-index targets only (as in torch); give "
                "padding rows of probability targets weight through mask-free rows instead, "
                "or use class indices"
            )
        if tol is None and is_bfloat16(tgt.dtype):
            limit = 1e-3  # bfloat16's epsilon is 2**-7: sum_tolerance's cap
        elif tol is None:  # the round-off of the target's dtype, or of the one it is read in
            limit = max(sum_tolerance(tgt.dtype, n_classes), sum_tolerance(compute, n_classes))
        else:
            limit = check_tol(tol)
        return _Targets(None, RowBlocks(tgt, ax, dtype=compute), None, limit)
    raise TypeError(
        f"target must hold integer class indices, got dtype {tgt.dtype} (or float "
        "probabilities of the logits' shape)"
    )


def _check_smoothing(label_smoothing: float) -> float:
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(f"label_smoothing must be a real number, got {label_smoothing!r}")
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return eps


def _weighted_gap(
    w: float, a: NDArray[np.float64], b: NDArray[np.float64], extra: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``w * ((a - b) + extra)``, also where ``a - b`` overflows but the product does not."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = w * ((a - b) + extra)
        lost = np.isinf(out) & np.isfinite(a) & np.isfinite(b)
        if lost.any():
            out[lost] = (w * a[lost] - w * b[lost]) + w * extra[lost]
    return out


def _class_losses(
    x: np.ndarray,
    c: NDArray[np.float64],
    log_s: NDArray[np.float64],
    y: NDArray[np.intp],
    eps: float,
) -> NDArray[np.float64]:
    """Smoothed negative log-likelihood of classes ``y``; the log-sum-exp is ``c + log_s``.

    ``lse - z_y`` is formed as ``(c - z_y) + log_s``: ``c`` is the row maximum (or 0),
    so at large offsets the subtraction is exact and only ``log_s`` is rounded.
    """
    loss = np.zeros_like(c)
    if eps < 1.0:  # skipped at eps == 1 so a masked target cannot give 0 * inf
        picked = x[np.arange(x.shape[0]), y].astype(np.float64)
        loss += _weighted_gap(1.0 - eps, c, picked, log_s)
    if eps:
        with np.errstate(over="ignore"):
            loss += _weighted_gap(eps, c, row_means(x), log_s)
    return loss


def _check_probability_rows(t: np.ndarray, tol: float) -> None:
    if not np.isfinite(t).all():
        raise ValueError("target contains NaN or infinite probabilities")
    if (t < 0).any():
        raise ValueError(f"target has negative probabilities (smallest {t.min()!r})")
    sums = row_sums(t)
    err = np.abs(sums - 1.0)
    if (err > tol).any():
        worst = float(sums[np.argmax(err)])
        raise ValueError(
            f"target probabilities do not sum to 1 along the class axis (a sum of {worst!r}, "
            f"tolerance {tol:.1e}); pass tol= to accept more round-off"
        )


def cross_entropy_from_logits(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    label_smoothing: float = 0.0,
    ignore_index: int | None = None,
    reduction: Reduction = "mean",
    base: float | None = None,
    temperature: float = 1.0,
    tol: float | None = None,
) -> Result:
    r"""Cross-entropy loss of logits against class targets or probability targets.

    .. math::

        \ell = -\sum_{k=1}^{K} \tilde y_k \log p_k, \qquad
        \tilde y = (1 - \varepsilon)\, y + \frac{\varepsilon}{K}, \qquad
        p = \operatorname{softmax}(z / T)

    With a class index `y` (a one-hot :math:`y`) and :math:`\varepsilon = 0`
    this is the negative log-likelihood :math:`-\log p_y` of the correct class,
    the loss every classifier and language model is trained on.

    Parameters
    ----------
    logits : array_like
        Scores for `K` classes along `axis` (for a language model: one row per
        token position, one column per vocabulary entry). Any layout and float16,
        bfloat16, float32 or float64 data, read a block at a time: the shifted
        view ``logits[:, :-1]`` is not copied.
    target : array_like
        Either the correct class of each row (integers in ``[0, K)`` or
        `ignore_index`, the logits' shape without the class axis), or
        probabilities over the classes (floats, the logits' shape; soft labels,
        each row summing to 1).
    axis : int, optional
        The class axis (default ``-1``); torch's ``(N, C, ...)`` layout is ``axis=1``.
    label_smoothing : float, optional
        :math:`\varepsilon \in [0, 1]`: the target becomes
        :math:`(1 - \varepsilon)` times itself plus :math:`\varepsilon/K` on
        every class, the convention of :func:`torch.nn.functional.cross_entropy`
        for both kinds of target.
    ignore_index : int, optional
        Rows whose class target equals this value (padding) are left out and not
        read: they give 0 with ``reduction="none"`` and do not count in the mean.
        Class-index targets only. Default ``None``: no row is ignored.
    reduction : {"mean", "sum", "none"}, optional
        Mean over the rows that are not ignored (default), their sum, or the
        per-row losses with the shape of the batch. An empty batch gives 0.0 for
        ``"sum"`` and an empty array for ``"none"``, as in torch.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    temperature : float, optional
        :math:`T > 0` (default 1): the loss of the logits divided by `T`, as
        temperature scaling evaluates it (:func:`fit_temperature`).
    tol : float, optional
        How far from 1 a row of probability targets may sum; by default the
        round-off of their dtype.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The loss, float64 whatever the input dtype, ``>= 0``.

    Raises
    ------
    ValueError
        For NaN or ``+inf`` logits in a row that is read, a row that is ``-inf``
        everywhere, a `target` of the wrong shape or with classes out of range,
        probability targets that are negative or do not sum to 1,
        `label_smoothing` outside [0, 1] (torch silently ignores negative
        values), an unknown `reduction`, or a mean over no rows (torch returns
        NaN there).
    TypeError
        For targets that are neither integers nor floats, a non-integer `axis`,
        or a tensor that requires grad.

    See Also
    --------
    cross_entropy, perplexity, token_logprobs, cross_entropy_and_entropy_from_logits

    Notes
    -----
    With a one-hot target the cross-entropy :math:`H(P, Q)` of the model `Q`
    against the data `P` reduces to :math:`-\log q_y`: 0.693 nats when the
    model gives the right token probability 0.5, 4.605 nats at 0.01.
    Averaged over a corpus it is the quantity whose exponential is the
    perplexity.

    Each row is computed as :math:`\log\sum_j e^{z_j} - z_y`, the log-sum-exp
    taking the row maximum out only where the sum would leave the float range,
    so huge logits cannot overflow. Large inputs are processed in cache-sized
    blocks on several threads, so the extra memory is a few megabytes whatever
    the number of rows; results agree with torch's to float precision.

    References
    ----------
    .. [1] C. Szegedy et al., "Rethinking the Inception Architecture for
       Computer Vision", CVPR 2016 (label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import cross_entropy_from_logits
    >>> logits = np.log([[0.5, 0.25, 0.25], [0.01, 0.01, 0.98]])
    >>> cross_entropy_from_logits(logits, [0, 1], reduction="none").round(3)
    array([0.693, 4.605])
    >>> round(float(cross_entropy_from_logits(logits, [0, 1])), 3)
    2.649

    Padding is left out of the mean:

    >>> round(float(cross_entropy_from_logits(logits, [0, -100], ignore_index=-100)), 3)
    0.693

    Label smoothing moves a little of the target onto every class:

    >>> round(float(cross_entropy_from_logits(logits, [0, 1], label_smoothing=0.1)), 3)
    2.596

    Probability targets (soft labels) have the logits' shape; a one-hot row is
    the same as its class index:

    >>> soft = [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]
    >>> cross_entropy_from_logits(logits, soft, reduction="none").round(3)
    array([0.693, 2.313])
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    eps = _check_smoothing(label_smoothing)
    t = positive_scalar(temperature, "temperature")
    x, ax = _logits_and_axis(logits, axis)
    src = RowBlocks(x, ax, temperature=t)
    targets = _targets(target, x.shape, ax, src.dtype, ignore_index, tol)
    if targets.probs is None:
        classes = targets.classes

        def kernel(
            blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
        ) -> tuple[NDArray[np.float64]]:
            (xb,), (e,) = blocks, scratch
            c, s = exp_rows(xb, e, "logits")
            return (_class_losses(xb, c, np.log(s), classes[rows], eps),)

        (losses,) = _map_rows([src], kernel, 1, buffers=1, keep=targets.keep)
    else:
        limit = targets.tol

        def kernel(
            blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
        ) -> tuple[NDArray[np.float64]]:
            (xb, tb), (e, u) = blocks, scratch
            _check_probability_rows(tb, limit)
            c, s = exp_rows(xb, e, "logits")
            log_s = np.log(s)
            shift = (c + log_s).astype(xb.dtype)
            loss = np.zeros_like(c)
            with np.errstate(over="ignore", invalid="ignore"):
                if eps < 1.0:  # -sum t log p = (lse - shift) - sum t (x - shift)
                    np.subtract(xb, shift[:, None], out=u)
                    loss += (1.0 - eps) * (((c - shift) + log_s) - masked_dot(tb, u))
            if eps:
                loss += _weighted_gap(eps, c, row_means(xb), log_s)
            return (loss,)

        (losses,) = _map_rows([src, targets.probs], kernel, 1, buffers=2)
    return _reduce(clamp(losses), targets.keep, reduction, src.batch_shape, divisor, "loss")


class CrossEntropyAndEntropy(NamedTuple):
    """The result of :func:`cross_entropy_and_entropy_from_logits`."""

    #: Cross-entropy of the predictions against the targets (the loss).
    cross_entropy: Result
    #: Entropy of the predictions themselves (how unsure the model is).
    entropy: Result


def cross_entropy_and_entropy_from_logits(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    ignore_index: int | None = None,
    reduction: Reduction = "mean",
    base: float | None = None,
    temperature: float = 1.0,
) -> CrossEntropyAndEntropy:
    r"""The loss and the prediction entropy of the same logits, in one pass.

    .. math::

        \ell = -\log p_y, \qquad H = -\sum_k p_k \log p_k,
        \qquad p = \operatorname{softmax}(z / T)

    What an evaluation loop logs: the cross-entropy against the targets and the
    entropy of the predictions. Reading the logits once for both costs little
    more than the entropy alone (the cross-entropy reuses its log-sum-exp).

    Parameters
    ----------
    logits : array_like
        Scores for `K` classes along `axis`, any layout and float dtype.
    target : array_like of int
        The correct class of each row, the logits' shape without the class axis.
    axis, ignore_index, reduction, base, temperature
        As for :func:`cross_entropy_from_logits`; rows that are ignored are left
        out of both quantities.

    Returns
    -------
    CrossEntropyAndEntropy
        A named tuple ``(cross_entropy, entropy)``, both reduced the same way.

    Raises
    ------
    ValueError, TypeError
        As for :func:`cross_entropy_from_logits`.

    See Also
    --------
    cross_entropy_from_logits, entropy_from_logits, CrossEntropyMeter

    Notes
    -----
    For a calibrated model the two agree on average: the mean entropy of its
    predictions equals its mean loss. A loss well above the entropy means the
    model is overconfident (it is surprised more often than it expects); below,
    underconfident.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import cross_entropy_and_entropy_from_logits
    >>> logits = np.log([[0.5, 0.25, 0.25], [0.01, 0.01, 0.98]])
    >>> result = cross_entropy_and_entropy_from_logits(logits, [0, 1])
    >>> round(float(result.cross_entropy), 3), round(float(result.entropy), 3)
    (2.649, 0.576)
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    t = positive_scalar(temperature, "temperature")
    x, ax = _logits_and_axis(logits, axis)
    src = RowBlocks(x, ax, temperature=t)
    targets = _targets(target, x.shape, ax, src.dtype, ignore_index, None, allow_probs=False)
    classes = targets.classes

    def kernel(
        blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        (xb,), (e, u) = blocks, scratch
        c, log_s, h = _entropy_rows(xb, e, u, "logits")
        return _class_losses(xb, c, log_s, classes[rows], 0.0), h

    losses, h = _map_rows([src], kernel, 2, buffers=2, keep=targets.keep)
    shape, keep = src.batch_shape, targets.keep
    return CrossEntropyAndEntropy(
        _reduce(clamp(losses), keep, reduction, shape, divisor, "loss"),
        _reduce(clamp(h), keep, reduction, shape, divisor, "entropy"),
    )


def token_logprobs(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    temperature: float = 1.0,
    ignore_index: int | None = None,
) -> Result:
    r"""The log-probability of each target token, without the full log-softmax.

    .. math::

        \log p(y) = \frac{z_y}{T} - \log \sum_j e^{z_j / T}

    What RLHF and DPO code gathers from a model's logits: the log-probability of
    each sampled or observed token, to be summed over a sequence
    (:func:`dpo_loss`) or compared between two models (:func:`kl_estimate`).

    Parameters
    ----------
    logits : array_like
        Scores for `K` classes along `axis`, any layout and float dtype.
    target : array_like of int
        The token of each row, the logits' shape without the class axis.
    axis : int, optional
        The class axis (default ``-1``).
    temperature : float, optional
        :math:`T > 0` (default 1): the log-probabilities of sampling at `T`.
    ignore_index : int, optional
        Rows with this target (padding) are not read and give 0, so that a sum
        over a sequence counts only real tokens.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        Natural-log probabilities, float64, ``<= 0``, the shape of `target`.

    Raises
    ------
    ValueError, TypeError
        As for :func:`cross_entropy_from_logits`.

    See Also
    --------
    log_softmax, cross_entropy_from_logits, kl_estimate, dpo_loss

    Notes
    -----
    Equal, up to round-off, to
    ``np.take_along_axis(log_softmax(logits), target[..., None], -1)``, which builds an array the size of the logits (for a batch of 4 sequences of
    2048 tokens over a 128 000-token vocabulary, 4 GB in float32) to keep 8 192
    numbers of it. Here each row costs one ``exp`` over the block.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import token_logprobs
    >>> logits = np.log([[0.5, 0.25, 0.25], [0.01, 0.01, 0.98]])
    >>> token_logprobs(logits, [0, 2]).round(4)
    array([-0.6931, -0.0202])
    >>> token_logprobs(logits, [0, -100], ignore_index=-100).round(4)
    array([-0.6931,  0.    ])
    """
    t = positive_scalar(temperature, "temperature")
    x, ax = _logits_and_axis(logits, axis)
    src = RowBlocks(x, ax, temperature=t)
    targets = _targets(target, x.shape, ax, src.dtype, ignore_index, None, allow_probs=False)
    classes = targets.classes

    def kernel(
        blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
    ) -> tuple[NDArray[np.float64]]:
        (xb,), (e,) = blocks, scratch
        c, s = exp_rows(xb, e, "logits")
        return (-_class_losses(xb, c, np.log(s), classes[rows], 0.0),)

    (logp,) = _map_rows([src], kernel, 1, buffers=1, keep=targets.keep)
    return finish(np.minimum(logp, 0.0).reshape(src.batch_shape) + 0.0)


def perplexity(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    axis: int = -1,
    ignore_index: int | None = None,
    temperature: float = 1.0,
    tol: float | None = None,
) -> np.float64:
    r"""Perplexity: the exponential of the mean cross-entropy in nats.

    .. math::

        \mathrm{PPL} = \exp\Big(-\frac{1}{N} \sum_{t=1}^{N} \log p(y_t)\Big)

    Parameters
    ----------
    logits : array_like
        Scores for `K` classes (vocabulary entries) along `axis`.
    target : array_like
        The observed class (next token) of each row, or probability targets
        of the logits' shape, as for :func:`cross_entropy_from_logits`.
    axis : int, optional
        The class axis (default ``-1``).
    ignore_index : int, optional
        Rows with this target (padding) are left out of the mean.
    temperature : float, optional
        :math:`T > 0` (default 1).
    tol : float, optional
        How far from 1 the rows of probability targets may sum, as for
        :func:`cross_entropy_from_logits`.

    Returns
    -------
    numpy.float64
        The perplexity, ``>= 1``; ``inf`` when the mean loss exceeds about 709.78
        nats, where the exponential leaves the float range.

    Raises
    ------
    ValueError
        As for :func:`cross_entropy_from_logits`, including when every
        target is ignored.

    See Also
    --------
    cross_entropy_from_logits, CrossEntropyMeter

    Notes
    -----
    The perplexity is the exponential of an *average* surprise: a model whose
    predictions are uniform over `k` tokens has perplexity exactly `k`, and
    any model with perplexity `k` is, on the geometric average of the
    probabilities it gives the observed tokens, as surprised as that uniform
    one (its "effective vocabulary size"). It is not the number of tokens the
    model hesitates between at any one step. It is base-independent
    (:math:`2^{H_2} = e^{H_e}`), but only comparable between models that share
    a tokenizer, since the number of tokens `N` depends on it. Bits per token
    are :math:`\log_2 \mathrm{PPL}`.

    Examples
    --------
    A model that spreads its bets evenly over 50 tokens has perplexity 50:

    >>> import numpy as np
    >>> from infotheory import perplexity
    >>> round(float(perplexity(np.zeros((3, 50)), [4, 7, 9])), 6)
    50.0
    """
    loss = cross_entropy_from_logits(
        logits, target, axis=axis, ignore_index=ignore_index, temperature=temperature, tol=tol
    )
    with np.errstate(over="ignore"):
        return np.float64(np.exp(loss))


def distillation_loss(
    student_logits: ArrayLike,
    teacher_logits: ArrayLike,
    *,
    temperature: float,
    target: ArrayLike | None = None,
    alpha: float | None = None,
    axis: int = -1,
    ignore_index: int | None = None,
    reduction: Reduction = "mean",
    base: float | None = None,
) -> Result:
    r"""Knowledge-distillation loss: the student matches the teacher at a temperature.

    .. math::

        \mathcal L = \alpha\, T^2\, D_{\mathrm{KL}}\big(\operatorname{softmax}(t/T)
        \,\|\, \operatorname{softmax}(s/T)\big) + (1 - \alpha)\,\big(-\log
        \operatorname{softmax}(s)_y\big)

    Parameters
    ----------
    student_logits : array_like
        Logits `s` of the model being trained (`Q`).
    teacher_logits : array_like
        Logits `t` of the teacher (`P`, the truth of the soft term). The same
        number of classes; other dimensions broadcast.
    temperature : float
        :math:`T > 0`, applied to both in the soft term (Hinton et al. used 1
        to 20; higher exposes more of the teacher's "dark knowledge", the
        relative probabilities of wrong classes).
    target : array_like of int, optional
        Hard labels for the second term (the student at temperature 1).
    alpha : float, optional
        Weight of the soft term in [0, 1]. Required with `target`; without it,
        the loss is the soft term alone (``alpha`` may then only be 1).
    axis : int, optional
        The class axis (default ``-1``).
    ignore_index : int, optional
        Rows whose target equals this value are left out of both terms.
    reduction : {"mean", "sum", "none"}, optional
        Mean over the kept rows (default), their sum, or per row. For 2-D
        ``(batch, classes)`` logits the mean is torch's ``reduction="batchmean"``
        for the KL term; for ``(batch, sequence, vocabulary)`` logits torch's
        ``"batchmean"`` divides the sum by the batch size only, which is the
        sequence length times this mean (pass ``reduction="sum"`` and divide
        by the batch size to reproduce it).
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The loss, ``>= 0``.

    Raises
    ------
    ValueError
        For a `temperature` that is not a finite number > 0, an `alpha` outside
        [0, 1], `alpha` missing with a `target` (or other than 1 without one),
        or as for :func:`cross_entropy_from_logits` and
        :func:`kl_divergence_from_logits`.

    See Also
    --------
    kl_divergence_from_logits, cross_entropy_from_logits

    Notes
    -----
    The factor :math:`T^2` keeps the soft term's gradients the same size as the
    hard term's whatever the temperature: softening both distributions by `T`
    shrinks the gradient of the divergence by about :math:`1/T^2` (Hinton et
    al., section 2). This is the usual torch recipe,
    ``alpha * T**2 * F.kl_div(F.log_softmax(s / T, -1), F.softmax(t / T, -1),
    reduction="batchmean") + (1 - alpha) * F.cross_entropy(s, y)``, to float
    precision for 2-D logits, computed block by block without any full-size temporary.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a
       Neural Network", NIPS Deep Learning Workshop, 2015, arXiv:1503.02531.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import distillation_loss
    >>> teacher = np.array([[4.0, 1.0, 0.0], [0.0, 3.0, 0.5]])
    >>> student = np.array([[2.0, 1.5, 0.0], [0.5, 2.0, 0.0]])
    >>> round(float(distillation_loss(student, teacher, temperature=2.0)), 4)
    0.3847
    >>> round(float(distillation_loss(student, teacher, temperature=2.0,
    ...                               target=[0, 1], alpha=0.5)), 4)
    0.4077

    A student that copies the teacher has nothing left to learn from it:

    >>> float(distillation_loss(teacher, teacher, temperature=4.0))
    0.0
    """
    divisor = log_of_base(base)
    reduction = _check_reduction(reduction)
    t = positive_scalar(temperature, "temperature")
    if alpha is not None:
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
            raise TypeError(f"alpha must be a real number, got {alpha!r}")
        if not 0.0 <= float(alpha) <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    if target is None:
        if alpha is not None and float(alpha) != 1.0:
            raise ValueError(f"alpha={alpha!r} weights the hard-label term, which needs target=")
        if ignore_index is not None:
            raise ValueError("ignore_index needs target= (the rows it ignores are targets)")
        weight = 1.0
    elif alpha is None:
        raise ValueError(
            "pass alpha= (the weight of the soft term, in [0, 1]) together with target="
        )
    else:
        weight = float(alpha)
    soft_s, soft_t, ax = _pair_sources(
        student_logits, teacher_logits, axis, t, names=("student_logits", "teacher_logits")
    )
    sources = [soft_t, soft_s]
    classes: NDArray[np.intp] | None = None
    keep = None
    if target is not None:
        shape = soft_s.batch_shape + (soft_s.n_cols,)
        targets = _targets(
            target, shape, len(shape) - 1, soft_s.dtype, ignore_index, None, allow_probs=False
        )
        classes, keep = targets.classes, targets.keep
        if weight < 1.0:
            sources.append(soft_s.at_temperature(1.0))  # the student at T = 1
    scale = weight * t * t

    def kernel(
        blocks: list[np.ndarray], scratch: list[np.ndarray], rows: Rows
    ) -> tuple[NDArray[np.float64]]:
        e, t, u = scratch
        soft = _kl_rows(blocks[0], blocks[1], e, t, u, ("teacher_logits", "student_logits"))
        loss = scale * np.maximum(soft, 0.0)
        if len(blocks) == 3:
            c, s = exp_rows(blocks[2], e, "student_logits")
            hard = _class_losses(blocks[2], c, np.log(s), classes[rows], 0.0)
            loss = loss + (1.0 - weight) * np.maximum(hard, 0.0)
        return (loss,)

    (losses,) = _map_rows(sources, kernel, 1, buffers=3, keep=keep)
    return _reduce(clamp(losses), keep, reduction, soft_s.batch_shape, divisor, "loss")
