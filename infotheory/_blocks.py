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
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

__all__ = ["BLOCK_BYTES", "for_each_row_block", "thread_count"]

#: Target size of one scratch buffer: half of a 2 MiB per-core L2 cache. Measured side by
#: side (benchmarks/bench_logits.py) on the 2-core benchmark machine, 1 MiB beat 512 KiB
#: by 15-30% on cross-entropy (rows of 128000 floats then come four to a block, not one);
#: 2 MiB spills out of L2 and is nearly twice as slow.
BLOCK_BYTES = 1024 * 1024

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
    itemsize = np.dtype(dtype).itemsize
    block_rows = max(1, BLOCK_BYTES // max(1, n_cols * itemsize))
    threads = thread_count() if n_rows * n_cols >= _PARALLEL_MIN_ELEMENTS else 1
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
    futures = [
        _executor(threads).submit(run_chunk, lo, hi) for lo, hi in zip(bounds, bounds[1:])
    ]
    wait(futures)  # let every chunk finish before reporting the first error
    for future in futures:
        future.result()
