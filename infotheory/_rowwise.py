"""The row-by-row engine and the kernels behind :mod:`infotheory.discrete`.

:func:`reduce_rows` walks one or more sets of probability vectors (broadcast to a common
batch shape) a block of rows at a time: each block is read in float64, checked (finite,
non-negative, summing to 1, or normalized), and reduced to one number per row by a
kernel, before the next block is read. Rows longer than a block are split into tiles.
The kernels (``*_rows``) are the per-row formulas: entropy, cross-entropy, KL and a
Jensen-Shannon divergence that stays accurate as ``p -> q``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._arrays import is_bfloat16
from ._blocks import BLOCK_BYTES, RowBlocks, for_each_row_block
from ._checks import Distribution, to_float64
from ._terms import weighted_log_ratio

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

    def __init__(
        self,
        dists: list[Distribution],
        batch: tuple[int, ...],
        kernel: Kernel | None,
        prechecked: list[bool],
        factors: list[tuple[Array, Array] | None],
    ) -> None:
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
        self.tile_sums = [
            np.zeros((self.n_rows, self.n_chunks))
            if self.n_chunks > 1 and s and not d.normalize
            else None
            for d, s in zip(dists, self.stream)
        ]
        # Statistics for normalizing long rows: each tile's largest entry and sum of x/max.
        self.collect_factors = kernel is None and self.n_chunks > 1 and dists[0].normalize
        if self.collect_factors:
            self.tile_max = np.zeros((self.n_rows, self.n_chunks))
            self.tile_scaled = np.zeros((self.n_rows, self.n_chunks))

    # -- reading

    def _readers(self) -> list[list[RowBlocks]]:
        w = self.width
        return [
            [
                RowBlocks(
                    v[..., c * w : (c + 1) * w],
                    -1,
                    dtype=None if is_bfloat16(v.dtype) else np.float64,
                )
                for c in range(self.n_chunks)
            ]
            for v in self.views
        ]

    def _read(
        self,
        readers: list[list[RowBlocks]],
        i: int,
        lo: int,
        hi: int,
        c: int,
        scratch: list[Array],
    ) -> Array:
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

    def tile(self, lo: int, hi: int, c: int, blocks: list[Array], scratch: list[Array]) -> Array:
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
                        blocks = [self._read(readers, i, lo, hi, 0, scratch) for i in range(count)]
                        results[lo:hi, 0] = self.tile(lo, hi, 0, blocks, scratch)
                        return
                    for k in range(lo, hi):
                        row, c = divmod(k, n_chunks)
                        w = min(width, n - c * width)
                        sub = [buf[:1, :w] for buf in scratch]
                        blocks = [
                            self._read(readers, i, row, row + 1, c, sub) for i in range(count)
                        ]
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


def reduce_rows(
    dists: list[Distribution], batch: tuple[int, ...], kernel: Kernel, buffers: int
) -> Array:
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
            found = tuple(
                np.broadcast_to(f.reshape(d.batch_shape), batch).reshape(-1) for f in found
            )
        prechecked.append(early)
        factors.append(found)
    if n_rows == 0:
        return np.empty(batch)
    out = _Pass(dists, batch, kernel, prechecked, factors).run(buffers)
    return out.reshape(batch)


def _reduce_small(
    dists: list[Distribution], batch: tuple[int, ...], kernel: Kernel, buffers: int
) -> Array:
    """:func:`reduce_rows` for small inputs: one block, as little overhead as possible."""
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


def entropy_rows(blocks, zeros, sums, scratch) -> Array:
    (x,), (zx,) = blocks, zeros
    logs = np.log(x, out=scratch[1])
    if zx.any():  # 0 log 0 = 0, not 0 * -inf
        np.copyto(logs, 0.0, where=x == 0)
    return -_row_dot(x, logs)


def cross_entropy_rows(blocks, zeros, sums, scratch) -> Array:
    (x, y), (_, zy) = blocks, zeros
    logs = np.log(y, out=scratch[2])  # -inf where q = 0: inf where p > 0 there, as it must
    if zy.any():
        np.copyto(logs, 0.0, where=x == 0)
    return -_row_dot(x, logs)


def kl_rows(blocks, zeros, sums, scratch) -> Array:
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


def js_rows(blocks, zeros, sums, scratch) -> Array:
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


def _js_setup(
    x: Array, y: Array, both: NDArray[np.bool_], safe: bool, scratch: list[Array]
) -> tuple[Array, Array]:
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
