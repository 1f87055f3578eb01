"""entropy, cross_entropy, kl_divergence and js_divergence never hold a full-size temporary.

Measured with tracemalloc, which sees every numpy allocation in every thread, so the
check is deterministic (no timing), as in test_memory.py. The inputs are 64 MiB of
float64 (32 MiB for the strided views), so one full-size temporary, or a float64 copy
of the input, would fail every case; the bound is the issue's 16 MiB.
"""

import tracemalloc

import numpy as np
import pytest

from infotheory import cross_entropy, entropy, js_divergence, kl_divergence

LIMIT = 16 * 2**20
ROWS, COLS = 64, 131072


def peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def p():
    x = np.random.default_rng(0).random((ROWS, COLS))
    x /= x.sum(axis=1, keepdims=True)
    return x


# Each layout: (p, q, keyword arguments), built from the module's 64 MiB array. The
# columns of a strided view x[:, ::2] do not sum to 1, so that case normalizes (in blocks).
LAYOUTS = {
    "contiguous": lambda x: (x, x[::-1], {}),
    "rows ::2": lambda x: (x[::2], x[1::2], {}),
    "columns ::2": lambda x: (x[:, ::2], x[::-1, 1::2], {"normalize": True}),
    "fortran": lambda x: (np.asfortranarray(x), np.asfortranarray(x[::-1]), {}),
    "axis 0": lambda x: (np.ascontiguousarray(x.T), np.ascontiguousarray(x[::-1].T), {"axis": 0}),
    "one q row": lambda x: (x, x[5], {}),
}


@pytest.fixture(scope="module", params=list(LAYOUTS), ids=list(LAYOUTS))
def layout(request, p):
    return LAYOUTS[request.param](p)


def test_the_inputs_alone_would_exceed_the_limit(p):
    assert p.nbytes == 64 * 2**20 and p[::2].nbytes > LIMIT
    assert peak_bytes(lambda: p * 2.0) > LIMIT  # the measurement does see numpy temporaries
    assert peak_bytes(lambda: np.asarray(p[:, ::2], dtype=np.float64, order="C")) > LIMIT


@pytest.mark.parametrize("fn", [entropy, cross_entropy, kl_divergence, js_divergence])
def test_extra_memory_is_bounded(fn, layout):
    x, y, kwargs = layout
    call = (lambda: fn(x, **kwargs)) if fn is entropy else (lambda: fn(x, y, **kwargs))
    assert peak_bytes(call) < LIMIT


def test_close_distributions_take_the_accurate_path_in_bounded_memory(p):
    """JS of p against itself runs the slower form for JS -> 0 on every row."""
    assert peak_bytes(lambda: js_divergence(p, p)) < LIMIT


def test_one_long_row_is_split_in_tiles(p):
    row = p[:32].reshape(-1) / 32  # 32 MiB: one distribution of 4 M outcomes
    assert peak_bytes(lambda: entropy(row)) < LIMIT
    assert peak_bytes(lambda: js_divergence(row, row[::-1], normalize=True)) < LIMIT
