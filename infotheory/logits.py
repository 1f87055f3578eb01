"""Softmax, and entropy, cross-entropy and KL divergence computed from logits.

Models output logits, not probabilities. Working from logits with the
log-sum-exp trick is both stable (logits of +-1e4 are fine) and fast: the
functions here walk the rows of large inputs in cache-sized blocks on several
threads (see :mod:`infotheory._blocks`) and never build a full-size
probability array.

Conventions: the class axis is the last one unless `axis` says otherwise;
``-inf`` logits are allowed and mean probability 0 (masked classes); NaN and
``+inf`` logits are errors, as is a row that is ``-inf`` everywhere.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Literal

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
from numpy.typing import ArrayLike, NDArray

from ._blocks import for_each_row_block
from ._checks import as_logits, check_row_maxima, finish, log_of_base, positive_scalar
from ._terms import clamp

__all__ = [
    "cross_entropy_from_logits",
    "entropy_from_logits",
    "kl_divergence_from_logits",
    "log_softmax",
    "perplexity",
    "softmax",
]

Result = np.float64 | NDArray[np.float64]
Reduction = Literal["mean", "sum", "none"]


def _axis_index(axis: int, ndim: int, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    try:
        return normalize_axis_index(int(axis), ndim)
    except np.exceptions.AxisError:
        raise ValueError(
            f"axis {axis} is out of bounds for {name} with {ndim} dimension(s)"
        ) from None


def _rows(x: NDArray[np.floating], axis: int) -> NDArray[np.floating]:
    """View (or, if the class axis is not last and contiguous, copy) ``x`` as (rows, classes)."""
    moved = np.moveaxis(x, axis, -1)
    return np.ascontiguousarray(moved).reshape(-1, moved.shape[-1])


def _shifted(x: NDArray[np.floating], axis: int, name: str) -> NDArray[np.floating]:
    """Return ``x - max(x)`` along ``axis`` (a new array), checking the maxima."""
    m = np.max(x, axis=axis, keepdims=True)
    check_row_maxima(m, name)
    return x - m


# numpy in Pyodide has no BLAS: its float32 dot products accumulate one term at
# a time, which loses ~1e-5 relative over 1e4 terms, so there they run in float64.
_DOT_DTYPE = np.float64 if sys.platform == "emscripten" else None


def _row_sums(e: NDArray[np.floating]) -> NDArray[np.float64]:
    """Row sums as a matrix-vector product: BLAS is 4x faster than ``sum(axis=1)``
    here, and its blocked accumulation is accurate to ~1e-7 relative for 1e5 terms."""
    if _DOT_DTYPE is not None:
        return e.sum(axis=1, dtype=_DOT_DTYPE)
    return (e @ np.ones(e.shape[1], dtype=e.dtype)).astype(np.float64)


def _masked_dot(e: NDArray[np.floating], t: NDArray[np.floating]) -> NDArray[np.float64]:
    """Row sums of ``e * t`` where ``e == 0`` contributes 0 even if ``t`` is -inf.

    ``t`` holds logits shifted by their row maximum, so the products carry no
    large common offset and float32 accumulation loses nothing that matters.
    """
    with np.errstate(invalid="ignore"):
        dots = np.vecdot(e, t, dtype=_DOT_DTYPE).astype(np.float64)
    bad = np.isnan(dots)
    if bad.any():  # only rows with -inf (masked) logits: redo them carefully
        eb, tb = e[bad], t[bad]
        dots[bad] = np.where(eb > 0, eb * np.where(eb > 0, tb, 0), 0).sum(axis=1)
    return dots


def _logsumexp_rows(block: NDArray[np.floating], e: NDArray[np.floating]) -> NDArray[np.float64]:
    """Row-wise ``log(sum(exp(block)))`` in float64, using ``e`` as scratch.

    The usual stable form subtracts each row's maximum first, which costs two
    extra passes over the data. Here ``exp`` is applied to the logits as they
    are, and only rows whose sum overflowed, underflowed or hit NaN (logits
    beyond about +-80, or invalid ones) are redone the stable way; the result
    is the same to float precision, since ``log`` of a sum with relative error
    ``u`` has absolute error ``u`` wherever the logits lie.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        np.exp(block, out=e)
        sums = _row_sums(e)
    redo = ~((sums >= _SAFE_SUM_MIN) & (sums <= _SAFE_SUM_MAX[e.dtype.itemsize]))
    lse = np.log(sums, where=~redo, out=np.zeros_like(sums))
    if redo.any():
        rows = block[redo]
        m = rows.max(axis=1)
        check_row_maxima(m, "logits")
        shifted = rows - m[:, None]
        np.exp(shifted, out=shifted)
        lse[redo] = m + np.log(shifted.sum(axis=1, dtype=np.float64))
    return lse


# Row sums of exp(logits) inside these bounds are safe to take the log of
# directly; outside them a term may have overflowed or be subnormal.
_SAFE_SUM_MIN = 1e-20
_SAFE_SUM_MAX = {4: 1e30, 8: 1e300}


def softmax(logits: ArrayLike, *, axis: int = -1, temperature: float = 1.0) -> NDArray:
    r"""Softmax of logits, optionally at a temperature.

    .. math::

        \operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}

    Parameters
    ----------
    logits : array_like
        Real scores; ``-inf`` means probability 0.
    axis : int, optional
        The class axis (default ``-1``).
    temperature : float, optional
        :math:`T > 0`. Below 1 sharpens the distribution, above 1 flattens it.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape, summing to 1 along `axis`; float32
        for float32 input, float64 otherwise.

    Raises
    ------
    ValueError
        For NaN or ``+inf`` logits, a slice that is ``-inf`` everywhere, an
        empty input, a `temperature` that is not a finite number > 0, or an
        out-of-range `axis`.

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
    t = positive_scalar(temperature, "temperature")
    x = as_logits(logits, "logits")
    ax = _axis_index(axis, x.ndim, "logits")
    z = _shifted(x, ax, "logits")
    if t != 1.0:
        z /= t
    np.exp(z, out=z)
    z /= z.sum(axis=ax, keepdims=True)
    return z


def log_softmax(logits: ArrayLike, *, axis: int = -1) -> NDArray:
    r"""Logarithm of the softmax, computed stably.

    .. math::

        \log \operatorname{softmax}(z)_i = z_i - \log \sum_j e^{z_j}

    Parameters
    ----------
    logits : array_like
        Real scores; ``-inf`` gives a log-probability of ``-inf``.
    axis : int, optional
        The class axis (default ``-1``).

    Returns
    -------
    numpy.ndarray
        Log-probabilities of the same shape (float32 for float32 input).

    Raises
    ------
    ValueError
        As for :func:`softmax`.

    See Also
    --------
    softmax, cross_entropy_from_logits

    Notes
    -----
    The log-sum-exp is taken after subtracting the maximum,
    :math:`\log\sum_j e^{z_j} = m + \log\sum_j e^{z_j - m}`, so nothing
    overflows; and the result is never computed as ``log(softmax(z))``, which
    underflows to ``-inf`` for very unlikely classes.

    Examples
    --------
    >>> from infotheory import log_softmax
    >>> log_softmax([1e4, 0.0])
    array([     0., -10000.])
    >>> log_softmax([0.0, 0.0, 0.0, 0.0]).round(4)
    array([-1.3863, -1.3863, -1.3863, -1.3863])
    """
    x = as_logits(logits, "logits")
    ax = _axis_index(axis, x.ndim, "logits")
    z = _shifted(x, ax, "logits")
    e = np.exp(z)
    z -= np.log(e.sum(axis=ax, keepdims=True))
    return z


def entropy_from_logits(logits: ArrayLike, *, base: float | None = None,
                        axis: int = -1) -> Result:
    r"""Entropy of ``softmax(logits)``, without building the probabilities.

    .. math::

        H = -\sum_i p_i \log p_i = \log \sum_j e^{z_j} - \sum_i p_i z_i,
        \qquad p = \operatorname{softmax}(z)

    Parameters
    ----------
    logits : array_like
        Real scores, classes along `axis`; ``-inf`` masks a class.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The class axis (default ``-1``). The last axis of a C-contiguous
        array is fastest; any other layout is copied once.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The entropy of each predicted distribution, float64, with `axis`
        removed from the shape.

    Raises
    ------
    ValueError
        As for :func:`softmax`, or for an invalid `base`.

    See Also
    --------
    entropy, softmax, cross_entropy_from_logits

    Notes
    -----
    The entropy of a model's predictions measures how unsure it is; averaged
    over a data set it is a cheap calibration signal (compare it with the
    cross-entropy against the true labels). Rows are processed in cache-sized
    blocks on several threads, so the extra memory stays small whatever the
    number of rows. Float32 input is accumulated in float64.

    Examples
    --------
    Equal logits are a uniform prediction, with entropy :math:`\log V`:

    >>> from infotheory import entropy_from_logits
    >>> round(float(entropy_from_logits([0.0, 0.0, 0.0, 0.0], base=2)), 6)
    2.0
    >>> entropy_from_logits([[10.0, 0.0], [0.0, 0.0]], base=2).round(4).tolist()
    [0.0007, 1.0]
    """
    divisor = log_of_base(base)
    x = as_logits(logits, "logits")
    ax = _axis_index(axis, x.ndim, "logits")
    rows = _rows(x, ax)
    out = np.empty(rows.shape[0])

    def work(lo: int, hi: int, scratch: list[np.ndarray]) -> None:
        t, e = scratch
        block = rows[lo:hi]
        m = block.max(axis=1)
        check_row_maxima(m, "logits")
        np.subtract(block, m[:, None], out=t)
        np.exp(t, out=e)
        s = _row_sums(e)
        out[lo:hi] = np.log(s) - _masked_dot(e, t) / s

    for_each_row_block(rows.shape[0], rows.shape[1], rows.dtype, work)
    h = clamp(out).reshape(np.delete(x.shape, ax)) / divisor
    return finish(h)


def kl_divergence_from_logits(logits_p: ArrayLike, logits_q: ArrayLike, *,
                              base: float | None = None, axis: int = -1) -> Result:
    r"""KL divergence :math:`D_{\mathrm{KL}}(P \| Q)` between two softmax distributions.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \sum_i p_i (\log p_i - \log q_i),
        \qquad p = \operatorname{softmax}(a),\ q = \operatorname{softmax}(b)

    Parameters
    ----------
    logits_p : array_like
        Logits of the reference distribution `P` (the teacher in
        distillation; the policy being trained in an RLHF penalty
        :math:`D(\pi_\theta \| \pi_{\mathrm{ref}})`).
    logits_q : array_like
        Logits of `Q` (the student; the reference policy), same shape.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The class axis (default ``-1``).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence for each row, ``>= 0``; ``inf`` where `Q` masks a
        class (``-inf`` logit) to which `P` gives mass.

    Raises
    ------
    ValueError
        If the shapes differ, or as for :func:`softmax`.

    See Also
    --------
    kl_divergence, cross_entropy_from_logits

    Notes
    -----
    The sum is taken over `P`'s distribution, so the direction matters: with
    the teacher as `P`, the student is pushed to cover everything the
    teacher considers plausible (mass-covering); with the trained policy as
    `P`, it is penalised for putting mass where the reference does not.
    Computed as :math:`\sum_i p_i (a_i - b_i) - \log\sum e^{a} + \log\sum e^{b}`
    with shifted logits, block by block, and clamped at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import kl_divergence, kl_divergence_from_logits
    >>> a, b = np.log([0.9, 0.1]), np.log([0.6, 0.4])
    >>> round(float(kl_divergence_from_logits(a, b)), 4)
    0.2263
    >>> round(float(kl_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.2263
    """
    divisor = log_of_base(base)
    xp = as_logits(logits_p, "logits_p")
    xq = as_logits(logits_q, "logits_q")
    if xp.shape != xq.shape:
        raise ValueError(
            f"logits_p and logits_q must have the same shape, got {xp.shape} and {xq.shape}"
        )
    ax = _axis_index(axis, xp.ndim, "logits_p")
    dtype = np.result_type(xp, xq)
    rows_p, rows_q = _rows(xp.astype(dtype, copy=False), ax), _rows(xq.astype(dtype, copy=False), ax)
    out = np.empty(rows_p.shape[0])

    def work(lo: int, hi: int, scratch: list[np.ndarray]) -> None:
        tp, ep, tq = scratch
        bp, bq = rows_p[lo:hi], rows_q[lo:hi]
        mp, mq = bp.max(axis=1), bq.max(axis=1)
        check_row_maxima(mp, "logits_p")
        check_row_maxima(mq, "logits_q")
        np.subtract(bp, mp[:, None], out=tp)
        np.subtract(bq, mq[:, None], out=tq)
        np.exp(tq, out=ep)
        sq = _row_sums(ep)
        np.exp(tp, out=ep)
        sp = _row_sums(ep)
        with np.errstate(invalid="ignore"):
            np.subtract(tp, tq, out=tq)  # log-ratio up to constants; nan where both -inf
        out[lo:hi] = _masked_dot(ep, tq) / sp - np.log(sp) + np.log(sq)

    for_each_row_block(rows_p.shape[0], rows_p.shape[1], dtype, work, buffers=3)
    d = clamp(out).reshape(np.delete(xp.shape, ax)) / divisor
    return finish(d)


def _check_targets(target: ArrayLike, shape: tuple[int, ...], n_classes: int,
                   ignore_index: int | None) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Validate class targets; return them (ignored ones set to 0) and the kept mask."""
    tgt = np.asarray(target)
    if tgt.dtype.kind not in "iu":
        raise TypeError(f"target must hold integer class indices, got dtype {tgt.dtype}")
    if tgt.shape != shape:
        raise ValueError(
            f"target must have shape logits.shape[:-1] = {shape}, got {tgt.shape}"
        )
    if ignore_index is not None and (
        isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral)
    ):
        raise TypeError(f"ignore_index must be an integer or None, got {ignore_index!r}")
    keep = np.ones(shape, dtype=bool) if ignore_index is None else tgt != ignore_index
    bad = keep & ((tgt < 0) | (tgt >= n_classes))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"target has class indices outside [0, {n_classes}): "
            f"{int(tgt[where])} at index {where}"
        )
    return np.where(keep, tgt, 0).astype(np.intp), keep


def cross_entropy_from_logits(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    label_smoothing: float = 0.0,
    ignore_index: int | None = None,
    reduction: Reduction = "mean",
    base: float | None = None,
) -> Result:
    r"""Cross-entropy loss of logits against integer class targets.

    .. math::

        \ell = -(1 - \varepsilon) \log p_y - \frac{\varepsilon}{K} \sum_{k=1}^{K} \log p_k,
        \qquad p = \operatorname{softmax}(z)

    With :math:`\varepsilon = 0` this is the negative log-likelihood
    :math:`-\log p_y` of the correct class `y`, the loss every classifier and
    language model is trained on.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Scores for `K` classes on the last axis (for a language model: one row
        per token position, one column per vocabulary entry).
    target : array_like of int, shape ``logits.shape[:-1]``
        The correct class of each row, in ``[0, K)``, or `ignore_index`.
    label_smoothing : float, optional
        :math:`\varepsilon \in [0, 1]`: the target becomes
        :math:`(1 - \varepsilon)` on the true class plus :math:`\varepsilon/K`
        on every class, the convention of
        :func:`torch.nn.functional.cross_entropy`.
    ignore_index : int, optional
        Rows whose target equals this value (for instance padding) are left
        out: they give 0 with ``reduction="none"`` and do not count in the
        mean. Default ``None``: no row is ignored.
    reduction : {"mean", "sum", "none"}, optional
        Mean over the rows that are not ignored (default), their sum, or the
        per-row losses with the shape of `target`.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The loss, float64 whatever the input dtype.

    Raises
    ------
    ValueError
        For NaN or ``+inf`` logits, a row that is ``-inf`` everywhere, a
        `target` of the wrong shape or with classes out of range,
        `label_smoothing` outside [0, 1] (torch silently ignores negative
        values), an unknown `reduction`, or a mean over no rows because
        every target is ignored (torch returns NaN there).
    TypeError
        For non-integer targets.

    See Also
    --------
    cross_entropy, perplexity, entropy_from_logits

    Notes
    -----
    With a one-hot target the cross-entropy :math:`H(P, Q)` of the model `Q`
    against the data `P` reduces to :math:`-\log q_y`: 0.693 nats when the
    model gives the right token probability 0.5, 4.605 nats at 0.01.
    Averaged over a corpus it is the quantity whose exponential is the
    perplexity.

    Each row is computed as :math:`\log\sum_j e^{z_j - m} - (z_y - m)` with
    :math:`m = \max_j z_j`, so huge logits cannot overflow. Large inputs are
    processed in cache-sized blocks on several threads, so the extra memory
    is a few megabytes whatever the number of rows; results agree with
    torch's to float precision.

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
    """
    divisor = log_of_base(base)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(f"label_smoothing must be a real number, got {label_smoothing!r}")
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    x = as_logits(logits, "logits")
    n_classes = x.shape[-1]
    targets, keep = _check_targets(target, x.shape[:-1], n_classes, ignore_index)
    if reduction == "mean" and not keep.any():
        raise ValueError(
            "every target equals ignore_index, so the mean loss is undefined "
            "(use reduction='sum' or 'none')"
        )
    rows = _rows(x, x.ndim - 1)
    flat_targets = targets.reshape(-1)
    losses = np.empty(rows.shape[0])

    def work(lo: int, hi: int, scratch: list[np.ndarray]) -> None:
        (e,) = scratch
        block = rows[lo:hi]
        lse = _logsumexp_rows(block, e)
        loss = lse.copy()
        if eps < 1.0:  # skipped at eps == 1 so a masked target cannot give 0 * inf
            picked = block[np.arange(hi - lo), flat_targets[lo:hi]].astype(np.float64)
            loss -= (1.0 - eps) * picked
        if eps:
            loss -= eps * block.mean(axis=1, dtype=np.float64)
        losses[lo:hi] = loss

    for_each_row_block(rows.shape[0], rows.shape[1], rows.dtype, work, buffers=1)
    losses = np.where(keep.reshape(-1), losses, 0.0).reshape(keep.shape)
    if reduction == "none":
        return finish(losses / divisor)
    total = losses.sum(dtype=np.float64)
    if reduction == "sum":
        return np.float64(total / divisor)
    return np.float64(total / np.count_nonzero(keep) / divisor)


def perplexity(logits: ArrayLike, target: ArrayLike, *,
               ignore_index: int | None = None) -> np.float64:
    r"""Perplexity: the exponential of the mean cross-entropy in nats.

    .. math::

        \mathrm{PPL} = \exp\Big(-\frac{1}{N} \sum_{t=1}^{N} \log p(y_t)\Big)

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Scores for `K` classes (vocabulary entries) on the last axis.
    target : array_like of int, shape ``logits.shape[:-1]``
        The observed class (next token) of each row.
    ignore_index : int, optional
        Rows with this target (padding) are left out of the mean.

    Returns
    -------
    numpy.float64
        The perplexity, ``>= 1``.

    Raises
    ------
    ValueError
        As for :func:`cross_entropy_from_logits`, including when every
        target is ignored.

    See Also
    --------
    cross_entropy_from_logits

    Notes
    -----
    A perplexity of `k` means the model is, on average, as uncertain as if it
    chose uniformly among `k` tokens: its "effective vocabulary size". It is
    base-independent (:math:`2^{H_2} = e^{H_e}`), but only comparable between
    models that share a tokenizer, since the number of tokens `N` depends on
    it. Bits per token are :math:`\log_2 \mathrm{PPL}`.

    Examples
    --------
    A model that spreads its bets evenly over 50 tokens has perplexity 50:

    >>> import numpy as np
    >>> from infotheory import perplexity
    >>> round(float(perplexity(np.zeros((3, 50)), [4, 7, 9])), 6)
    50.0
    """
    loss = cross_entropy_from_logits(logits, target, ignore_index=ignore_index)
    return np.float64(math.exp(loss))
