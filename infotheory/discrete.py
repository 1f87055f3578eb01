"""Entropy, cross-entropy and divergences of discrete distributions.

Every function takes probability vectors lying along ``axis`` (default ``-1``,
the last axis, unlike :func:`scipy.stats.entropy`, which uses axis 0), so a
batch of distributions gives a batch of results. Arguments follow the
mathematical order: ``p`` is the truth, ``q`` the model.

Large inputs are walked in blocks of rows (see :mod:`infotheory._blocks`): each
block is read in float64, checked (finite, non-negative, summing to 1), and
reduced to one number per row before the next is read, so the extra memory is
a few MiB whatever the size of the input, and the data is read once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._arrays import is_bfloat16
from ._blocks import BLOCK_BYTES, RowBlocks, for_each_row_block
from ._checks import (
    Distribution,
    broadcast_pair,
    distribution_rows,
    finish,
    log_of_base,
    to_float64,
)
from ._terms import clamp, weighted_log_ratio

__all__ = ["cross_entropy", "entropy", "js_divergence", "kl_divergence"]

Result = np.float64 | NDArray[np.float64]
Array = NDArray[np.float64]

#: Inputs of at most this many elements (128 KiB of float64) are one block: no threads,
#: no block reader, as little per-call overhead as possible.
_SMALL = 1 << 14

#: Rows longer than this many float64 values (one block) are split into tiles of it.
_TILE = BLOCK_BYTES // 8

#: kernel(blocks, zeros, sums, scratch) -> one value per row of the blocks. ``blocks``
#: are the inputs' rows in float64 (read-only, possibly the caller's memory; input ``i``
#: may live in ``scratch[i]``), ``zeros[i]`` flags rows of input ``i`` holding a 0,
#: ``sums[i]`` are their sums.
Kernel = Callable[[list[Array], list[NDArray[np.bool_]], list[Array], list[Array]], Array]


# ------------------------------------------------------------------ the block engine

class _Pass:
    """One walk over the rows of one or more inputs, broadcast to a common batch shape.

    Each input is either checked as it streams past (the usual case) or, when it is
    broadcast (a single ``q`` against a batch of ``p``) or must be normalized across
    tiles of very long rows, checked beforehand on its own rows, by a pass of its own
    with no kernel (:func:`_prevalidate`).
    """

    def __init__(self, dists: list[Distribution], batch: tuple[int, ...],
                 kernel: Kernel | None, prechecked: list[bool],
                 factors: list[tuple[Array, Array] | None]) -> None:
        self.dists = dists
        self.kernel = kernel
        self.n = dists[0].n
        self.batch = batch
        self.n_rows = math.prod(batch)
        self.stream = [not done for done in prechecked]
        self.factors = factors
        self.width = min(self.n, _TILE)
        self.n_chunks = -(-self.n // self.width)
        self.views = [np.broadcast_to(d.array, batch + (self.n,)) for d in dists]
        self.bfloat16 = any(is_bfloat16(d.array.dtype) for d in dists)
        # Sums of the rows that missed 1 (narrow rows), or of every tile (long rows).
        self.bad_sums: list[list[tuple[float, float]]] = [[] for _ in dists]
        self.tile_sums = [np.zeros((self.n_rows, self.n_chunks)) if self.n_chunks > 1
                          and s and not d.normalize else None
                          for d, s in zip(dists, self.stream)]
        # Statistics for normalizing long rows: each tile's largest entry and sum of x/max.
        self.collect_factors = kernel is None and self.n_chunks > 1 and dists[0].normalize
        if self.collect_factors:
            self.tile_max = np.zeros((self.n_rows, self.n_chunks))
            self.tile_scaled = np.zeros((self.n_rows, self.n_chunks))

    # -- reading

    def _readers(self) -> list[list[RowBlocks]]:
        w = self.width
        return [[RowBlocks(v[..., c * w:(c + 1) * w], -1,
                           dtype=None if is_bfloat16(v.dtype) else np.float64)
                 for c in range(self.n_chunks)] for v in self.views]

    def _read(self, readers: list[list[RowBlocks]], i: int, lo: int, hi: int, c: int,
              scratch: list[Array]) -> Array:
        reader = readers[i][c]
        out = scratch[i]
        if reader.dtype == np.float64:
            return reader.read(lo, hi, out)
        # bfloat16: widened to float32 by the reader, into the spare buffer, then to float64
        spare = scratch[-1]
        f32 = spare.reshape(-1).view(np.float32)[: out.size].reshape(out.shape)
        np.copyto(out, reader.read(lo, hi, f32))
        return out

    # -- one block of rows (or one tile of one row)

    def tile(self, lo: int, hi: int, c: int, blocks: list[Array],
             scratch: list[Array]) -> Array:
        zeros, sums = [], []
        for i, d in enumerate(self.dists):
            x = blocks[i]
            mins, total = x.min(axis=1), x.sum(axis=1)
            if self.stream[i]:
                d.check_block(x, mins, total)
                if self.tile_sums[i] is not None:
                    self.tile_sums[i][lo:hi, c] = total
                elif not d.normalize:
                    bad = d.sum_errors(total)
                    if bad is not None:
                        self.bad_sums[i].append(bad)
            if d.normalize:
                if self.collect_factors:
                    largest = x.max(axis=1)
                    if not np.isfinite(largest).all():
                        raise ValueError(f"{d.name} contains infinite values")
                    self.tile_max[lo:hi, c] = largest
                    np.divide(x, np.where(largest > 0, largest, 1.0)[:, None], out=scratch[i])
                    self.tile_scaled[lo:hi, c] = scratch[i].sum(axis=1)
                elif self.factors[i] is not None:  # a tile of a long row: known scale
                    largest, scaled = self.factors[i]
                    x = np.divide(x, largest[lo:hi, None], out=scratch[i])
                    np.divide(x, scaled[lo:hi, None], out=x)
                    total = x.sum(axis=1)
                else:
                    x = d.normalize_block(x, scratch[i])
                    total = np.ones(hi - lo)
                blocks[i] = x
            zeros.append(mins == 0)
            sums.append(total)
        if self.kernel is None:
            return np.zeros(hi - lo)
        return self.kernel(blocks, zeros, sums, scratch)

    # -- the whole walk

    def run(self, buffers: int) -> Array:
        n_rows, n, width, n_chunks = self.n_rows, self.n, self.width, self.n_chunks
        results = np.zeros((n_rows, n_chunks))
        if n_rows * n <= _SMALL:
            blocks = [to_float64(v).reshape(n_rows, n) for v in self.views]
            scratch = [np.empty((n_rows, n)) for _ in range(buffers)]
            with np.errstate(all="ignore"):
                results[:, 0] = self.tile(0, n_rows, 0, blocks, scratch)
        else:
            readers = self._readers()
            buffers += self.bfloat16
            count = len(self.dists)

            def work(lo: int, hi: int, scratch: list[np.ndarray]) -> None:
                with np.errstate(all="ignore"):
                    if n_chunks == 1:
                        blocks = [self._read(readers, i, lo, hi, 0, scratch)
                                  for i in range(count)]
                        results[lo:hi, 0] = self.tile(lo, hi, 0, blocks, scratch)
                        return
                    for k in range(lo, hi):
                        row, c = divmod(k, n_chunks)
                        w = min(width, n - c * width)
                        sub = [buf[:1, :w] for buf in scratch]
                        blocks = [self._read(readers, i, row, row + 1, c, sub)
                                  for i in range(count)]
                        results[row, c] = self.tile(row, row + 1, c, blocks, sub)[0]

            for_each_row_block(n_rows * n_chunks, width, np.float64, work, buffers=buffers)
        self._check_sums()
        return results.sum(axis=1) if n_chunks > 1 else results[:, 0]

    def _check_sums(self) -> None:
        for i, d in enumerate(self.dists):
            if self.tile_sums[i] is not None:
                bad = d.sum_errors(self.tile_sums[i].sum(axis=1))
                if bad is not None:
                    raise d.sum_error(bad[1])
            elif self.bad_sums[i]:
                raise d.sum_error(max(self.bad_sums[i])[1])

    def factors_found(self) -> tuple[Array, Array]:
        """Each row's largest entry and sum after dividing by it, from the tiles' ones."""
        largest = self.tile_max.max(axis=1)
        if not (largest > 0).all():
            d = self.dists[0]
            raise ValueError(f"{d.name} sums to 0 {d.where} and cannot be normalized")
        ratio = self.tile_max / largest[:, None]
        return largest, (self.tile_scaled * ratio).sum(axis=1)


def _prevalidate(d: Distribution) -> tuple[Array, Array] | None:
    """Check ``d`` on its own rows; for long rows to normalize, return their scale factors."""
    walk = _Pass([d], d.batch_shape, None, [False], [None])
    if walk.n_rows == 0:
        return None
    walk.run(buffers=1)
    return walk.factors_found() if walk.collect_factors else None


def _reduce_rows(dists: list[Distribution], batch: tuple[int, ...], kernel: Kernel,
                 buffers: int) -> Array:
    """``kernel`` applied to every row of the inputs broadcast to ``batch``; shape ``batch``."""
    n, n_rows = dists[0].n, math.prod(batch)
    if 0 < n_rows * n <= _SMALL:
        return _reduce_small(dists, batch, kernel, buffers)
    long_rows = n > _TILE
    prechecked, factors = [], []
    for d in dists:
        early = d.batch_shape != batch or (long_rows and d.normalize)
        found = _prevalidate(d) if early else None
        if found is not None and d.batch_shape != batch:
            found = tuple(np.broadcast_to(f.reshape(d.batch_shape), batch).reshape(-1)
                          for f in found)
        prechecked.append(early)
        factors.append(found)
    if n_rows == 0:
        return np.empty(batch)
    out = _Pass(dists, batch, kernel, prechecked, factors).run(buffers)
    return out.reshape(batch)


def _reduce_small(dists: list[Distribution], batch: tuple[int, ...], kernel: Kernel,
                  buffers: int) -> Array:
    """:func:`_reduce_rows` for small inputs: one block, as little overhead as possible."""
    n = dists[0].n
    blocks, zeros, sums = [], [], []
    with np.errstate(all="ignore"):  # e.g. [1e308, 1e308] overflows its sum: an error
        for d in dists:
            arr = d.array if d.batch_shape == batch else np.broadcast_to(d.array, batch + (n,))
            x = to_float64(arr).reshape(-1, n)
            mins, total = x.min(axis=1), x.sum(axis=1)
            d.check_block(x, mins, total)
            if d.normalize:
                x = d.normalize_block(x, np.empty_like(x))
                total = np.ones(x.shape[0])
            else:
                bad = d.sum_errors(total)
                if bad is not None:
                    raise d.sum_error(bad[1])
            blocks.append(x)
            zeros.append(mins == 0)
            sums.append(total)
        scratch = [np.empty(blocks[0].shape) for _ in range(buffers)]
        return kernel(blocks, zeros, sums, scratch).reshape(batch)


# ------------------------------------------------------------------ the kernels

def _row_dot(a: Array, b: Array) -> Array:
    """Row sums of ``a * b``, overwriting ``b``: pairwise summation, accurate on any platform."""
    return np.multiply(a, b, out=b).sum(axis=1)


def _entropy_rows(blocks, zeros, sums, scratch) -> Array:
    (x,), (zx,) = blocks, zeros
    logs = np.log(x, out=scratch[1])
    if zx.any():  # 0 log 0 = 0, not 0 * -inf
        np.copyto(logs, 0.0, where=x == 0)
    return -_row_dot(x, logs)


def _cross_entropy_rows(blocks, zeros, sums, scratch) -> Array:
    (x, y), (_, zy) = blocks, zeros
    logs = np.log(y, out=scratch[2])  # -inf where q = 0: inf where p > 0 there, as it must
    if zy.any():
        np.copyto(logs, 0.0, where=x == 0)
    return -_row_dot(x, logs)


def _kl_rows(blocks, zeros, sums, scratch) -> Array:
    (x, y), (zx, _) = blocks, zeros
    # log(p / q) as log1p((p - q) / q): p - q is exact when p and q are close, so the
    # logarithm keeps its relative accuracy and the terms are accurate even when p ~ q.
    logs = np.subtract(x, y, out=scratch[2])
    np.divide(logs, y, out=logs)
    np.log1p(logs, out=logs)
    if zx.any():
        np.copyto(logs, 0.0, where=x == 0)
    out = _row_dot(x, logs)
    bad = ~np.isfinite(out)
    if bad.any():  # q = 0 under p's mass (inf), or p / q beyond the float range
        out[bad] = weighted_log_ratio(x[bad], x[bad], y[bad]).sum(axis=1)
    return out


#: Rows whose divergence is below this (relative to their mass) are computed by the
#: slower form that stays accurate as JS -> 0 (see :func:`_js_rows`).
_JS_NEAR = 1e-3
_BELOW_ONE = float(np.nextafter(1.0, 0.0))
_TINY = float(np.finfo(np.float64).smallest_subnormal)
_NUDGE = 1e-300


def _js_rows(blocks, zeros, sums, scratch) -> Array:
    r"""Jensen-Shannon divergence of each row, accurate both for distant and for close rows.

    With :math:`s = p + q`, :math:`t = (p - q)/s` (exact numerator when p and q are
    close), each outcome contributes :math:`\tfrac{s}{4} g(t)`,
    :math:`g(t) = (1+t)\log(1+t) + (1-t)\log(1-t) \ge t^2`. The fast form
    :math:`\tfrac12[p \log1p(t) + q \log1p(-t)]` loses relative accuracy as
    :math:`t \to 0`, where :math:`g \approx t^2` is the difference of two terms of size
    :math:`t`: its error is at most about :math:`\epsilon \sum |p - q|`, that is,
    relative to JS, :math:`\epsilon / \sqrt{\mathrm{JS}}`. Rows whose JS is small
    (estimated by :math:`\tfrac14 \sum s t^2 \le \mathrm{JS}` on a sample of the
    columns, then checked on the fast result) use instead
    :math:`g = |t| \log1p(2|t| / (1 - |t|)) + \log(1 - t^2)`, whose two terms only
    cancel by half, with :math:`\log(1 - t^2)` computed from
    :math:`u = (1 - |t|)(1 + |t|)` as :math:`\log(u) \, t^2 / (1 - u)` (Kahan's
    ``log1p`` trick, exact both as :math:`t \to 0` and as :math:`|t| \to 1`).
    """
    x, y = blocks
    zx, zy = zeros
    safe = bool((zx | zy).any())
    both = zx & zy
    threshold = _JS_NEAR * 0.5 * (sums[0] + sums[1])
    while True:
        t, d = _js_setup(x, y, both, safe, scratch)
        step = max(1, x.shape[1] // 4096)  # the estimate needs no more than 4096 columns
        sample = np.einsum("ij,ij->i", d[:, ::step], t[:, ::step])
        near = 0.25 * sample * (x.shape[1] / d[0, ::step].size) < threshold
        result = np.empty(x.shape[0])
        if not near.all():
            result = _js_far(x, y, t, scratch)
            if not safe and not np.isfinite(result[~near]).all():
                safe = True  # a ratio p / q beyond 1 / eps rounded |t| to 1: clamp it
                continue
            near |= result < threshold  # the estimate was too high: the sample missed
            if near.any():
                t, d = _js_setup(x, y, both, safe, scratch)
        if near.any():
            result = np.where(near, _js_near(t, d, scratch), result)
        return result


def _js_setup(x: Array, y: Array, both: NDArray[np.bool_], safe: bool,
              scratch: list[Array]) -> tuple[Array, Array]:
    s = np.add(x, y, out=scratch[2])
    if both.any():  # p = q = 0: t = 0 / tiny = 0, not NaN
        np.maximum(s, _TINY, out=s)
    d = np.subtract(x, y, out=scratch[3])
    t = np.divide(d, s, out=s)
    if safe:  # |t| = 1 where p or q is 0: keep the logarithms finite (g(1) = log 4)
        np.clip(t, -_BELOW_ONE, _BELOW_ONE, out=t)
    return t, d


def _js_far(x: Array, y: Array, t: Array, scratch: list[Array]) -> Array:
    first = np.log1p(t, out=scratch[3])  # log(2p / s)
    second = np.log1p(np.negative(t, out=t), out=t)  # log(2q / s)
    return 0.5 * (_row_dot(x, first) + _row_dot(y, second))


def _js_near(t: Array, d: Array, scratch: list[Array]) -> Array:
    # The inputs' own buffers (scratch 0 and 1) are free: p and q are no longer needed.
    at = np.abs(t, out=t)
    np.minimum(at, _BELOW_ONE, out=at)
    ad = np.abs(d, out=d)  # |p - q| = s |t|
    a = np.subtract(1.0, at, out=scratch[0])
    ell = np.divide(at, a, out=scratch[1])
    np.add(ell, ell, out=ell)
    np.log1p(ell, out=ell)  # log((1 + |t|) / (1 - |t|)) = 2 atanh |t|
    first = _row_dot(ad, ell)  # sum of s |t| * 2 atanh |t|
    u = np.multiply(a, np.add(at, 1.0, out=scratch[1]), out=a)  # 1 - t^2, from factors
    log_u = np.log(u, out=scratch[1])
    # log(1 - t^2) = log(u) * t^2 / (1 - u); the nudges give -t^2 where u rounds to 1
    np.subtract(log_u, _NUDGE, out=log_u)
    one_minus_u = np.subtract(1.0, u, out=u)
    np.add(one_minus_u, _NUDGE, out=one_minus_u)
    np.divide(log_u, one_minus_u, out=log_u)
    second = _row_dot(np.multiply(ad, at, out=ad), log_u)  # sum of s t^2 log(u) / (1 - u)
    return 0.25 * (first + second)


# ------------------------------------------------------------------ public functions

def entropy(p: ArrayLike, *, base: float | None = None, axis: int = -1,
            normalize: bool = False, tol: float | None = None) -> Result:
    r"""Shannon entropy of a discrete distribution.

    .. math::

        H(P) = -\sum_i p_i \log p_i

    Parameters
    ----------
    p : array_like
        Probabilities, non-negative and summing to 1 along `axis`. numpy arrays
        of any real dtype, torch tensors and DLPack objects are read without a
        copy.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits. Any
        finite number ``> 1`` is accepted (below 1 every entropy would be negative).
    axis : int, optional
        The axis along which the distributions lie. Default ``-1`` (the last
        axis), unlike :func:`scipy.stats.entropy`, which defaults to 0. One
        integer: a tuple is an error (see :func:`joint_entropy` for tables).
    normalize : bool, optional
        If True, divide `p` by its sum first. By default a `p` that does not
        sum to 1 (within `tol`) is an error rather than being rescaled silently.
    tol : float, optional
        How far from 1 each sum may be. ``None`` (default) scales the tolerance
        to the dtype and length of `p`: about ``4 * sqrt(n)`` machine epsilons
        (at least 32, at most 1e-3), 7.1e-15 for a short float64 vector. Pass
        ``tol=1e-6`` for float32 probabilities that were widened to float64.
        Ignored when `normalize` is True.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The entropy, with `axis` removed from the shape; an empty float64 array
        for a batch of zero distributions.

    Raises
    ------
    ValueError
        If `p` has no outcomes, has negative, NaN or infinite entries, or does
        not sum to 1; if `base` is not a finite number ``> 1``, `tol` is negative
        or not finite, or `axis` is out of range.
    TypeError
        If `p` does not hold real numbers, is a tensor that requires grad, or if
        `axis` is not an integer or `normalize` not a bool.

    See Also
    --------
    cross_entropy, kl_divergence, entropy_from_logits

    Notes
    -----
    Entropy is the average surprise :math:`-\log p_i` of an outcome drawn
    from `p`. Outcomes of probability zero contribute nothing, by the
    convention :math:`0 \log 0 = 0`, which is the limit of
    :math:`x \log x` as :math:`x \to 0^+`.

    It is bounded: :math:`0 \le H(P) \le \log V` for `V` outcomes. The lower
    bound is reached by a point mass, the upper bound only by the uniform
    distribution. One nat is :math:`1/\ln 2 \approx 1.443` bits.

    Round-off can never make the result negative: it is clamped at 0.

    Large inputs are walked in blocks of rows, checked and reduced as they
    are read: the extra memory is a few MiB whatever the size, for any layout
    (strided views, Fortran order, `axis` not last). A batch of zero
    distributions (shape ``(0, n)``) gives an empty result, as numpy's
    reductions do; zero outcomes (shape ``(n, 0)``) are an error.

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication",
       *Bell System Technical Journal* 27, pp. 379-423, 623-656, 1948.
    .. [2] T. M. Cover and J. A. Thomas, *Elements of Information Theory*,
       2nd ed., Wiley, 2006, chapter 2.

    Examples
    --------
    A uniform distribution over five outcomes has the largest possible
    entropy, :math:`\log 5`:

    >>> from infotheory import entropy
    >>> round(float(entropy([0.2, 0.2, 0.2, 0.2, 0.2])), 3)
    1.609
    >>> round(float(entropy([0.2] * 5, base=2)), 3)
    2.322

    A point mass carries no surprise at all:

    >>> float(entropy([1.0, 0.0, 0.0]))
    0.0

    Distributions along the last axis give one entropy each:

    >>> entropy([[0.5, 0.5], [0.9, 0.1]], base=2).round(3)
    array([1.   , 0.469])

    Counts must be normalized explicitly:

    >>> entropy([3, 1])
    Traceback (most recent call last):
    ...
    ValueError: p does not sum to 1 along axis -1 (a sum of 4.0, tolerance 7.1e-15); pass normalize=True to rescale it
    >>> round(float(entropy([3, 1], normalize=True)), 4)
    0.5623

    Probabilities computed in float32 sum to 1 only to float32 precision, and
    float64's tolerance rejects them; `tol` says how much to allow:

    >>> p = [0.2, 0.3, 0.5000003]
    >>> entropy(p)
    Traceback (most recent call last):
    ...
    ValueError: p does not sum to 1 along axis -1 (a sum of 1.0000003, tolerance 7.1e-15); it looks like a float32 softmax: pass tol=1e-6, or normalize=True to rescale it
    >>> round(float(entropy(p, tol=1e-6)), 4)
    1.0297

    An empty batch gives an empty result:

    >>> entropy(np.zeros((0, 3)))
    array([], dtype=float64)
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    h = _reduce_rows([pp], pp.batch_shape, _entropy_rows, buffers=2)
    return finish(clamp(h) / divisor)


def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1,
                  normalize: bool = False, tol: float | None = None) -> Result:
    r"""Cross-entropy of a model distribution `q` relative to the truth `p`.

    .. math::

        H(P, Q) = -\sum_i p_i \log q_i

    Parameters
    ----------
    p : array_like
        The true distribution, along `axis`.
    q : array_like
        The model distribution, along `axis`, with as many outcomes as `p`.
        Batch dimensions broadcast against those of `p`.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``), in both
        `p` and `q`.
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The cross-entropy, ``inf`` where `q` gives probability 0 to an outcome
        that `p` gives probability > 0.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    entropy, kl_divergence, cross_entropy_from_logits

    Notes
    -----
    :math:`H(P, Q)` is the average code length when outcomes come from `p`
    but the code was built for `q`. It decomposes as
    :math:`H(P, Q) = H(P) + D_{\mathrm{KL}}(P \| Q) \ge H(P)`, with equality
    only when :math:`Q = P`; it is not a distance, since
    :math:`H(P, P) = H(P)` is not 0 in general.

    Terms where :math:`p_i = 0` are 0 whatever :math:`q_i` is, including
    :math:`q_i = 0`. A term with :math:`p_i > 0` and :math:`q_i = 0` is
    :math:`+\infty`: the result is ``inf``, never NaN and never a clipped
    finite number. Round-off is clamped at 0. Large inputs are walked in
    blocks, as described in :func:`entropy`; a `q` broadcast against a batch
    of `p` is read in place, never copied.

    Examples
    --------
    A fair coin coded as if heads had probability 0.9 costs 1.737 bits per
    toss instead of 1:

    >>> from infotheory import cross_entropy
    >>> round(float(cross_entropy([0.5, 0.5], [0.9, 0.1], base=2)), 3)
    1.737

    A model that rules out something that happens pays an infinite price:

    >>> float(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf

    but an outcome the truth never produces costs nothing:

    >>> round(float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2)), 3)
    1.0
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    h = _reduce_rows([pp, qq], broadcast_pair(pp, qq), _cross_entropy_rows, buffers=3)
    return finish(clamp(h) / divisor)


def kl_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1,
                  normalize: bool = False, tol: float | None = None) -> Result:
    r"""Kullback-Leibler divergence :math:`D_{\mathrm{KL}}(P \| Q)` of `q` from `p`.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \sum_i p_i \log \frac{p_i}{q_i}

    Parameters
    ----------
    p : array_like
        The true distribution, along `axis`.
    q : array_like
        The model distribution, along `axis`; batch dimensions broadcast.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``).
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, ``>= 0``, and ``inf`` where `q` is 0 on an outcome to
        which `p` gives mass.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    cross_entropy, js_divergence, kl_divergence_from_logits

    Notes
    -----
    The divergence is the extra cost of coding `p` with a code built for `q`:
    :math:`D_{\mathrm{KL}}(P \| Q) = H(P, Q) - H(P)`. Gibbs' inequality says
    it is never negative and is 0 only when the distributions are equal; the
    result is clamped at 0 so that round-off cannot break that.

    It is not symmetric, and does not satisfy the triangle inequality, so it
    is not a metric. The direction matters: the sum runs over outcomes of `p`,
    so a `q` that misses part of `p`'s support gives ``inf``, while the other
    direction may be finite.

    Each term is computed as :math:`p_i \operatorname{log1p}((p_i - q_i)/q_i)`,
    which keeps its relative accuracy when `p` and `q` are close (the ratio
    :math:`p_i / q_i` would round to within an epsilon of 1 and lose it). Large
    inputs are walked in blocks, as described in :func:`entropy`.

    This is ``scipy.stats.entropy(p, q)`` and ``scipy.special.rel_entr(p, q).sum()``,
    except that the distributions lie on the last axis and are not silently
    renormalized.

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On Information and Sufficiency",
       *Annals of Mathematical Statistics* 22(1), pp. 79-86, 1951.

    Examples
    --------
    >>> from infotheory import kl_divergence
    >>> round(float(kl_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.2263
    >>> round(float(kl_divergence([0.6, 0.4], [0.9, 0.1])), 4)
    0.3112

    A point mass against a spread-out model is finite in one direction only:

    >>> point, spread = [1, 0, 0, 0, 0], [0.6, 0.1, 0.1, 0.1, 0.1]
    >>> round(float(kl_divergence(point, spread)), 3)
    0.511
    >>> float(kl_divergence(spread, point))
    inf
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    d = _reduce_rows([pp, qq], broadcast_pair(pp, qq), _kl_rows, buffers=3)
    return finish(clamp(d) / divisor)


def js_divergence(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1,
                  normalize: bool = False, tol: float | None = None) -> Result:
    r"""Jensen-Shannon divergence of two distributions.

    .. math::

        \mathrm{JS}(P, Q) = \tfrac12 D_{\mathrm{KL}}(P \| M)
                          + \tfrac12 D_{\mathrm{KL}}(Q \| M),
        \qquad M = \tfrac12 (P + Q)

    This is the divergence itself, not its square root (the Jensen-Shannon
    *distance* returned by :func:`scipy.spatial.distance.jensenshannon`).

    Parameters
    ----------
    p, q : array_like
        Two distributions along `axis`, with the same number of outcomes;
        batch dimensions broadcast.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``).
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, in :math:`[0, \log 2]`.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    kl_divergence

    Notes
    -----
    Unlike the KL divergence, JS is symmetric and always finite, because the
    mixture `M` gives mass wherever `P` or `Q` does. Its upper bound
    :math:`\log 2` (1 bit) is reached by distributions with disjoint
    supports. Round-off is clamped to that interval. Its square root is a
    metric.

    When `p` and `q` are close, JS is of the order of the squared difference
    and the two KL terms above nearly cancel: computed as written, the result
    would keep only about as many digits as JS is larger than the machine
    epsilon. Each outcome's term is computed instead from
    :math:`t = (p_i - q_i)/(p_i + q_i)`, whose numerator is exact, in a form
    accurate to a few epsilons relative however small JS is (``p == q`` gives
    exactly 0). Large inputs are walked in blocks, as described in
    :func:`entropy`.

    References
    ----------
    .. [1] J. Lin, "Divergence measures based on the Shannon entropy",
       *IEEE Transactions on Information Theory* 37(1), pp. 145-151, 1991.

    Examples
    --------
    >>> from infotheory import js_divergence
    >>> float(js_divergence([1.0, 0.0], [0.0, 1.0], base=2))
    1.0
    >>> round(float(js_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.0633

    Close distributions keep their digits. Here JS is :math:`2^{-81}` (half
    the squared difference, to 24 digits), while each of the two KL terms in
    the definition is about :math:`2^{-41}`:

    >>> p, q = [0.5, 0.5], [0.5 + 2**-40, 0.5 - 2**-40]
    >>> round(float(js_divergence(p, q)) / 2.0**-81, 12)
    1.0
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    js = _reduce_rows([pp, qq], broadcast_pair(pp, qq), _js_rows, buffers=4)
    return finish(clamp(js, math.log(2.0)) / divisor)
