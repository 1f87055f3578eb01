"""entropy, cross_entropy, kl_divergence and js_divergence against hand-computed values.

It is long because the four functions share their references and edge cases, and are
tested together on each of them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

try:  # bfloat16 from ml_dtypes, when installed (not inside Pyodide)
    from ml_dtypes import bfloat16

    BFLOAT16: tuple = (bfloat16,)
except ImportError:
    BFLOAT16 = ()

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
        (
            lambda: cross_entropy(p, q),
            lambda i, j: ref_entropy(p[i, j]) + ref_kl(p[i, j], q[i, j]),
        ),
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
        assert kl_divergence(p, q, axis=0)[j] == pytest.approx(ref_kl(p[:, j], q[:, j]), rel=1e-12)
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


# ------------------------------------------------- accuracy when p ~ q


def ref_js(p, q) -> float:
    """JS of one pair from its own series: sum of s/4 g(t), s = p + q, t = (p - q)/s.

    g(t) = (1+t) log(1+t) + (1-t) log(1-t) = sum_k t^(2k) / (k (2k-1)): all terms
    positive, so the series is accurate however small t is (it is the regime where the
    textbook formula cancels); |t| >= 1/2 uses the textbook form, which is accurate there.
    """
    terms = []
    for a, b in zip(np.ravel(p), np.ravel(q)):
        s = float(a) + float(b)
        if s == 0:
            continue
        t = (float(a) - float(b)) / s
        if abs(t) < 0.5:
            g = math.fsum(t ** (2 * k) / (k * (2 * k - 1)) for k in range(1, 60))
        else:
            g = sum(v * math.log(v) for v in (1 + t, 1 - t) if v > 0)
        terms.append(s * g / 4)
    return math.fsum(terms)


def ref_kl_close(p, q) -> float:
    """KL of one pair as sum q phi(d/q) + sum (p - q), phi(x) = (1+x) log1p(x) - x >= 0.

    The differences p - q are exact here (close numbers), and phi comes from its series
    for small x: accurate when p ~ q, where sum p log(p/q) cancels to second order.
    """
    terms, diffs = [], []
    for a, b in zip(np.ravel(p), np.ravel(q)):
        a, b = float(a), float(b)
        diffs.append(a - b)
        x = (a - b) / b
        if abs(x) < 0.5:
            phi = math.fsum((-1) ** k * x**k / (k * (k - 1)) for k in range(2, 80))
        else:
            phi = (1 + x) * math.log1p(x) - x
        terms.append(b * phi)
    return math.fsum(terms) + math.fsum(diffs)


@pytest.mark.parametrize("delta", [1e-9, 1e-6, 1e-3, 0.03, 0.3, 1.0, 4.0])
def test_js_is_accurate_however_close_p_and_q_are(delta):
    """Regression: the textbook sum cancelled when p ~ q, keeping only the digits by
    which JS exceeds the machine epsilon (relative error 1e-10 at JS ~ 1e-9, 100% at 1e-19)."""
    rng = np.random.default_rng(int(delta * 1e9) % 2**32)
    for _ in range(10):
        n = int(rng.integers(2, 300))
        q = rng.dirichlet(np.full(n, 0.5))
        p = q * np.exp(delta * rng.standard_normal(n))
        p /= p.sum()
        expected = ref_js(p, q)
        assert expected > 0
        assert js_divergence(p, q) == pytest.approx(expected, rel=5e-15, abs=0)
        assert js_divergence(q, p) == pytest.approx(expected, rel=5e-15, abs=0)


def test_js_next_to_a_point_mass_keeps_its_digits():
    """Regression: js([1, 0], [1 - 1e-16, 1e-16]) was 0; it is 1e-16 ln 2 / 2."""
    q = [1.0 - 1e-16, 1e-16]
    assert js_divergence([1.0, 0.0], q) == pytest.approx(ref_js([1.0, 0.0], q), rel=1e-14, abs=0)
    assert js_divergence([1.0, 0.0], q) == pytest.approx(1e-16 * LN2 / 2, rel=1e-10, abs=0)


@pytest.mark.parametrize("delta", [1e-3, 0.03, 0.3, 2.0])
def test_kl_terms_keep_their_accuracy_when_p_is_close_to_q(delta):
    """KL's terms are p log1p((p - q)/q): 500 times more accurate than log(p/q) at KL ~ 1e-6."""
    rng = np.random.default_rng(int(delta * 1e6))
    for _ in range(10):
        n = int(rng.integers(5, 300))
        q = rng.dirichlet(np.ones(n))
        p = q * np.exp(delta * rng.standard_normal(n))
        p /= p.sum()
        assert kl_divergence(p, q) == pytest.approx(ref_kl_close(p, q), rel=2e-13, abs=0)


def test_identical_inputs_give_exactly_zero_in_every_layout():
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(1000), size=40)  # 40 000 entries: the blocked path
    for fn in (kl_divergence, js_divergence):
        np.testing.assert_array_equal(fn(p, p), 0.0)
        np.testing.assert_array_equal(fn(p.T, np.asfortranarray(p.T), axis=0), 0.0)
        np.testing.assert_array_equal(fn(p[::2], p[::2]), 0.0)
    assert cross_entropy(p, p) == pytest.approx(entropy(p), rel=1e-15, abs=0)


# ---------------------------------------- extreme values: no warning, no NaN

EXTREMES = [
    ([5e-324, 1.0], [1.0, 5e-324]),
    ([1e-300, 1.0 - 1e-300], [1.0, 0.0]),
    ([1.0, 0.0], [1e-300, 1.0]),
    ([2.2e-308, 1.0], [1e-310, 1.0]),
    ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5]),
    ([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]),
    ([1e-20, 1.0], [1e-200, 1.0]),
    ([0.25, 0.75], [0.25, 0.75]),
]


@pytest.mark.parametrize("p,q", EXTREMES)
def test_extreme_probabilities_give_valid_results(p, q):
    with no_runtime_warnings():
        for value in (entropy(p), entropy(q)):
            assert 0.0 <= value <= math.log(len(p))
        ce, kl, js = cross_entropy(p, q), kl_divergence(p, q), js_divergence(p, q)
    assert not np.isnan([ce, kl, js]).any()
    assert ce >= 0.0 and kl >= 0.0 and 0.0 <= js <= LN2
    assert kl == pytest.approx(ref_kl(p, q), rel=1e-12, abs=1e-300)
    assert js == pytest.approx(ref_js(p, q), rel=1e-12, abs=1e-300)
    if np.isfinite(kl):
        assert ce == pytest.approx(ref_entropy(p) + ref_kl(p, q), rel=1e-12, abs=1e-300)


def test_extreme_ratios_in_the_blocked_path():
    """Ratios p / q beyond 1 / eps round t = (p - q)/(p + q) to +-1: still finite and right."""
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(500), size=64)
    q = p.copy()
    q[:, 0] *= 1e-30  # a ratio of 1e30, with no zero anywhere
    q /= q.sum(axis=1, keepdims=True)
    with no_runtime_warnings():
        js, kl = js_divergence(p, q), kl_divergence(p, q)
    for i in (0, 31, 63):
        assert js[i] == pytest.approx(ref_js(p[i], q[i]), rel=1e-13, abs=0)
        assert kl[i] == pytest.approx(ref_kl(p[i], q[i]), rel=1e-12, abs=0)


def test_sparse_rows_in_the_blocked_path():
    rng = np.random.default_rng(4)
    p = rng.random((100, 400)) * (rng.random((100, 400)) < 0.3)
    q = rng.random((100, 400)) * (rng.random((100, 400)) < 0.3)
    p[:, 0] += 1.0
    q[:, 1] += 1.0
    p /= p.sum(axis=1, keepdims=True)
    q /= q.sum(axis=1, keepdims=True)
    p[5] = q[5]  # one row equal, zeros and all
    with no_runtime_warnings():
        h, ce, kl, js = entropy(p), cross_entropy(p, q), kl_divergence(p, q), js_divergence(p, q)
    assert js[5] == 0.0 and kl[5] == 0.0
    for i in (0, 5, 99):
        assert h[i] == pytest.approx(ref_entropy(p[i]), rel=1e-13, abs=0)
        assert js[i] == pytest.approx(ref_js(p[i], q[i]), rel=1e-13, abs=1e-300)
        assert kl[i] == ref_kl(p[i], q[i]) or kl[i] == pytest.approx(
            ref_kl(p[i], q[i]), rel=1e-12, abs=0
        )
        if np.isfinite(ce[i]):
            assert ce[i] == pytest.approx(ref_entropy(p[i]) + ref_kl(p[i], q[i]), rel=1e-12, abs=0)
    assert np.isinf(kl).sum() == np.isinf(ce).sum() > 0


def test_js_mixes_close_and_distant_rows_in_one_block():
    rng = np.random.default_rng(5)
    q = rng.dirichlet(np.ones(50), size=400)  # 20 000 entries: several rows per block
    p = rng.dirichlet(np.ones(50), size=400)
    p[::2] = q[::2] * (1 + 1e-7 * rng.standard_normal((200, 50)))
    p /= p.sum(axis=1, keepdims=True)
    js = js_divergence(p, q)
    for i in range(0, 400, 37):
        assert js[i] == pytest.approx(ref_js(p[i], q[i]), rel=5e-15, abs=0)


def test_a_huge_batch_of_small_distributions():
    p = np.tile([0.5, 0.25, 0.25], (300_000, 1))
    h = entropy(p, base=2)
    assert h.shape == (300_000,)
    np.testing.assert_array_equal(h, 1.5)
    np.testing.assert_array_equal(js_divergence(p, p[0]), 0.0)


# ------------------------------------------------- empty batches


@pytest.mark.parametrize("shape", [(0, 3), (0, 2, 5), (2, 0, 4)])
def test_an_empty_batch_gives_an_empty_result(shape):
    """Decided: a batch of zero distributions is valid and gives an empty float64 array,
    as numpy's reductions do (it used to be a ValueError)."""
    p = np.zeros(shape)
    n = shape[-1]
    with no_runtime_warnings():
        for out in (
            entropy(p),
            cross_entropy(p, np.full(n, 1 / n)),
            kl_divergence(p, p),
            js_divergence(np.full(n, 1 / n), p, base=2),
        ):
            assert isinstance(out, np.ndarray) and out.dtype == np.float64
            assert out.shape == shape[:-1]
    # the batch dimensions still broadcast: (0, 1) against (3,) gives (0, 3)
    assert kl_divergence(np.zeros((0, 1, n)), np.full((3, n), 1 / n)).shape == (0, 3)
    # along axis 0, a (3, 0) array is an empty batch of 3-outcome distributions
    assert entropy(np.zeros((3, 0)), axis=0).shape == (0,)


def test_an_empty_batch_still_checks_the_other_argument():
    with pytest.raises(ValueError, match="^q does not sum to 1"):
        kl_divergence(np.zeros((0, 3)), [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="^q contains NaN"):
        js_divergence(np.zeros((0, 2)), [np.nan, 1.0])
    with pytest.raises(ValueError, match="p and q must have the same number of outcomes"):
        kl_divergence(np.zeros((0, 3)), [0.5, 0.5])


@pytest.mark.parametrize("fn", [entropy, cross_entropy, kl_divergence, js_divergence])
def test_zero_outcomes_is_an_error(fn):
    args = (np.zeros((3, 0)),) if fn is entropy else (np.zeros((3, 0)), np.zeros((3, 0)))
    with pytest.raises(ValueError, match=r"^p is empty: no outcomes along axis -1 \(shape"):
        fn(*args)


# ------------------------------------------------- the blocked path


def _pairs(rng, rows, cols):
    p = rng.dirichlet(np.ones(cols), size=rows)
    q = rng.dirichlet(np.ones(cols), size=rows)
    return p, q


ALL = [entropy, cross_entropy, kl_divergence, js_divergence]


def _call(fn, p, q, **kw):
    return fn(p, **kw) if fn is entropy else fn(p, q, **kw)


@pytest.mark.parametrize("fn", ALL)
def test_every_layout_gives_the_same_numbers(fn):
    """Strided, Fortran-ordered, transposed and broadcast inputs are read a block at a
    time (never copied whole) and give exactly the contiguous array's results."""
    rng = np.random.default_rng(6)
    p, q = _pairs(rng, 64, 1000)
    expected = _call(fn, p, q)
    np.testing.assert_array_equal(_call(fn, np.asfortranarray(p), np.asfortranarray(q)), expected)
    np.testing.assert_array_equal(_call(fn, p.T, q.T, axis=0), expected)
    np.testing.assert_array_equal(_call(fn, np.asfortranarray(p.T), q.T.copy(), axis=-2), expected)
    wide_p, wide_q = np.zeros((128, 1000)), np.zeros((128, 2000))
    wide_p[::2], wide_q[:64, ::2] = p, q
    np.testing.assert_array_equal(_call(fn, wide_p[::2], wide_q[:64, ::2]), expected)
    # a 3-D batch with the outcomes in the middle
    cube_p = np.ascontiguousarray(p.reshape(8, 8, 1000).transpose(0, 2, 1))
    cube_q = np.ascontiguousarray(q.reshape(8, 8, 1000).transpose(0, 2, 1))
    np.testing.assert_array_equal(_call(fn, cube_p, cube_q, axis=1), expected.reshape(8, 8))
    if fn is not entropy:  # one q against the batch, and a batch of q against one p
        np.testing.assert_array_equal(fn(p, q[3]), [fn(row, q[3]) for row in p])
        np.testing.assert_array_equal(
            fn(p[:8, None], q[None, :8]), [[fn(a, b) for b in q[:8]] for a in p[:8]]
        )


@pytest.mark.parametrize("fn", ALL)
def test_every_dtype_is_widened_block_by_block(fn):

    rng = np.random.default_rng(7)
    p, q = _pairs(rng, 40, 1000)
    for dtype in (np.float32, np.float16, np.longdouble, *BFLOAT16):
        pd, qd = p.astype(dtype), q.astype(dtype)
        exact_p, exact_q = pd.astype(np.float64), qd.astype(np.float64)
        np.testing.assert_array_equal(
            _call(fn, pd, qd, normalize=True), _call(fn, exact_p, exact_q, normalize=True)
        )
    counts_p, counts_q = rng.integers(1, 9, (40, 1000)), rng.integers(1, 9, (40, 1000))
    np.testing.assert_array_equal(
        _call(fn, counts_p.astype(np.uint8), counts_q, normalize=True),
        _call(
            fn,
            counts_p / counts_p.sum(1, keepdims=True),
            counts_q / counts_q.sum(1, keepdims=True),
        ),
    )


@pytest.mark.parametrize("fn", ALL)
def test_threads_do_not_change_the_results(fn, monkeypatch):
    rng = np.random.default_rng(8)
    p, q = _pairs(rng, 300, 4000)  # 1.2 M entries: several threads
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "1")
    one = _call(fn, p, q)
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", "3")
    np.testing.assert_array_equal(_call(fn, p, q), one)


@pytest.mark.parametrize("fn", ALL)
def test_rows_longer_than_a_block_are_split_in_tiles(fn):
    rng = np.random.default_rng(9)
    p, q = _pairs(rng, 3, 300_001)  # 2.4 MB rows: three tiles each
    got = _call(fn, p, q)
    assert got.shape == (3,)
    # each row alone (1-D), the same split: the same numbers
    np.testing.assert_array_equal(got, [_call(fn, p[i], q[i]) for i in range(3)])
    if fn is entropy:
        np.testing.assert_allclose(got, [ref_entropy(row) for row in p], rtol=1e-13)
    elif fn is kl_divergence:
        np.testing.assert_allclose(got, [ref_kl(a, b) for a, b in zip(p, q)], rtol=1e-12)
    elif fn is cross_entropy:
        np.testing.assert_allclose(
            got, [ref_entropy(a) + ref_kl(a, b) for a, b in zip(p, q)], rtol=1e-12
        )
    # normalized: the scale comes from a first pass over the tiles; and a broadcast q
    np.testing.assert_allclose(_call(fn, p * 1e300, q * 3.0, normalize=True), got, rtol=1e-13)
    if fn is not entropy:
        np.testing.assert_array_equal(fn(p, q[0]), [fn(p[i], q[0]) for i in range(3)])


def test_long_rows_are_checked_across_their_tiles():
    rng = np.random.default_rng(10)
    p = rng.dirichlet(np.ones(300_000), size=2)
    bad = p.copy()
    bad[1, 250_000] = np.nan  # in the last tile of the last row
    with pytest.raises(ValueError, match="^p contains NaN"):
        entropy(bad)
    bad = p * 1.001  # each tile is plausible, the whole row is not
    with pytest.raises(ValueError, match=r"^p does not sum to 1 along axis -1 \(a sum of 1\.00"):
        entropy(bad)
    with pytest.raises(ValueError, match="^q sums to 0"):
        kl_divergence(p, np.zeros(300_000), normalize=True)


@pytest.mark.parametrize("fn", ALL)
def test_errors_in_a_later_block_are_found(fn):
    rng = np.random.default_rng(11)
    p, q = _pairs(rng, 2000, 100)  # 200 000 entries: many blocks
    for arg, where, value, match in [
        ("p", 1900, np.nan, "contains NaN"),
        ("q", 1500, -1e-3, "has negative entries"),
        ("p", 1999, np.inf, "contains infinite values"),
    ]:
        if fn is entropy and arg == "q":
            continue
        bad_p, bad_q = p.copy(), q.copy()
        (bad_p if arg == "p" else bad_q)[where, 7] = value
        with pytest.raises(ValueError, match=f"^{arg} {match}"):
            _call(fn, bad_p, bad_q)
    bad_p = p.copy()
    bad_p[1999] *= 1 + 3e-7
    with pytest.raises(ValueError, match=r"^p does not sum to 1 .* pass tol=1e-6"):
        _call(fn, bad_p, q)
    assert np.isfinite(_call(fn, bad_p, q, tol=1e-6)).all()
