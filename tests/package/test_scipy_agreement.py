"""Agreement with scipy on random inputs.

scipy.stats.entropy works along axis 0 by default and renormalises silently; infotheory works
along the last axis and does not, so every comparison passes normalised inputs and an explicit
axis.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats
from scipy.spatial.distance import jensenshannon

from infotheory import (
    Gaussian,
    conditional_entropy,
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    entropy_from_logits,
    joint_entropy,
    js_divergence,
    kl_divergence,
    kl_divergence_continuous,
    kl_divergence_from_logits,
    kl_divergence_on_grid,
    log_softmax,
    mutual_information,
    softmax,
)


def random_distributions(rng, shape, zero_fraction=0.0):
    w = rng.random(shape) ** 3
    if zero_fraction:
        w = np.where(rng.random(shape) < zero_fraction, 0.0, w)
        w[..., 0] += 0.5  # never an all-zero row
    return w / w.sum(axis=-1, keepdims=True)


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("base", [None, 2, 10, np.e])
def test_entropy_matches_scipy(seed, base):
    rng = np.random.default_rng(seed)
    p = random_distributions(rng, (7, int(rng.integers(1, 300))), zero_fraction=0.3)
    np.testing.assert_allclose(
        entropy(p, base=base), stats.entropy(p, base=base, axis=-1), rtol=1e-12, atol=1e-15
    )
    # scipy's default axis is 0: the same as infotheory's axis=0 on the transpose
    np.testing.assert_allclose(
        entropy(p.T, axis=0, base=base), stats.entropy(p.T, base=base), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_matches_scipy_entropy_and_rel_entr(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    p = random_distributions(rng, (5, n), zero_fraction=0.2)
    q = random_distributions(rng, (5, n), zero_fraction=0.2 * (seed % 2))
    ours = kl_divergence(p, q)
    np.testing.assert_allclose(ours, stats.entropy(p, q, axis=-1), rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(ours, special.rel_entr(p, q).sum(axis=-1), rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(
        kl_divergence(p, q, base=2), stats.entropy(p, q, base=2, axis=-1), rtol=1e-11, atol=1e-14
    )
    np.testing.assert_allclose(
        kl_divergence(p.T, q.T, axis=0), stats.entropy(p.T, q.T), rtol=1e-11, atol=1e-14
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_infinite_kl_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    p = random_distributions(rng, (6, 10))
    q = random_distributions(rng, (6, 10), zero_fraction=0.5)
    ours = kl_divergence(p, q)
    theirs = special.rel_entr(p, q).sum(axis=-1)
    assert np.isinf(theirs).any()
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))
    np.testing.assert_allclose(ours[np.isfinite(ours)], theirs[np.isfinite(theirs)], rtol=1e-11)


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 100))
    p = random_distributions(rng, (4, n), zero_fraction=0.3)
    q = random_distributions(rng, (4, n))
    expected = stats.entropy(p, axis=-1) + stats.entropy(p, q, axis=-1)
    np.testing.assert_allclose(cross_entropy(p, q), expected, rtol=1e-11)
    expected = -(special.xlogy(p, q)).sum(axis=-1) / np.log(2)
    np.testing.assert_allclose(cross_entropy(p, q, base=2), expected, rtol=1e-11)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("base", [None, 2])
def test_js_is_the_square_of_scipy_jensenshannon(seed, base):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 150))
    p = random_distributions(rng, (5, n), zero_fraction=0.3)
    q = random_distributions(rng, (5, n), zero_fraction=0.3)
    expected = jensenshannon(p, q, axis=-1, base=base) ** 2
    np.testing.assert_allclose(js_divergence(p, q, base=base), expected, rtol=1e-9, atol=1e-15)


def test_js_of_disjoint_supports_matches_scipy():
    p, q = [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.3, 0.7]
    assert js_divergence(p, q, base=2) == pytest.approx(
        jensenshannon(p, q, base=2) ** 2, rel=1e-14
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_joint_functions_match_scipy(seed):
    rng = np.random.default_rng(seed)
    nx, ny = (int(v) for v in rng.integers(1, 9, size=2))
    joint = random_distributions(rng, nx * ny, zero_fraction=0.3).reshape(nx, ny)
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    assert joint_entropy(joint) == pytest.approx(
        stats.entropy(joint.ravel()), rel=1e-12, abs=1e-15
    )
    assert mutual_information(joint) == pytest.approx(
        stats.entropy(joint.ravel(), np.outer(px, py).ravel()), rel=1e-10, abs=1e-14
    )
    # H(Y|X) = sum_x p(x) H(Y | X = x)
    rows = [px[i] * stats.entropy(joint[i]) for i in range(nx) if px[i] > 0]
    assert conditional_entropy(joint) == pytest.approx(sum(rows), rel=1e-11, abs=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_log_softmax_match_scipy(seed, axis):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((6, 7, 8)) * 10 ** float(rng.uniform(-1, 3))
    np.testing.assert_allclose(
        softmax(x, axis=axis), special.softmax(x, axis=axis), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(
        log_softmax(x, axis=axis), special.log_softmax(x, axis=axis), rtol=1e-12, atol=1e-12
    )
    t = float(rng.uniform(0.2, 5))
    np.testing.assert_allclose(
        softmax(x, axis=axis, temperature=t),
        special.softmax(x / t, axis=axis),
        rtol=1e-11,
        atol=1e-300,
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_from_logits_functions_match_scipy(seed):
    rng = np.random.default_rng(seed)
    v = int(rng.integers(2, 500))
    x = rng.standard_normal((9, v)) * float(rng.uniform(0.1, 20))
    y = rng.standard_normal((9, v)) * float(rng.uniform(0.1, 20))
    t = rng.integers(0, v, 9)
    # cross-entropy: logsumexp(x) - x[target]
    expected = special.logsumexp(x, axis=-1) - x[np.arange(9), t]
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, reduction="none"), expected, rtol=1e-12
    )
    # label smoothing: (1 - eps) CE + eps * mean_k (logsumexp(x) - x_k)
    eps = 0.3
    smooth = special.logsumexp(x, axis=-1) - x.mean(axis=-1)
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, reduction="none", label_smoothing=eps),
        (1 - eps) * expected + eps * smooth,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        entropy_from_logits(x),
        stats.entropy(special.softmax(x, axis=-1), axis=-1),
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        kl_divergence_from_logits(x, y),
        stats.entropy(special.softmax(x, axis=-1), special.softmax(y, axis=-1), axis=-1),
        rtol=1e-9,
        atol=1e-12,
    )


def test_from_logits_with_masks_match_scipy():
    x = np.array([[0.0, -np.inf, 2.0, 1.0], [-np.inf, 3.0, -np.inf, 0.5]])
    p = special.softmax(x, axis=-1)
    np.testing.assert_allclose(softmax(x), p, rtol=1e-14)
    np.testing.assert_allclose(log_softmax(x), special.log_softmax(x, axis=-1), rtol=1e-14)
    np.testing.assert_allclose(entropy_from_logits(x), stats.entropy(p, axis=-1), rtol=1e-12)
    assert cross_entropy_from_logits(x, [2, 1], reduction="sum") == pytest.approx(
        -special.log_softmax(x, axis=-1)[[0, 1], [2, 1]].sum(), rel=1e-13
    )


@pytest.mark.parametrize("lower,upper", [(-1.0, 2.0), (0.5, np.inf), (-np.inf, -1.0), (3.0, 3.5)])
def test_normalized_continuous_kl_is_that_of_scipy_truncnorm(lower, upper):
    """normalize=True is the divergence between the truncated distributions; scipy's
    truncnorm objects integrate to 1 over the window, so they pass without it."""
    mp, sp, mq, sq = 0.3, 1.1, -0.4, 0.8
    tp = stats.truncnorm((lower - mp) / sp, (upper - mp) / sp, loc=mp, scale=sp)
    tq = stats.truncnorm((lower - mq) / sq, (upper - mq) / sq, loc=mq, scale=sq)
    expected, error = integrate.quad(
        lambda x: tp.pdf(x) * (tp.logpdf(x) - tq.logpdf(x)),
        lower,
        upper,
        epsabs=1e-14,
        epsrel=1e-12,
        limit=500,
    )
    assert error < 1e-10
    ours = kl_divergence_continuous(
        Gaussian(mp, sp), Gaussian(mq, sq), lower=lower, upper=upper, normalize=True
    )
    assert ours == pytest.approx(expected, rel=1e-9)
    assert kl_divergence_continuous(tp, tq, lower=lower, upper=upper) == pytest.approx(
        expected, rel=1e-9
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_normalized_grid_kl_is_scipy_entropy_of_the_trapezoid_masses(seed):
    """With trapezoid weights c, the grid divergence is that of the discrete c p and c q."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    x = np.cumsum(rng.uniform(0.01, 1.0, n))
    p, q = rng.random((4, n)) ** 2, rng.random(n) + 0.01
    c = np.zeros(n)
    c[:-1] += np.diff(x) / 2
    c[1:] += np.diff(x) / 2
    expected = stats.entropy((c * p).T, (c * q)[:, None])  # scipy renormalises, along axis 0
    np.testing.assert_allclose(
        kl_divergence_on_grid(p, q, x, normalize=True), expected, rtol=1e-11, atol=1e-14
    )
