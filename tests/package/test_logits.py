"""softmax, log_softmax and the from-logits functions, including the blocked, threaded path.

It is long because the blocked, threaded reader is tested here through every function
that uses it.
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pytest

import infotheory._blocks as blocks
from infotheory import (
    cross_entropy_from_logits,
    entropy_from_logits,
    kl_divergence_from_logits,
    log_softmax,
    perplexity,
    softmax,
)

from ._helpers import (
    LN2,
    no_runtime_warnings,
    ref_cross_entropy_from_logits,
    ref_entropy_from_logits,
    ref_kl_from_logits,
    ref_log_softmax,
    ref_softmax,
)

# 300 x 5000 = 1.5M elements: above the 2**20 threshold, so several threads are used.
BIG = (300, 5000)


# ------------------------------------------------------------------ softmax


def test_softmax_hand_values():
    np.testing.assert_allclose(softmax([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(softmax([1.0, 1.0, 1.0, 1.0]), [0.25] * 4, rtol=1e-15)
    np.testing.assert_allclose(softmax([2.0, 1.0, 0.1]).round(3), [0.659, 0.242, 0.099])


def test_softmax_temperature():
    x = np.array([2.0, 1.0, 0.1])
    for t in (0.1, 0.5, 2.0, 10.0):
        e = np.exp(x / t)
        np.testing.assert_allclose(softmax(x, temperature=t), e / e.sum(), rtol=1e-14)
    # low temperature sharpens, high flattens
    assert softmax(x, temperature=0.01)[0] == pytest.approx(1.0)
    np.testing.assert_allclose(softmax(x, temperature=1e6), [1 / 3] * 3, rtol=1e-5)


def test_softmax_is_stable_for_huge_logits():
    with no_runtime_warnings():
        np.testing.assert_array_equal(softmax([1e4, -1e4]), [1.0, 0.0])
        out = softmax([1e4, 1e4 - math.log(3.0), -1e4])
    np.testing.assert_allclose(out, [0.75, 0.25, 0.0], rtol=1e-12, atol=1e-13)
    with no_runtime_warnings():
        out32 = softmax(np.array([1e4, 1e4 - 1.0, -1e4], dtype=np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, [1 / (1 + math.exp(-1)), 1 / (1 + math.e), 0.0], rtol=1e-6)


def test_softmax_dtypes_shapes_and_axis(rng):
    x = rng.standard_normal((3, 4, 5))
    assert softmax(x.astype(np.float32)).dtype == np.float32
    assert softmax([1, 2, 3]).dtype == np.float64
    assert softmax(np.array([1, 2], dtype=np.float16)).dtype == np.float32
    for axis in (0, 1, 2, -1, -2):
        out = softmax(x, axis=axis)
        assert out.shape == x.shape
        np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-15)
        np.testing.assert_allclose(out, ref_softmax(x, axis=axis), rtol=1e-13)


def test_softmax_masked_classes_get_exactly_zero():
    with no_runtime_warnings():
        out = softmax([0.0, -np.inf, math.log(3.0)])
    assert out[1] == 0.0
    np.testing.assert_allclose(out, [0.25, 0.0, 0.75], rtol=1e-15)


def test_functions_do_not_modify_their_input():
    for dtype in (np.float64, np.float32):
        x = np.array([[3.0, 1.0, 2.0], [0.0, -np.inf, 5.0]], dtype=dtype)
        y = x[::-1].copy()
        softmax(x, temperature=2.0)
        log_softmax(x)
        entropy_from_logits(x)
        kl_divergence_from_logits(x, y)
        cross_entropy_from_logits(x, [0, 2], label_smoothing=0.1)
        np.testing.assert_array_equal(x, [[3.0, 1.0, 2.0], [0.0, -np.inf, 5.0]])
        np.testing.assert_array_equal(y, [[0.0, -np.inf, 5.0], [3.0, 1.0, 2.0]])


def test_single_rows_give_numpy_float64_and_batches_arrays():
    x = [0.0, 1.0, 2.0]
    for value in (
        entropy_from_logits(x),
        kl_divergence_from_logits(x, x[::-1]),
        cross_entropy_from_logits(x, 1, reduction="none"),
        cross_entropy_from_logits([x], [1]),
        perplexity([x], [1]),
    ):
        assert isinstance(value, np.float64) and not isinstance(value, np.ndarray)
    for value in (
        entropy_from_logits([x]),
        kl_divergence_from_logits([x], [x]),
        cross_entropy_from_logits([x], [1], reduction="none"),
    ):
        assert isinstance(value, np.ndarray) and value.shape == (1,)
        assert value.dtype == np.float64


# -------------------------------------------------------------- log_softmax


def test_log_softmax_hand_values():
    np.testing.assert_allclose(log_softmax([0.0, 0.0, 0.0, 0.0]), [-math.log(4)] * 4, rtol=1e-15)
    np.testing.assert_allclose(
        log_softmax([0.0, math.log(3.0)]), [math.log(0.25), math.log(0.75)], rtol=1e-14
    )


def test_log_softmax_never_underflows_to_minus_inf():
    with no_runtime_warnings():
        out = log_softmax([1e4, 0.0, -1e4])
        out32 = log_softmax(np.array([0.0, -800.0], dtype=np.float32))
    np.testing.assert_allclose(out, [0.0, -1e4, -2e4], rtol=1e-15, atol=0)
    assert np.isfinite(out32).all() and out32.dtype == np.float32
    assert out32[1] == pytest.approx(-800.0, rel=1e-7)
    # whereas the naive log(softmax(.)) would give -inf
    with np.errstate(divide="ignore"):
        assert np.log(softmax([1e4, -1e4]))[1] == -np.inf


def test_log_softmax_masks_and_axis(rng):
    with no_runtime_warnings():
        out = log_softmax([0.0, -np.inf, 0.0])
    assert out[1] == -np.inf
    np.testing.assert_allclose(out[[0, 2]], [-LN2, -LN2], rtol=1e-15)
    x = rng.standard_normal((4, 6)) * 50
    np.testing.assert_allclose(
        log_softmax(x, axis=0), ref_log_softmax(x, axis=0), rtol=1e-13, atol=1e-12
    )


# -------------------------------------------------------- entropy_from_logits


def test_entropy_from_logits_hand_values():
    assert entropy_from_logits([0.0, 0.0, 0.0, 0.0], base=2) == pytest.approx(2.0, rel=1e-15)
    assert entropy_from_logits(np.zeros(1000)) == pytest.approx(math.log(1000), rel=1e-14)
    p = 1 / (1 + math.exp(-10))
    expected = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    np.testing.assert_allclose(
        entropy_from_logits([[10.0, 0.0], [0.0, 0.0]], base=2),
        [expected, 1.0],
        rtol=1e-12,
        atol=1e-13,
    )
    assert entropy_from_logits([5.0]) == 0.0
    with no_runtime_warnings():
        assert entropy_from_logits([0.0, -np.inf, 0.0]) == pytest.approx(LN2, rel=1e-15)
        assert entropy_from_logits([1e4, -1e4]) == 0.0


def test_entropy_from_logits_against_reference(rng):
    x = rng.standard_normal((7, 3, 40)) * 4
    x[0, 0, ::3] = -np.inf
    out = entropy_from_logits(x)
    assert out.shape == (7, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, ref_entropy_from_logits(x), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(
        entropy_from_logits(x, axis=0), ref_entropy_from_logits(x, 0), rtol=1e-12, atol=1e-13
    )


# -------------------------------------------------- kl_divergence_from_logits


def test_kl_from_logits_hand_values():
    a, b = np.log([0.9, 0.1]), np.log([0.6, 0.4])
    assert kl_divergence_from_logits(a, b) == pytest.approx(
        0.9 * math.log(0.9 / 0.6) + 0.1 * math.log(0.1 / 0.4), rel=1e-13
    )
    assert kl_divergence_from_logits(a + 100.0, b - 3.0) == pytest.approx(
        0.9 * math.log(0.9 / 0.6) + 0.1 * math.log(0.1 / 0.4), rel=1e-11
    )
    assert kl_divergence_from_logits([1.0, 2.0, 3.0], [11.0, 12.0, 13.0]) == 0.0


def test_kl_from_logits_masks():
    with no_runtime_warnings():
        # P masks a class: finite. Q masks a class P uses: inf. Both mask it: ignored.
        assert kl_divergence_from_logits([0.0, -np.inf, 0.0], [0.0, 0.0, 0.0]) == pytest.approx(
            math.log(1.5), rel=1e-14
        )
        assert kl_divergence_from_logits([0.0, 0.0, 0.0], [0.0, -np.inf, 0.0]) == np.inf
        assert kl_divergence_from_logits([0.0, -np.inf, 1.0], [0.0, -np.inf, 1.0]) == 0.0
        out = kl_divergence_from_logits([[0.0, 0.0], [0.0, 0.0]], [[0.0, -np.inf], [0.0, 0.0]])
    assert out[0] == np.inf and out[1] == 0.0


def test_kl_from_logits_against_reference(rng):
    a = rng.standard_normal((5, 2, 30)) * 3
    b = rng.standard_normal((5, 2, 30)) * 3
    a[1, 1, :10] = -np.inf
    out = kl_divergence_from_logits(a, b, base=2)
    assert out.shape == (5, 2)
    np.testing.assert_allclose(out, ref_kl_from_logits(a, b) / LN2, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(
        kl_divergence_from_logits(a, b, axis=1),
        ref_kl_from_logits(a, b, axis=1),
        rtol=1e-11,
        atol=1e-13,
    )


def test_kl_from_logits_of_identical_inputs_is_zero(big_logits):
    x, _, _ = big_logits
    d = kl_divergence_from_logits(x, x.copy())
    assert (d >= 0.0).all() and (d <= 1e-12).all()


def test_kl_from_logits_is_never_negative():
    rng = np.random.default_rng(11)
    for _ in range(300):
        a = rng.standard_normal(int(rng.integers(2, 50))) * 10
        b = a * (1 + rng.integers(-2, 3, a.size) * 2.2e-16)
        assert kl_divergence_from_logits(a, b) >= 0.0
        assert kl_divergence_from_logits(b, a) >= 0.0


# -------------------------------------------------- cross_entropy_from_logits


def test_cross_entropy_from_logits_hand_values():
    logits = np.log([[0.5, 0.25, 0.25], [0.01, 0.01, 0.98]])
    np.testing.assert_allclose(
        cross_entropy_from_logits(logits, [0, 1], reduction="none"),
        [math.log(2), -math.log(0.01)],
        rtol=1e-13,
    )
    assert cross_entropy_from_logits(logits, [0, 1]) == pytest.approx(
        (math.log(2) - math.log(0.01)) / 2, rel=1e-13
    )
    assert cross_entropy_from_logits(logits, [0, 1], reduction="sum") == pytest.approx(
        math.log(2) - math.log(0.01), rel=1e-13
    )
    assert cross_entropy_from_logits(logits, [0, 1], base=2) == pytest.approx(
        (1 - math.log2(0.01)) / 2, rel=1e-13
    )


def test_label_smoothing_is_eps_over_k_on_every_class():
    logits = np.log([[0.5, 0.25, 0.25]])
    eps, k = 0.1, 3
    lp = np.log([0.5, 0.25, 0.25])
    expected = -(1 - eps) * lp[0] - eps / k * lp.sum()
    assert cross_entropy_from_logits(logits, [0], label_smoothing=eps) == pytest.approx(
        expected, rel=1e-13
    )
    # eps = 1: the target is uniform, whatever the label
    for label in range(3):
        assert cross_entropy_from_logits(logits, [label], label_smoothing=1.0) == pytest.approx(
            -lp.mean(), rel=1e-13
        )


def test_ignore_index_leaves_rows_out():
    logits = np.log([[0.5, 0.25, 0.25], [0.01, 0.01, 0.98], [0.2, 0.2, 0.6]])
    target = [0, -100, 2]
    none = cross_entropy_from_logits(logits, target, ignore_index=-100, reduction="none")
    np.testing.assert_allclose(none, [math.log(2), 0.0, -math.log(0.6)], rtol=1e-13)
    assert none[1] == 0.0
    assert cross_entropy_from_logits(logits, target, ignore_index=-100) == pytest.approx(
        (math.log(2) - math.log(0.6)) / 2,
        rel=1e-13,  # the mean over the 2 kept rows
    )
    assert cross_entropy_from_logits(
        logits, target, ignore_index=-100, reduction="sum"
    ) == pytest.approx(math.log(2) - math.log(0.6), rel=1e-13)
    # ignore_index may be a valid class index too
    assert cross_entropy_from_logits(logits, [0, 1, 1], ignore_index=1) == pytest.approx(
        math.log(2), rel=1e-13
    )
    # every target ignored: sum and none are fine
    assert cross_entropy_from_logits(logits, [7, 7, 7], ignore_index=7, reduction="sum") == 0.0


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_against_reference_on_batches(rng, eps, reduction):
    x = rng.standard_normal((3, 5, 17)) * 3
    t = rng.integers(0, 17, (3, 5))
    t[0, 1] = t[2, 4] = -1
    ref = ref_cross_entropy_from_logits(x, t, label_smoothing=eps, ignore_index=-1)
    out = cross_entropy_from_logits(
        x, t, label_smoothing=eps, ignore_index=-1, reduction=reduction
    )
    if reduction == "none":
        assert out.shape == (3, 5)
        np.testing.assert_allclose(out, ref, rtol=1e-13)
    elif reduction == "sum":
        assert out == pytest.approx(ref.sum(), rel=1e-13)
    else:
        assert out == pytest.approx(ref.sum() / 13, rel=1e-13)
    # (B, T, V) is the same as the flattened (B*T, V)
    flat = cross_entropy_from_logits(
        x.reshape(15, 17), t.reshape(15), label_smoothing=eps, ignore_index=-1, reduction=reduction
    )
    np.testing.assert_allclose(np.reshape(out, -1), np.reshape(flat, -1), rtol=1e-14)


def test_cross_entropy_one_row_and_target_dtypes():
    x = np.array([0.0, math.log(3.0)])
    out = cross_entropy_from_logits(x, 1, reduction="none")
    assert isinstance(out, np.float64) and out == pytest.approx(-math.log(0.75), rel=1e-14)
    for dtype in (np.uint8, np.int16, np.int32, np.uint64):
        assert cross_entropy_from_logits([x], np.array([0], dtype=dtype)) == pytest.approx(
            -math.log(0.25), rel=1e-14
        )


def test_cross_entropy_output_is_float64_for_float32_logits(rng):
    x = rng.standard_normal((4, 9)).astype(np.float32)
    t = rng.integers(0, 9, 4)
    for reduction in ("mean", "sum"):
        out = cross_entropy_from_logits(x, t, reduction=reduction)
        assert isinstance(out, np.float64) and not isinstance(out, np.ndarray)
    assert cross_entropy_from_logits(x, t, reduction="none").dtype == np.float64


def test_masked_target_costs_inf_not_nan():
    with no_runtime_warnings():
        assert cross_entropy_from_logits([[0.0, -np.inf]], [1]) == np.inf
        assert cross_entropy_from_logits([[0.0, -np.inf]], [1], label_smoothing=1.0) == np.inf
        assert cross_entropy_from_logits([[0.0, -np.inf, 0.0]], [0]) == pytest.approx(LN2)


# -------------------------------------------------------------- perplexity


def test_perplexity_hand_values(rng):
    assert perplexity(np.zeros((3, 50)), [4, 7, 9]) == pytest.approx(50.0, rel=1e-13)
    assert perplexity(np.log([[0.5, 0.5]]), [0]) == pytest.approx(2.0, rel=1e-14)
    x = rng.standard_normal((6, 11))
    t = rng.integers(0, 11, 6)
    expected = math.exp(ref_cross_entropy_from_logits(x, t).mean())
    out = perplexity(x, t)
    assert isinstance(out, np.float64) and out == pytest.approx(expected, rel=1e-13)
    assert out >= 1.0
    t[2] = -100
    expected = math.exp(ref_cross_entropy_from_logits(x, t, ignore_index=-100).sum() / 5)
    assert perplexity(x, t, ignore_index=-100) == pytest.approx(expected, rel=1e-13)


# ------------------------------------------- stability: +-1e4, +200, -200


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("offset", [1e4, -1e4, 200.0, -200.0, 750.0])
def test_from_logits_functions_are_stable_at_large_offsets(rng, dtype, offset):
    # Around +200 (float32) or +750 (float64) exp overflows and around -200 it underflows,
    # which sends every row down the stable fallback path of _logsumexp_rows.
    x = (rng.standard_normal((20, 30)) * 2 + offset).astype(dtype)
    y = (rng.standard_normal((20, 30)) * 2 - offset).astype(dtype)
    t = rng.integers(0, 30, 20)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    with no_runtime_warnings():
        ce = cross_entropy_from_logits(x, t, reduction="none")
        h = entropy_from_logits(x)
        kl = kl_divergence_from_logits(x, y)
        lsm = log_softmax(x)
        sm = softmax(x)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ce, ref_cross_entropy_from_logits(x64, t), rtol=rtol)
    np.testing.assert_allclose(h, ref_entropy_from_logits(x64), rtol=rtol)
    np.testing.assert_allclose(kl, ref_kl_from_logits(x64, y64), rtol=rtol)
    np.testing.assert_allclose(lsm, ref_log_softmax(x64), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(sm, ref_softmax(x64), rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("offset", [0.0, 200.0, -200.0])
def test_cross_entropy_with_smoothing_float32_near_reference(rng, offset):
    x = (rng.standard_normal((64, 50)) + offset).astype(np.float32)
    t = rng.integers(0, 50, 64)
    out = cross_entropy_from_logits(x, t, label_smoothing=0.1, reduction="none")
    ref = ref_cross_entropy_from_logits(x.astype(np.float64), t, label_smoothing=0.1)
    np.testing.assert_allclose(out, ref, rtol=1e-5)


@pytest.mark.parametrize("offset", [1e4, -1e4])
def test_cross_entropy_with_smoothing_float32_at_1e4(rng, offset):
    """Regression: (1 - eps) * picked was rounded in float32 (~3e-4 relative error)."""
    x = (rng.standard_normal((64, 50)) + offset).astype(np.float32)
    t = rng.integers(0, 50, 64)
    out = cross_entropy_from_logits(x, t, label_smoothing=0.1, reduction="none")
    ref = ref_cross_entropy_from_logits(x.astype(np.float64), t, label_smoothing=0.1)
    np.testing.assert_allclose(out, ref, rtol=1e-5)


def test_mixed_rows_some_overflowing_some_not(rng):
    x = rng.standard_normal((6, 8)).astype(np.float32)
    x[1] += 200.0
    x[3] -= 200.0
    x[4, :4] = -np.inf
    x[5] += 1e4
    t = np.array([0, 1, 2, 3, 5, 7])
    out = cross_entropy_from_logits(x, t, reduction="none")
    np.testing.assert_allclose(
        out, ref_cross_entropy_from_logits(x.astype(np.float64), t), rtol=1e-5
    )


# ------------------------------------------ layouts: non-contiguous, axis != -1


def test_non_contiguous_inputs(rng):
    base = rng.standard_normal((40, 60)) * 3
    other = rng.standard_normal((40, 60)) * 3
    t = rng.integers(0, 30, 40)
    for x, y in (
        (base[:, ::2], other[:, ::2]),  # strided columns
        (base[::3], other[::3]),  # strided rows
        (np.asfortranarray(base), np.asfortranarray(other)),
        (base.T.copy().T, other.T.copy().T),  # Fortran order again, via transposes
    ):
        assert not x.flags.c_contiguous
        np.testing.assert_allclose(
            entropy_from_logits(x), ref_entropy_from_logits(x), rtol=1e-12, atol=1e-13
        )
        np.testing.assert_allclose(
            kl_divergence_from_logits(x, y), ref_kl_from_logits(x, y), rtol=1e-11, atol=1e-13
        )
        np.testing.assert_allclose(log_softmax(x), ref_log_softmax(x), rtol=1e-13, atol=1e-13)
        tt = np.minimum(t[: x.shape[0]], x.shape[1] - 1)
        np.testing.assert_allclose(
            cross_entropy_from_logits(x, tt, reduction="none"),
            ref_cross_entropy_from_logits(x, tt),
            rtol=1e-12,
            atol=1e-13,
        )


def test_class_axis_other_than_last(rng):
    x = rng.standard_normal((4, 9, 3)) * 3
    y = rng.standard_normal((4, 9, 3)) * 3
    for axis in (0, 1, -2):
        np.testing.assert_allclose(
            entropy_from_logits(x, axis=axis),
            ref_entropy_from_logits(x, axis=axis),
            rtol=1e-12,
            atol=1e-13,
        )
        np.testing.assert_allclose(
            kl_divergence_from_logits(x, y, axis=axis),
            ref_kl_from_logits(x, y, axis=axis),
            rtol=1e-11,
            atol=1e-13,
        )
        np.testing.assert_allclose(softmax(x, axis=axis), ref_softmax(x, axis=axis), rtol=1e-13)
    # the class axis of a transposed view
    np.testing.assert_allclose(
        entropy_from_logits(x.T, axis=0),
        ref_entropy_from_logits(x, axis=-1).T,
        rtol=1e-12,
        atol=1e-13,
    )


# ------------------------------------------------ big inputs, blocks, threads


@pytest.fixture(scope="module")
def big_logits():
    rng = np.random.default_rng(2024)
    x = (rng.standard_normal(BIG) * 3).astype(np.float32)
    y = (rng.standard_normal(BIG) * 3).astype(np.float32)
    x[::7, ::13] = -np.inf  # masked classes in every 7th row
    y[3::11, 5::17] = -np.inf
    x[5] += 200.0  # a row that overflows float32 exp
    x[6] -= 200.0  # and one that underflows
    t = rng.integers(0, BIG[1], BIG[0])
    t[::7] = np.where(t[::7] % 13 == 0, t[::7] + 1, t[::7])  # keep targets unmasked
    t[::5] = -100
    return x, y, t


@pytest.fixture(scope="module")
def big_references(big_logits):
    x, y, t = big_logits
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    return {
        "h": ref_entropy_from_logits(x64),
        "kl": ref_kl_from_logits(x64, y64),
        "ce": ref_cross_entropy_from_logits(x64, t, label_smoothing=0.1, ignore_index=-100),
        "ce0": ref_cross_entropy_from_logits(x64, t, ignore_index=-100),
    }


@pytest.mark.parametrize("threads", ["1", "2", "3", "8", None])
def test_big_float32_inputs_match_float64_reference(
    monkeypatch, big_logits, big_references, threads
):
    if threads is None:
        monkeypatch.delenv("INFOTHEORY_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("INFOTHEORY_NUM_THREADS", threads)
        expected = 1 if sys.platform == "emscripten" else int(threads)  # Pyodide has no threads
        assert blocks.thread_count() == expected
    x, y, t = big_logits
    with no_runtime_warnings():
        h = entropy_from_logits(x)
        kl = kl_divergence_from_logits(x, y)
        ce = cross_entropy_from_logits(
            x, t, label_smoothing=0.1, ignore_index=-100, reduction="none"
        )
        ce0 = cross_entropy_from_logits(x, t, ignore_index=-100, reduction="none")
        mean = cross_entropy_from_logits(x, t, ignore_index=-100)
    assert np.isinf(kl).any() and np.isfinite(kl).any()  # y masks classes x uses
    np.testing.assert_allclose(h, big_references["h"], rtol=1e-5)
    np.testing.assert_allclose(kl, big_references["kl"], rtol=1e-5)
    np.testing.assert_allclose(ce, big_references["ce"], rtol=1e-5)
    np.testing.assert_allclose(ce0, big_references["ce0"], rtol=1e-5)
    kept = t != -100
    assert mean == pytest.approx(big_references["ce0"][kept].mean(), rel=1e-5)


def test_big_float64_inputs_match_reference_for_any_thread_count(monkeypatch):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((260, 4100)) * 5
    x[::9, 1::3] = -np.inf
    t = rng.integers(0, 4100, 260) // 3 * 3  # multiples of 3 are never masked
    ref_h = ref_entropy_from_logits(x)
    ref_ce = ref_cross_entropy_from_logits(x, t, label_smoothing=0.2)
    results = []
    for threads in ("1", "4"):
        monkeypatch.setenv("INFOTHEORY_NUM_THREADS", threads)
        h = entropy_from_logits(x)
        ce = cross_entropy_from_logits(x, t, label_smoothing=0.2, reduction="none")
        np.testing.assert_allclose(h, ref_h, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(ce, ref_ce, rtol=1e-12, atol=1e-13)
        results.append(h)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-13)


def test_big_inputs_with_class_axis_first(monkeypatch, big_logits, big_references):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "2")
    x, y, _ = big_logits
    np.testing.assert_allclose(entropy_from_logits(x.T, axis=0), big_references["h"], rtol=1e-5)
    np.testing.assert_allclose(
        kl_divergence_from_logits(x.T, y.T, axis=0), big_references["kl"], rtol=1e-5
    )


def test_error_in_a_worker_thread_is_raised(monkeypatch, big_logits):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "4")
    x, y, t = big_logits
    x = x.copy()
    x[290, 17] = np.nan  # in the last chunk
    with pytest.raises(ValueError, match="logits contains NaN"):
        entropy_from_logits(x)
    with pytest.raises(ValueError, match="logits_p contains NaN"):
        kl_divergence_from_logits(x, y)
    with pytest.raises(ValueError, match="logits contains NaN"):
        cross_entropy_from_logits(x, np.where(t < 0, 0, t))
    x[290, 17] = -np.inf
    x[250] = -np.inf
    with pytest.raises(ValueError, match="-inf everywhere"):
        entropy_from_logits(x)


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_invalid_thread_count_is_an_error(monkeypatch, bad):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", bad)
    with pytest.raises(ValueError, match="INFOTHEORY_NUM_THREADS"):
        blocks.thread_count()
    with pytest.raises(ValueError, match="INFOTHEORY_NUM_THREADS"):
        entropy_from_logits(np.zeros(BIG, dtype=np.float32))


def test_blocks_run_on_several_threads_and_cover_every_row_once(monkeypatch):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "4")
    n_rows, n_cols = 1000, 2000  # 2M elements
    seen = np.zeros(n_rows, dtype=int)
    names = set()
    lock = threading.Lock()
    # The first block of each of the 4 chunks waits for a second chunk to be running at the
    # same time: a sequential implementation would break the barrier (timeout) and fail.
    barrier = threading.Barrier(2)
    chunk_starts = {0, 250, 500, 750}

    def work(lo, hi, scratch):
        assert len(scratch) == 2
        assert all(s.shape == (hi - lo, n_cols) and s.dtype == np.float32 for s in scratch)
        if lo in chunk_starts:
            barrier.wait(timeout=10)
        with lock:
            seen[lo:hi] += 1
            names.add(threading.current_thread().name)

    blocks.for_each_row_block(n_rows, n_cols, np.float32, work)
    np.testing.assert_array_equal(seen, 1)
    assert len(names) >= 2
    assert all(name.startswith("infotheory") for name in names)


@pytest.mark.parametrize(
    "n_rows,n_cols", [(1, 1), (7, 3), (1, 200_000), (3, 300_000), (1000, 2000), (513, 1)]
)
def test_blocks_cover_every_row_exactly_once(monkeypatch, n_rows, n_cols):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "3")
    seen = np.zeros(n_rows, dtype=int)
    lock = threading.Lock()

    def work(lo, hi, scratch):
        assert 0 <= lo < hi <= n_rows
        assert scratch[0].shape == (hi - lo, n_cols)
        # scratch stays near BLOCK_BYTES unless one row alone is bigger
        assert scratch[0].nbytes <= max(blocks.BLOCK_BYTES, n_cols * 8)
        with lock:
            seen[lo:hi] += 1

    blocks.for_each_row_block(n_rows, n_cols, np.float64, work, buffers=1)
    np.testing.assert_array_equal(seen, 1)


def test_small_inputs_stay_on_the_calling_thread(monkeypatch):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "4")
    names = set()
    blocks.for_each_row_block(
        100, 100, np.float64, lambda lo, hi, s: names.add(threading.current_thread().name)
    )
    assert names == {threading.current_thread().name}
