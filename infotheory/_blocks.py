"""Row-blocked, multi-threaded traversal of large 2-D arrays.

Language-model logits are large (2048 x 32000 float32 is 262 MB), so the
functions in :mod:`infotheory.logits` never materialise a full-size temporary.
They walk the rows in blocks small enough to stay in a core's cache, reusing a
couple of scratch buffers per thread. Extra memory is therefore bounded by
``threads * buffers * max(BLOCK_BYTES, one row)`` whatever the number of rows.

numpy's ufuncs release the GIL, so plain threads run blocks in parallel on
CPython. Pyodide (WebAssembly) has no threads: there everything runs on the
calling thread, with the same results.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

from ._arrays import is_bfloat16, widen_bfloat16

__all__ = ["BLOCK_BYTES", "SCRATCH_BYTES", "RowBlocks", "for_each_row_block", "thread_count"]

#: Target size of one scratch buffer: half of a 2 MiB per-core L2 cache. Measured side by
#: side (benchmarks/bench_logits.py) on the 2-core benchmark machine, 1 MiB beat 512 KiB
#: by 15-30% on cross-entropy (rows of 128000 floats then come four to a block, not one);
#: 2 MiB spills out of L2 and is nearly twice as slow.
BLOCK_BYTES = 1024 * 1024

#: Cap on the scratch memory of one call, over all threads and buffers.
SCRATCH_BYTES = 8 * 1024 * 1024

#: Below this many elements, starting threads costs more than it saves.
_PARALLEL_MIN_ELEMENTS = 1 << 20

BlockWork = Callable[[int, int, list[np.ndarray]], None]


def thread_count() -> int:
    """Threads used for large inputs: ``INFOTHEORY_NUM_THREADS``, else the CPU count.

    Always 1 under Pyodide/Emscripten, which cannot start threads.
    """
    configured = os.environ.get("INFOTHEORY_NUM_THREADS")
    if configured:
        try:
            value = int(configured)
        except ValueError:
            raise ValueError(
                f"INFOTHEORY_NUM_THREADS must be a positive integer, got {configured!r}"
            ) from None
        if value < 1:
            raise ValueError(f"INFOTHEORY_NUM_THREADS must be >= 1, got {value}")
    if sys.platform == "emscripten":
        return 1
    if configured:
        return value
    return max(1, min(os.cpu_count() or 1, 8))


@functools.cache
def _executor(workers: int) -> ThreadPoolExecutor:
    # One long-lived pool per thread count: starting threads on every call
    # would cost more than small inputs take to process.
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="infotheory")


def for_each_row_block(
    n_rows: int,
    n_cols: int,
    dtype: np.dtype,
    work: BlockWork,
    *,
    buffers: int = 2,
) -> None:
    """Call ``work(start, stop, scratch)`` over consecutive blocks of rows.

    ``scratch`` is a list of ``buffers`` arrays of shape ``(block_rows, n_cols)``
    owned by the calling thread; ``work`` may overwrite them freely and must
    only write to rows ``start:stop`` of any shared output. Rows are split into
    one contiguous chunk per thread. An exception raised by ``work`` in any
    thread is re-raised here.
    """
    row_bytes = max(1, n_cols * np.dtype(dtype).itemsize)
    threads = thread_count() if n_rows * n_cols >= _PARALLEL_MIN_ELEMENTS else 1
    # Every thread holds `buffers` scratch blocks of at least one row: keep their total
    # under SCRATCH_BYTES whatever the number of cores, by smaller blocks, then fewer threads.
    threads = max(1, min(threads, SCRATCH_BYTES // (buffers * row_bytes)))
    block_bytes = min(BLOCK_BYTES, SCRATCH_BYTES // (threads * buffers))
    block_rows = max(1, block_bytes // row_bytes)
    threads = max(1, min(threads, -(-n_rows // block_rows)))

    def run_chunk(start: int, stop: int) -> None:
        rows = min(block_rows, stop - start)
        scratch = [np.empty((rows, n_cols), dtype=dtype) for _ in range(buffers)]
        for lo in range(start, stop, block_rows):
            hi = min(lo + block_rows, stop)
            work(lo, hi, [buf[: hi - lo] for buf in scratch])

    if threads == 1:
        run_chunk(0, n_rows)
        return
    bounds = [n_rows * k // threads for k in range(threads + 1)]
    futures = [_executor(threads).submit(run_chunk, lo, hi) for lo, hi in zip(bounds, bounds[1:])]
    wait(futures)  # let every chunk finish before reporting the first error
    for future in futures:
        future.result()


class RowBlocks:
    """The rows of an array along a class axis, read a block at a time.

    ``arr`` may have any layout: a shifted or strided view such as ``logits[:, :-1]``,
    Fortran order, a class axis other than the last, broadcast (zero-stride) batch
    dimensions, float16 or bfloat16 data. The class axis is moved last (a view), and
    :meth:`read` returns rows ``lo:hi`` of the flattened batch as a 2-D array in the
    compute dtype (float32, or float64 for float64 input): the array's own memory when
    that is already such an array (same dtype, contiguous rows, inside one run of the
    batch), otherwise a copy into the caller's cache-sized buffer. Nothing of the size
    of the input is ever allocated. With a ``temperature`` other than 1 the rows come
    divided by it (always into the buffer).
    """

    def __init__(
        self,
        arr: np.ndarray,
        axis: int,
        *,
        dtype: np.dtype | None = None,
        temperature: float = 1.0,
    ) -> None:
        moved = np.moveaxis(arr, axis, -1)
        self.batch_shape: tuple[int, ...] = moved.shape[:-1]
        self.n_cols: int = moved.shape[-1]
        self.n_rows: int = math.prod(self.batch_shape)
        self.source_dtype = arr.dtype
        self.bfloat16 = is_bfloat16(arr.dtype)
        natural = np.float64 if arr.dtype == np.float64 else np.float32
        self.dtype = np.dtype(natural if dtype is None else dtype)
        self.temperature = temperature
        # Collapse the innermost batch dimensions that are evenly spaced in memory into
        # one run of `run` rows with stride `row_stride`; the others index runs.
        shape, strides = list(self.batch_shape), list(moved.strides[:-1])
        run, row_stride = 1, 0
        while shape:
            size, stride = shape[-1], strides[-1]
            if size != 1 and run != 1 and stride != row_stride * run:
                break
            if run == 1:
                row_stride = stride
            run *= size
            shape.pop()
            strides.pop()
        self._outer_shape = tuple(shape)
        self._run = max(run, 1)
        self._row_stride = row_stride
        self._col_stride = moved.strides[-1]
        self._moved = moved
        self._direct = (
            (arr.dtype == self.dtype and self._col_stride == self.dtype.itemsize)
            or self.n_cols == 1
            and arr.dtype == self.dtype
        )

    def at_temperature(self, temperature: float) -> RowBlocks:
        """The same rows, divided by another temperature."""
        other = object.__new__(RowBlocks)
        other.__dict__.update(self.__dict__)
        other.temperature = temperature
        return other

    def _segment(self, run_index: int) -> np.ndarray:
        """Rows ``run_index * run`` onwards, one run of them, as a 2-D view."""
        index = np.unravel_index(run_index, self._outer_shape) if self._outer_shape else ()
        first = self._moved[index] if index else self._moved
        start = first[(0,) * (first.ndim - 1)]  # the run's first row
        return np.lib.stride_tricks.as_strided(
            start,
            shape=(self._run, self.n_cols),
            strides=(self._row_stride, self._col_stride),
            writeable=False,
        )

    def _copy(self, rows: np.ndarray, out: np.ndarray) -> None:
        if self.bfloat16 and out.dtype == np.float32:
            widen_bfloat16(rows, out)
        elif self.bfloat16:  # into float64: through float32, which holds it exactly
            np.copyto(out, widen_bfloat16(rows, np.empty(rows.shape, dtype=np.float32)))
        else:
            np.copyto(out, rows, casting="unsafe")

    def read(self, lo: int, hi: int, buf: np.ndarray) -> np.ndarray:
        """Rows ``lo:hi`` in the compute dtype; ``buf`` holds at least ``hi - lo`` rows."""
        run_index, offset = divmod(lo, self._run)
        out = buf[: hi - lo]
        if self._direct and offset + (hi - lo) <= self._run:
            view = self._segment(run_index)[offset : offset + hi - lo]
            if self.temperature == 1.0:
                return view
            return self._divide(view, out)
        done = 0
        while done < hi - lo:
            run_index, offset = divmod(lo + done, self._run)
            take = min(self._run - offset, hi - lo - done)
            self._copy(self._segment(run_index)[offset : offset + take], out[done : done + take])
            done += take
        if self.temperature != 1.0:
            self._divide(out, out)
        return out

    def _divide(self, rows: np.ndarray, out: np.ndarray) -> np.ndarray:
        try:
            with np.errstate(over="raise"):
                return np.divide(rows, self.temperature, out=out)
        except FloatingPointError:
            raise ValueError(
                f"logits / temperature overflows {self.dtype} (temperature "
                f"{self.temperature!r} is too small for logits this large)"
            ) from None
