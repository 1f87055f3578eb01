"""The logits functions never allocate a full-size temporary.

Measured with tracemalloc, which sees every numpy allocation in every thread,
so the check is deterministic (no timing). The bound is the issue's 16 MB,
whatever the number of rows; the inputs here are 64 MB, so a single full-size
temporary would fail every case.
"""

import tracemalloc

import numpy as np
import pytest

from infotheory import cross_entropy_from_logits, entropy_from_logits, kl_divergence_from_logits

LIMIT = 16 * 2**20


def peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(
    scope="module", params=[(2000, 8000), (125, 128000)], ids=["2000x8000", "125x128000"]
)
def logits(request):
    rows, cols = request.param
    rng = np.random.default_rng(1)
    x = rng.standard_normal((rows, cols), dtype=np.float32)
    return x, rng.integers(0, cols, size=rows)


def test_the_input_alone_would_exceed_the_limit(logits):
    x, _ = logits
    assert x.nbytes > 3 * LIMIT
    assert peak_bytes(lambda: x * 2.0) > LIMIT  # the measurement does see numpy temporaries


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_extra_memory_is_bounded(logits, smoothing):
    x, t = logits
    assert peak_bytes(lambda: cross_entropy_from_logits(x, t, label_smoothing=smoothing)) < LIMIT


def test_entropy_extra_memory_is_bounded(logits):
    x, _ = logits
    assert peak_bytes(lambda: entropy_from_logits(x)) < LIMIT


def test_kl_extra_memory_is_bounded(logits):
    x, _ = logits
    y = np.ascontiguousarray(x[::-1])  # the same rows in another order
    assert peak_bytes(lambda: kl_divergence_from_logits(x, y)) < LIMIT
