"""entropy, cross_entropy, kl_divergence and js_divergence against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infotheory import cross_entropy, entropy, js_divergence, kl_divergence

from ._helpers import LN2, no_runtime_warnings, normalise, ref_entropy, ref_kl

LOG = math.log


# ------------------------------------------------------------ hand values

def test_entropy_hand_values():
    assert entropy([0.5, 0.25, 0.25], base=2) == pytest.approx(1.5, rel=1e-15)
    assert entropy([0.2] * 5) == pytest.approx(LOG(5), rel=1e-15)
    assert entropy([0.2] * 5, base=2) == pytest.approx(math.log2(5), rel=1e-15)
    assert entropy([0.9, 0.1]) == pytest.approx(-(0.9 * LOG(0.9) + 0.1 * LOG(0.1)), rel=1e-15)
    assert entropy([0.5, 0.5], base=2) == pytest.approx(1.0, rel=1e-15)


def test_entropy_of_a_point_mass_is_exactly_zero():
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert entropy([0, 0, 1]) == 0.0
    assert entropy(np.array([1.0], dtype=np.float32)) == 0.0


def test_cross_entropy_hand_values():
    assert cross_entropy([0.5, 0.5], [0.9, 0.1], base=2) == pytest.approx(
        -0.5 * (math.log2(0.9) + math.log2(0.1)), rel=1e-15
    )
    assert cross_entropy([0.5, 0.5], [0.9, 0.1], base=2) == pytest.approx(1.737, abs=5e-4)
    # an outcome the truth never produces costs nothing, even where the model is sure of it
    assert cross_entropy([1.0, 0.0], [0.5, 0.5], base=2) == pytest.approx(1.0, rel=1e-15)
    # H(P, P) = H(P), not 0
    assert cross_entropy([0.25, 0.75], [0.25, 0.75]) == pytest.approx(
        -(0.25 * LOG(0.25) + 0.75 * LOG(0.75)), rel=1e-15
    )


def test_kl_hand_values_and_asymmetry():
    forward = kl_divergence([0.9, 0.1], [0.6, 0.4])
    reverse = kl_divergence([0.6, 0.4], [0.9, 0.1])
    assert forward == pytest.approx(0.9 * LOG(0.9 / 0.6) + 0.1 * LOG(0.1 / 0.4), rel=1e-14)
    assert reverse == pytest.approx(0.6 * LOG(0.6 / 0.9) + 0.4 * LOG(0.4 / 0.1), rel=1e-14)
    assert round(float(forward), 4) == 0.2263
    assert round(float(reverse), 4) == 0.3112


def test_kl_point_mass_is_finite_one_way_only():
    point, spread = [1, 0, 0, 0, 0], [0.6, 0.1, 0.1, 0.1, 0.1]
    assert kl_divergence(point, spread) == pytest.approx(-LOG(0.6), rel=1e-15)
    with no_runtime_warnings():
        assert kl_divergence(spread, point) == math.inf


def test_kl_of_identical_distributions_is_exactly_zero():
    p = normalise(np.arange(1, 51))
    assert kl_divergence(p, p) == 0.0
    assert js_divergence(p, p) == 0.0


def test_js_hand_values():
    p, q = [0.9, 0.1], [0.6, 0.4]
    m = [0.75, 0.25]
    expected = 0.5 * (0.9 * LOG(0.9 / m[0]) + 0.1 * LOG(0.1 / m[1])) + 0.5 * (
        0.6 * LOG(0.6 / m[0]) + 0.4 * LOG(0.4 / m[1])
    )
    assert js_divergence(p, q) == pytest.approx(expected, rel=1e-14)
    assert round(float(js_divergence(p, q)), 4) == 0.0633


def test_js_is_the_divergence_not_its_square_root():
    # disjoint supports reach the bound log 2 exactly: 1 bit, not sqrt(log 2)
    assert js_divergence([1.0, 0.0], [0.0, 1.0]) == pytest.approx(LN2, rel=1e-15)
    assert js_divergence([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0, rel=1e-15)
    assert js_divergence([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75], base=2) == pytest.approx(1.0)


def test_js_is_finite_where_kl_is_infinite():
    p, q = [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]
    with no_runtime_warnings():
        assert kl_divergence(p, q) == math.inf
        js = js_divergence(p, q)
    # m = [0.25, 0.5, 0.25]
    expected = 0.5 * (0.5 * LOG(2) + 0.5 * LOG(1)) * 2
    assert js == pytest.approx(expected, rel=1e-14)


# -------------------------------------------------------------- base

# Bases below 1 are refused (tests/package/test_checks.py).
@pytest.mark.parametrize("base", [2, 2.0, np.float32(2.0), math.e, 10, 1e6, 1.0001])
def test_base_divides_by_log_base(base):
    p, q = [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]
    b = math.log(float(base))
    assert entropy(p, base=base) == pytest.approx(ref_entropy(p) / b, rel=1e-12)
    assert kl_divergence(p, q, base=base) == pytest.approx(ref_kl(p, q) / b, rel=1e-12)
    assert cross_entropy(p, q, base=base) == pytest.approx(
        (ref_entropy(p) + ref_kl(p, q)) / b, rel=1e-12
    )


def test_base_none_means_nats_and_two_means_bits():
    p = [0.1, 0.2, 0.3, 0.4]
    assert entropy(p, base=None) == pytest.approx(ref_entropy(p), rel=1e-15)
    assert entropy(p, base=2) == pytest.approx(ref_entropy(p) / LN2, rel=1e-15)
    assert entropy(p, base=math.e) == pytest.approx(ref_entropy(p), rel=1e-15)


# ------------------------------------------------- zeros and infinities

def test_zero_log_zero_is_zero_everywhere():
    with no_runtime_warnings():
        # p = 0 where q = 0 too: contributes nothing, no NaN
        assert kl_divergence([0.5, 0.5, 0.0], [0.25, 0.75, 0.0]) == pytest.approx(
            0.5 * LOG(2) + 0.5 * LOG(0.5 / 0.75), rel=1e-14
        )
        assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
        assert kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
        assert js_divergence([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) == 0.0
        assert entropy([0.0, 1.0, 0.0, 0.0]) == 0.0
        assert np.isfinite(js_divergence([0.0, 1.0, 0.0], [0.0, 0.0, 1.0]))


def test_mass_where_the_model_has_none_is_inf_never_nan_nor_clipped():
    p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])
    q = np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.5, 0.5, 0.0]])
    with no_runtime_warnings():
        kl = kl_divergence(p, q)
        ce = cross_entropy(p, q)
    assert kl[0] == np.inf and kl[2] == np.inf and kl[1] == 0.0
    assert ce[0] == np.inf and ce[2] == np.inf
    assert ce[1] == pytest.approx(ref_entropy(p[1]), rel=1e-14)
    assert not np.isnan(kl).any() and not np.isnan(ce).any()


def test_tiny_but_positive_model_probability_is_finite_not_inf():
    # q = 1e-300 is not 0: the divergence is large but finite (no clipping either way)
    p, q = [1.0, 0.0], [1e-300, 1.0]
    with no_runtime_warnings():
        assert kl_divergence(p, q) == pytest.approx(300 * LOG(10), rel=1e-14)
        assert cross_entropy(p, q) == pytest.approx(300 * LOG(10), rel=1e-14)


def test_kl_with_subnormal_model_probability_is_finite():
    """Regression: p / q overflowed for a subnormal q (RuntimeWarning, inf instead of 736.8)."""
    with no_runtime_warnings():
        got = kl_divergence([1.0, 0.0], [1e-320, 1.0])
    assert got == pytest.approx(-LOG(1e-320), rel=1e-12)  # 736.827..., as scipy's rel_entr


def test_js_with_a_subnormal_probability_is_tiny():
    """Regression: m = (p + q) / 2 underflowed to 0, giving log 2 instead of ~0."""
    with no_runtime_warnings():
        got = js_divergence([1.0, 5e-324], [1.0, 0.0])
    assert 0.0 <= got <= 1e-300


# ------------------------------------------------- shapes and types

def test_single_distribution_gives_numpy_float64():
    p, q = [0.3, 0.7], [0.5, 0.5]
    for value in (entropy(p), cross_entropy(p, q), kl_divergence(p, q), js_divergence(p, q)):
        assert isinstance(value, np.float64)
        assert not isinstance(value, np.ndarray)


def test_batches_give_batches(rng):
    p = rng.random((3, 4, 6))
    p /= p.sum(axis=-1, keepdims=True)
    q = rng.random((3, 4, 6))
    q /= q.sum(axis=-1, keepdims=True)
    for fn, ref in (
        (lambda: entropy(p), lambda i, j: ref_entropy(p[i, j])),
        (lambda: kl_divergence(p, q), lambda i, j: ref_kl(p[i, j], q[i, j])),
        (lambda: cross_entropy(p, q),
         lambda i, j: ref_entropy(p[i, j]) + ref_kl(p[i, j], q[i, j])),
    ):
        out = fn()
        assert isinstance(out, np.ndarray) and out.shape == (3, 4) and out.dtype == np.float64
        for i in range(3):
            for j in range(4):
                assert out[i, j] == pytest.approx(ref(i, j), rel=1e-12)


def test_batch_of_one_is_an_array_not_a_scalar():
    out = entropy([[0.5, 0.5]])
    assert isinstance(out, np.ndarray) and out.shape == (1,)


def test_axis_selects_where_the_distributions_lie(rng):
    p = rng.random((5, 3))
    p /= p.sum(axis=0)
    q = rng.random((5, 3))
    q /= q.sum(axis=0)
    h = entropy(p, axis=0)
    assert h.shape == (3,)
    for j in range(3):
        assert h[j] == pytest.approx(ref_entropy(p[:, j]), rel=1e-13)
        assert kl_divergence(p, q, axis=0)[j] == pytest.approx(ref_kl(p[:, j], q[:, j]),
                                                                rel=1e-12)
    np.testing.assert_allclose(entropy(p, axis=-2), h, rtol=1e-15)
    # a 3-D batch with the distributions on the middle axis
    r = np.stack([p, q])  # shape (2, 5, 3)
    out = kl_divergence(r, r[::-1], axis=1)
    assert out.shape == (2, 3)
    for j in range(3):
        assert out[0, j] == pytest.approx(ref_kl(p[:, j], q[:, j]), rel=1e-12)
        assert out[1, j] == pytest.approx(ref_kl(q[:, j], p[:, j]), rel=1e-12)


def test_batch_dimensions_broadcast(rng):
    p = rng.random((2, 1, 4))
    p /= p.sum(axis=-1, keepdims=True)
    q = rng.random((3, 4))
    q /= q.sum(axis=-1, keepdims=True)
    out = kl_divergence(p, q)
    assert out.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert out[i, j] == pytest.approx(ref_kl(p[i, 0], q[j]), rel=1e-12)
    # one model against a batch of truths
    assert cross_entropy(q, q[0]).shape == (3,)
    assert js_divergence(q[0], q).shape == (3,)


def test_integer_and_float32_inputs_are_accepted():
    assert entropy([0, 1]) == 0.0
    assert entropy(np.array([1, 1, 2], dtype=np.uint8), normalize=True) == pytest.approx(
        ref_entropy([0.25, 0.25, 0.5]), rel=1e-15
    )
    p32 = np.array([0.1, 0.2, 0.7], dtype=np.float32)
    out = entropy(p32)
    assert isinstance(out, np.float64)
    assert out == pytest.approx(ref_entropy(p32.astype(np.float64)), rel=1e-12)


def test_normalize_rescales_counts():
    counts = [3, 1]
    assert entropy(counts, normalize=True) == pytest.approx(ref_entropy([0.75, 0.25]), rel=1e-15)
    assert kl_divergence([3, 1], [1, 1], normalize=True) == pytest.approx(
        ref_kl([0.75, 0.25], [0.5, 0.5]), rel=1e-14
    )
    assert js_divergence([[2, 2], [0, 5]], [1, 3], normalize=True).shape == (2,)


def test_normalize_handles_huge_finite_weights():
    """Regression: the sum overflowed to inf (RuntimeWarning) and the entropy came out 0."""
    with no_runtime_warnings():
        got = entropy([1e308, 1e308], normalize=True)
    assert got == pytest.approx(LN2, rel=1e-15)


def test_results_are_never_negative_for_near_equal_inputs():
    # p and q differ by a few ulps in every entry: the naive sum is often negative
    rng = np.random.default_rng(0)
    naive_negative = 0
    for _ in range(300):
        n = int(rng.integers(2, 64))
        q = normalise(rng.random(n))
        p = normalise(q * (1.0 + rng.integers(-3, 4, n) * np.finfo(float).eps))
        naive = float(np.sum(p * np.log(p / q)))
        naive_negative += naive < 0
        assert kl_divergence(p, q) >= 0.0
        assert kl_divergence(q, p) >= 0.0
        assert js_divergence(p, q) >= 0.0
        assert cross_entropy(p, q) >= 0.0
    assert naive_negative > 0  # the clamp was really exercised


def test_many_near_equal_tiny_entries():
    # 10^5 entries of about 1e-5 each, equal up to round-off
    rng = np.random.default_rng(1)
    q = normalise(1.0 + rng.random(10**5) * 1e-9)
    assert kl_divergence(q, q) == 0.0
    assert js_divergence(q, q) == 0.0
    p = normalise(q * (1.0 + rng.integers(-2, 3, q.size) * np.finfo(float).eps))
    naive = float(np.sum(p * np.log(p / q)))
    for value in (kl_divergence(p, q), kl_divergence(q, p), js_divergence(p, q)):
        assert 0.0 <= value <= 1e-15
    assert entropy(p) == pytest.approx(math.log(10**5), rel=1e-13)
    assert cross_entropy(p, q) >= entropy(p) - 1e-12
    assert naive == pytest.approx(0.0, abs=1e-14)


def test_js_never_exceeds_log2(rng):
    for _ in range(200):
        n = int(rng.integers(2, 40))
        support = rng.random(n) < 0.5
        p = normalise(np.where(support, rng.random(n) + 1e-3, 0.0) + (~support.any()) * 1.0)
        q = normalise(np.where(~support, rng.random(n) + 1e-3, 0.0) + support.all() * 1.0)
        js = js_divergence(p, q)
        assert 0.0 <= js <= LN2
        assert js_divergence(p, q, base=2) <= 1.0
