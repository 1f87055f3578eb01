"""Property-based tests (hypothesis): the identities and inequalities of information theory."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from infotheory import (
    conditional_entropy,
    cross_entropy,
    entropy,
    entropy_from_logits,
    joint_entropy,
    js_divergence,
    kl_divergence,
    kl_divergence_from_logits,
    mutual_information,
    softmax,
)

from ._helpers import (
    HYPOTHESIS,
    LN2,
    distribution_pairs,
    distributions,
    joint_tables,
    logit_vectors,
    normalise,
    ref_entropy,
    ref_kl,
)


def close(a, b, rel=1e-9, abs_=1e-12):
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


# ------------------------------------------------ the strategies themselves


@HYPOTHESIS
@given(distributions())
def test_strategy_builds_valid_distributions(p):
    assert (p >= 0).all() and abs(p.sum() - 1) < 1e-14


# ------------------------------------------------------------ entropy


@HYPOTHESIS
@given(distributions(max_size=64))
def test_entropy_bounds(p):
    h = entropy(p)
    assert 0.0 <= h <= math.log(p.size) + 1e-12
    assert close(h, ref_entropy(p))


@HYPOTHESIS
@given(st.integers(1, 200))
def test_uniform_reaches_the_upper_bound(n):
    assert entropy(np.full(n, 1.0 / n)) == pytest.approx(math.log(n), rel=1e-13, abs=1e-15)


@HYPOTHESIS
@given(distributions(), st.data())
def test_permutation_invariance(p, data):
    perm = np.array(data.draw(st.permutations(range(p.size))))
    q = normalise(np.roll(p, 1) + 0.1)
    assert entropy(p[perm]) == pytest.approx(entropy(p), rel=1e-12, abs=1e-15)
    assert kl_divergence(p[perm], q[perm]) == pytest.approx(
        kl_divergence(p, q), rel=1e-10, abs=1e-14
    )
    assert js_divergence(p[perm], q[perm]) == pytest.approx(
        js_divergence(p, q), rel=1e-10, abs=1e-14
    )


@HYPOTHESIS
@given(distribution_pairs(), st.floats(1.001, 1e3))
def test_base_conversion(pair, base):
    p, q = pair
    assert entropy(p, base=2) == pytest.approx(entropy(p) / LN2, rel=1e-14, abs=1e-300)
    assert entropy(p, base=base) == pytest.approx(
        entropy(p) / math.log(base), rel=1e-13, abs=1e-300
    )
    ce = cross_entropy(p, q)
    assert close(cross_entropy(p, q, base=2), ce / LN2, rel=1e-14, abs_=0)
    assert close(
        kl_divergence(p, q, base=base), kl_divergence(p, q) / math.log(base), rel=1e-13, abs_=0
    )


# ------------------------------------------------------ KL and Gibbs


@HYPOTHESIS
@given(distribution_pairs())
def test_gibbs_inequality(pair):
    p, q = pair
    d = kl_divergence(p, q)
    assert d >= 0.0
    assert close(d, ref_kl(p, q), rel=1e-9, abs_=1e-12)
    assert cross_entropy(p, q) >= entropy(p) - 1e-12
    if np.array_equal(p, q):
        assert d == 0.0


@HYPOTHESIS
@given(distribution_pairs())
def test_cross_entropy_decomposes(pair):
    p, q = pair
    assert close(
        float(cross_entropy(p, q)), float(entropy(p) + kl_divergence(p, q)), rel=1e-10, abs_=1e-12
    )


@HYPOTHESIS
@given(distribution_pairs(q_covers_p=True))
def test_kl_is_finite_when_q_covers_p(pair):
    p, q = pair
    assert math.isfinite(kl_divergence(p, q))
    assert math.isfinite(cross_entropy(p, q))


@HYPOTHESIS
@given(distribution_pairs(zeros=False, max_size=64), st.data())
def test_round_off_never_gives_negative_divergences(pair, data):
    # p equals q up to a few ulps per entry: exactly where naive sums go below 0
    _, q = pair
    ulps = np.array(data.draw(st.lists(st.integers(-4, 4), min_size=q.size, max_size=q.size)))
    p = normalise(q * (1.0 + ulps * np.finfo(float).eps))
    assert kl_divergence(p, q) >= 0.0
    assert kl_divergence(q, p) >= 0.0
    assert js_divergence(p, q) >= 0.0
    assert kl_divergence_from_logits(np.log(p), np.log(q)) >= 0.0


# ----------------------------------------------------------------- JS


@HYPOTHESIS
@given(distribution_pairs())
def test_js_symmetric_bounded_and_defined(pair):
    p, q = pair
    js = js_divergence(p, q)
    assert 0.0 <= js <= LN2
    assert js_divergence(q, p) == pytest.approx(js, rel=1e-12, abs=1e-15)
    assert js_divergence(p, q, base=2) <= 1.0
    m = 0.5 * (p + q)
    assert close(js, 0.5 * ref_kl(p, m) + 0.5 * ref_kl(q, m), rel=1e-9, abs_=1e-12)


@HYPOTHESIS
@given(distributions(min_size=2, max_size=20), st.data())
def test_js_of_disjoint_supports_is_log_2(p, data):
    assume((p > 0).sum() < p.size)
    w = np.where(
        p > 0,
        0.0,
        np.array(data.draw(st.lists(st.floats(0.01, 1.0), min_size=p.size, max_size=p.size))),
    )
    q = normalise(w)
    assert js_divergence(p, q) == pytest.approx(LN2, rel=1e-12)


# ------------------------------------------------------------- joint


@HYPOTHESIS
@given(joint_tables())
def test_mutual_information_is_kl_from_product_of_marginals(joint):
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    mi = mutual_information(joint)
    assert mi >= 0.0
    product = np.outer(px, py).ravel()
    assert close(mi, ref_kl(joint.ravel(), product), rel=1e-9, abs_=1e-12)
    assert close(mi, ref_entropy(px) + ref_entropy(py) - ref_entropy(joint), rel=1e-8, abs_=1e-12)
    assert mi <= min(ref_entropy(px), ref_entropy(py)) + 1e-12
    # symmetric in X and Y
    assert close(mutual_information(joint.T), mi, rel=1e-12, abs_=1e-14)


@HYPOTHESIS
@given(joint_tables())
def test_chain_rule(joint):
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    h_xy = joint_entropy(joint)
    assert close(h_xy, ref_entropy(px) + conditional_entropy(joint), rel=1e-10, abs_=1e-12)
    assert close(h_xy, ref_entropy(py) + conditional_entropy(joint.T), rel=1e-10, abs_=1e-12)
    # conditioning reduces entropy; the gap is the mutual information
    h_y_given_x = conditional_entropy(joint)
    assert 0.0 <= h_y_given_x <= ref_entropy(py) + 1e-12
    assert close(ref_entropy(py) - h_y_given_x, mutual_information(joint), rel=1e-8, abs_=1e-12)
    assert h_xy <= ref_entropy(px) + ref_entropy(py) + 1e-12


@HYPOTHESIS
@given(distributions(max_size=8), distributions(max_size=8))
def test_independent_tables(px, py):
    joint = np.outer(px, py)
    assert mutual_information(joint) == pytest.approx(0.0, abs=1e-13)
    assert joint_entropy(joint) == pytest.approx(
        ref_entropy(px) + ref_entropy(py), rel=1e-10, abs=1e-13
    )
    assert conditional_entropy(joint) == pytest.approx(ref_entropy(py), rel=1e-10, abs=1e-13)


# ------------------------------------------------------------ logits


@HYPOTHESIS
@given(logit_vectors())
def test_entropy_from_logits_is_entropy_of_softmax(x):
    assert close(entropy_from_logits(x), entropy(softmax(x)), rel=1e-9, abs_=1e-12)
    assert 0.0 <= entropy_from_logits(x) <= math.log(np.isfinite(x).sum()) + 1e-12


@HYPOTHESIS
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(logit_vectors(n=n, bound=20.0), logit_vectors(n=n, bound=20.0))
    )
)
def test_kl_from_logits_is_kl_of_softmaxes(pair):
    a, b = pair
    d = kl_divergence_from_logits(a, b)
    assert d >= 0.0
    assert close(d, kl_divergence(softmax(a), softmax(b)), rel=1e-8, abs_=1e-10)


@HYPOTHESIS
@given(logit_vectors(masks=False), st.floats(-1e4, 1e4))
def test_logits_are_shift_invariant(x, shift):
    assert entropy_from_logits(x + shift) == pytest.approx(
        entropy_from_logits(x), rel=1e-8, abs=1e-9
    )
    np.testing.assert_allclose(softmax(x + shift), softmax(x), rtol=1e-8, atol=1e-12)
