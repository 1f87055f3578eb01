"""No full-size temporary for any layout or dtype the logits functions read a block at a time.

Measured with tracemalloc (which sees numpy's allocations in every thread), on inputs of
64 MiB: the language-model shift ``x[:, :-1]`` of a (4, S, V) array, Fortran order, the
class axis first, float16, bfloat16 (ml_dtypes), a broadcast reference row and
probability targets. One full-size temporary (a float32 copy, a probability array)
would exceed the 16 MiB bound; the outputs here are a few tens of KiB.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from infotheory import (
    cross_entropy_and_entropy_from_logits,
    cross_entropy_from_logits,
    distillation_loss,
    entropy_from_logits,
    js_divergence_from_logits,
    kl_divergence_from_logits,
    perplexity,
    token_logprobs,
)

LIMIT = 16 * 2**20
B, S, V = 4, 2049, 2048  # x[:, :-1] is 4 * 2048 * 2048 float32: 64 MiB


def peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def base():
    rng = np.random.default_rng(64)
    x = rng.standard_normal((B, S, V), dtype=np.float32)
    y = rng.standard_normal((B, S, V), dtype=np.float32)
    return x, y, rng


def _half(x, y, dtype):
    """(B, S, 2 V) in a 2-byte dtype, so that its shifted view is 64 MiB too."""
    out = np.empty((B, S, 2 * V), dtype=dtype)
    out[..., :V] = x
    out[..., V:] = y
    return out


@pytest.fixture(scope="module")
def cases(base):
    x, y, rng = base
    t = rng.integers(0, V, (B, S - 1))
    flat, flat_y = x.reshape(-1, V), y.reshape(-1, V)
    fortran = np.asfortranarray(flat)
    built = {
        # name: (logits, other logits of the same shape, class targets, class axis)
        "lm_shift": (x[:, :-1], y[:, :-1], t, -1),
        "fortran": (fortran, flat_y, rng.integers(0, V, B * S), -1),
        "class_axis_0": (flat, flat_y, rng.integers(0, B * S, V), 0),
        "broadcast_row": (x[:, :-1], y[:1, :1], t, -1),
    }
    f16 = _half(x, y, np.float16)
    built["float16"] = (f16[:, :-1], f16[::-1, 1:], rng.integers(0, 2 * V, (B, S - 1)), -1)
    return built


@pytest.fixture(scope="module")
def bfloat16_case(base):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x, y, rng = base
    b16 = _half(x, y, ml_dtypes.bfloat16)
    return b16[:, :-1], b16[::-1, 1:], rng.integers(0, 2 * V, (B, S - 1)), -1


@pytest.fixture(scope="module")
def probability_targets(base):
    x, y, _ = base
    probs = np.empty((B, S - 1, V), dtype=np.float32)
    for i in range(B):  # one sequence at a time, outside the measurement
        e = np.exp(y[i, 1:] - y[i, 1:].max(axis=-1, keepdims=True))
        probs[i] = e / e.sum(axis=-1, keepdims=True)
    return x[:, :-1], probs


FUNCTIONS = {
    "entropy": lambda x, y, t, ax: entropy_from_logits(x, axis=ax, reduction="mean"),
    "entropy_temperature": lambda x, y, t, ax: entropy_from_logits(x, axis=ax, temperature=2.0),
    "kl": lambda x, y, t, ax: kl_divergence_from_logits(x, y, axis=ax, reduction="mean"),
    "js": lambda x, y, t, ax: js_divergence_from_logits(x, y, axis=ax, reduction="mean"),
    "cross_entropy": lambda x, y, t, ax: cross_entropy_from_logits(x, t, axis=ax),
    "cross_entropy_smoothed": lambda x, y, t, ax: cross_entropy_from_logits(
        x, t, axis=ax, label_smoothing=0.1, temperature=1.5
    ),
    "cross_entropy_and_entropy": lambda x, y, t, ax: cross_entropy_and_entropy_from_logits(
        x, t, axis=ax
    ),
    "token_logprobs": lambda x, y, t, ax: token_logprobs(x, t, axis=ax),
    "perplexity": lambda x, y, t, ax: perplexity(x, t, axis=ax),
    "distillation": lambda x, y, t, ax: distillation_loss(
        x, y, temperature=2.0, target=t, alpha=0.5, axis=ax
    ),
}
PAIRED = ("kl", "js", "distillation")


def test_the_inputs_are_big_enough(cases, probability_targets):
    for name, (x, *_rest) in cases.items():
        assert x.nbytes >= 4 * LIMIT, name
    x, probs = probability_targets
    assert probs.nbytes >= 4 * LIMIT
    assert peak_bytes(lambda: x.astype(np.float32)) > LIMIT  # a copy would be seen


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("layout", ["lm_shift", "fortran", "class_axis_0", "float16"])
def test_layouts_and_dtypes_need_no_full_size_temporary(cases, layout, name):
    x, y, t, axis = cases[layout]
    assert peak_bytes(lambda: FUNCTIONS[name](x, y, t, axis)) < LIMIT


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_bfloat16_needs_no_full_size_temporary(bfloat16_case, name):
    x, y, t, axis = bfloat16_case
    assert peak_bytes(lambda: FUNCTIONS[name](x, y, t, axis)) < LIMIT


@pytest.mark.parametrize("name", PAIRED)
def test_a_broadcast_reference_row_needs_no_full_size_temporary(cases, name):
    x, row, t, axis = cases["broadcast_row"]
    assert row.shape == (1, 1, V)
    assert peak_bytes(lambda: FUNCTIONS[name](x, row, t, axis)) < LIMIT
    assert peak_bytes(lambda: FUNCTIONS[name](row, x, t, axis)) < LIMIT


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_probability_targets_need_no_full_size_temporary(probability_targets, smoothing):
    x, probs = probability_targets
    assert (
        peak_bytes(lambda: cross_entropy_from_logits(x, probs, label_smoothing=smoothing)) < LIMIT
    )
