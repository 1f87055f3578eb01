"""Continuous KL: Gaussian closed form, grid, adaptive integration, mixtures and Gaussian fits.

References are scipy.integrate.quad and scipy.optimize.minimize over integrands written here
with the math module, and closed forms.

It is long because the continuous functions share their references (scipy's quad, high
precision) and their edge cases (extreme scales, mass checks), defined once here.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from infotheory import (
    Gaussian,
    GaussianFit,
    GaussianMixture,
    fit_gaussian_forward_kl,
    fit_gaussian_reverse_kl,
    kl_divergence_continuous,
    kl_divergence_gaussian,
    kl_divergence_on_grid,
)
from infotheory._numerics import integrate as np_integrate
from infotheory._numerics import minimize as np_minimize

from ._helpers import LN2, no_runtime_warnings, ref_kl

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)

# The bimodal truth of the forward-vs-reverse page and the broad model.
BIMODAL = ((0.5, 0.5), (-2.2, 2.2), (0.7, 0.7))
BROAD = (0.0, 1.5)


def normal_logpdf(x: float, mean: float, std: float) -> float:
    z = (x - mean) / std
    return -0.5 * z * z - math.log(std) - LOG_SQRT_2PI


def mixture_logpdf(x: float, weights, means, stds) -> float:
    terms = [math.log(w) + normal_logpdf(x, m, s) for w, m, s in zip(weights, means, stds)]
    top = max(terms)
    return top + math.log(math.fsum(math.exp(t - top) for t in terms))


def quad_kl(log_p, log_q, lower=-math.inf, upper=math.inf) -> float:
    """D(P||Q) over [lower, upper] by scipy's QUADPACK, from log-densities."""

    def integrand(x):
        lp = log_p(x)
        return math.exp(lp) * (lp - log_q(x))

    value, error = integrate.quad(integrand, lower, upper, epsabs=1e-13, epsrel=1e-12, limit=500)
    assert error < 1e-9
    return value


def quad_kl_normalized(log_p, log_q, lower, upper) -> float:
    """D of P and Q truncated to [lower, upper] and renormalised there, by QUADPACK."""
    opts = {"epsabs": 1e-14, "epsrel": 1e-12, "limit": 500}
    log_zp = math.log(integrate.quad(lambda x: math.exp(log_p(x)), lower, upper, **opts)[0])
    log_zq = math.log(integrate.quad(lambda x: math.exp(log_q(x)), lower, upper, **opts)[0])
    return quad_kl(lambda x: log_p(x) - log_zp, lambda x: log_q(x) - log_zq, lower, upper)


def log_bimodal(x):
    return mixture_logpdf(x, *BIMODAL)


def log_broad(x):
    return normal_logpdf(x, *BROAD)


# --------------------------------------------------------- Gaussian closed form


def test_gaussian_kl_hand_values():
    assert kl_divergence_gaussian(0.0, 1.0, 1.0, 1.0) == pytest.approx(0.5, rel=1e-15)
    assert kl_divergence_gaussian(0.0, 1.0, 0.0, 2.0) == pytest.approx(
        math.log(2) + 1 / 8 - 1 / 2, rel=1e-14
    )
    assert kl_divergence_gaussian(0.0, 2.0, 0.0, 1.0) == pytest.approx(
        -math.log(2) + 4 / 2 - 1 / 2, rel=1e-14
    )
    assert kl_divergence_gaussian(3.0, 1.0, 0.0, 1.0, base=2) == pytest.approx(4.5 / LN2)
    assert kl_divergence_gaussian(1.3, 0.4, 1.3, 0.4) == 0.0


@pytest.mark.parametrize("seed", range(8))
def test_gaussian_kl_against_quad(seed):
    rng = np.random.default_rng(seed)
    mp, mq = rng.normal(0, 2, 2)
    sp, sq = rng.uniform(0.3, 3, 2)
    expected = quad_kl(lambda x: normal_logpdf(x, mp, sp), lambda x: normal_logpdf(x, mq, sq))
    assert kl_divergence_gaussian(mp, sp, mq, sq) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_gaussian_kl_broadcasts_and_types():
    out = kl_divergence_gaussian([0.0, 1.0], 1.0, 0.0, [[1.0], [2.0]])
    assert out.shape == (2, 2)
    expected = [[0.0, 0.5], [math.log(2) + 1 / 8 - 1 / 2, math.log(2) + 2 / 8 - 1 / 2]]
    np.testing.assert_allclose(out, expected, rtol=1e-14, atol=1e-16)
    assert isinstance(kl_divergence_gaussian(0, 1, 0, 2), np.float64)


def test_gaussian_kl_is_never_negative():
    for s in np.linspace(0.1, 10, 200):
        for eps in (0.0, 1e-16, -1e-16, 1e-15):
            assert kl_divergence_gaussian(0.1, s, 0.1 + eps, s * (1 + eps)) >= 0.0


def test_narrow_model_is_punished_more_than_wide_one():
    assert kl_divergence_gaussian(0, 1, 0, 0.5) > kl_divergence_gaussian(0, 1, 0, 2.0)


def decimal_gaussian_kl(mp, sp, mq, sq) -> Decimal:
    """The textbook formula in 80-digit decimal arithmetic, where nothing overflows.

    The location term is added last, so that a tiny one (1e-200) is not lost in the
    rounding of the 0.5s of the spread term.
    """
    with localcontext() as ctx:
        ctx.prec = 80
        mp, sp, mq, sq = (Decimal(float(v)) for v in (mp, sp, mq, sq))
        spread = (sq / sp).ln() + (sp / sq) ** 2 / 2 - Decimal(1) / 2
        return spread + ((mp - mq) / sq) ** 2 / 2


EXTREME_STDS = [
    5e-324,
    1e-310,
    1e-300,
    1e-200,
    1e-100,
    1e-8,
    1.0,
    3.7,
    1e8,
    1e100,
    1e200,
    1e300,
    1.7e308,
]
EXTREME_MEANS = [
    (0.0, 0.0),
    (0.0, 2.5),
    (1e-300, 0.0),
    (1e300, -1e300),
    (-1e100, 1e100),
    (1.5e308, -1.5e308),
    (1e300, 1e300 * (1 + 2.0**-50)),
]
FLOAT_MAX = Decimal(np.finfo(np.float64).max)
FLOAT_TINY = Decimal(np.finfo(np.float64).tiny)


def assert_matches_decimal(got, mp, sp, mq, sq):
    for g, args in zip(np.ravel(got), np.broadcast(mp, sp, mq, sq), strict=True):
        ref = decimal_gaussian_kl(*args)
        if ref > FLOAT_MAX:
            assert g == np.inf, (args, g, ref)
        elif ref < FLOAT_TINY:  # subnormal or below: only absolute accuracy is possible
            assert abs(Decimal(float(g)) - ref) <= Decimal("1e-315"), (args, g, ref)
        else:
            assert abs(Decimal(float(g)) - ref) <= Decimal("1e-12") * ref, (args, g, ref)


def test_gaussian_kl_at_extreme_scales_matches_high_precision():
    """Regression: std_p=1e-200, std_q=1e200 (and similar) gave NaN, inf or warnings."""
    sp, sq = np.meshgrid(EXTREME_STDS, EXTREME_STDS, indexing="ij")
    for mp, mq in EXTREME_MEANS:
        with no_runtime_warnings():
            got = kl_divergence_gaussian(mp, sp, mq, sq)
        assert not np.isnan(got).any()
        assert_matches_decimal(got, mp, sp, mq, sq)
    with no_runtime_warnings():
        assert kl_divergence_gaussian(0.0, 1e-200, 0.0, 1e200) == pytest.approx(
            400 * math.log(10) - 0.5, rel=1e-15
        )
        assert kl_divergence_gaussian(0.0, 1e300, 0.0, 1e-300) == np.inf
        assert kl_divergence_gaussian(1e300, 1.0, -1e300, 1.0) == np.inf
        # z = 1.8e154: z**2 overflows, z**2 / 2 does not
        got = kl_divergence_gaussian(0.9e154, 1.0, -0.9e154, 1.0)
    assert np.isfinite(got)
    assert_matches_decimal(got, 0.9e154, 1.0, -0.9e154, 1.0)


def test_gaussian_kl_of_nearly_equal_gaussians_keeps_its_digits():
    """The textbook formula cancels for sigma_p close to sigma_q; the series does not."""
    sq = np.array([1e-300, 1.0, 3.0, 1e300])[:, None]
    k = np.arange(1, 53)
    sp = sq * (1 + np.concatenate([2.0**-k, -(2.0**-k)]))[None, :]
    with no_runtime_warnings():
        got = kl_divergence_gaussian(0.0, sp, 0.0, sq)
    assert_matches_decimal(got, 0.0, sp, 0.0, sq)
    assert (got > 0).all()  # as small as 2**-106 / 2, still not rounded to 0


def test_gaussian_kl_in_a_base_near_one_overflows_to_inf_quietly():
    with no_runtime_warnings():
        assert kl_divergence_gaussian(0, 1, 1e150, 1, base=1 + 1e-15) == np.inf


def test_gaussian_kl_shapes_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match="mean_p, std_p, mean_q and std_q must broadcast"):
        kl_divergence_gaussian([0.0, 1.0], 1.0, [0.0, 1.0, 2.0], 1.0)
    with pytest.raises(TypeError, match="std_q must hold real numbers"):
        kl_divergence_gaussian(0.0, 1.0, 0.0, True)


# --------------------------------------------------------------------- on a grid


def test_grid_demo_value():
    p = GaussianMixture(*BIMODAL)
    q = Gaussian(*BROAD)
    x = np.linspace(-6.0, 6.0, 4001)
    # Q has 6.3e-5 of its mass outside [-6, 6]: refused, unless renormalised
    with pytest.raises(ValueError, match=r"q integrates to 0\.99993666 over the grid"):
        kl_divergence_on_grid(p.pdf(x), q.pdf(x), x)
    with pytest.raises(ValueError, match=r"p integrates to 0\.99993666 over the grid"):
        kl_divergence_on_grid(q.pdf(x), p.pdf(x), x)
    forward = kl_divergence_on_grid(p.pdf(x), q.pdf(x), x, normalize=True)
    reverse = kl_divergence_on_grid(q.pdf(x), p.pdf(x), x, normalize=True)
    assert round(float(forward), 3) == 0.756
    assert round(float(reverse), 3) == 1.243
    # the trapezoid rule agrees with adaptive integration of the truncated densities
    assert forward == pytest.approx(
        kl_divergence_continuous(p, q, lower=-6, upper=6, normalize=True), rel=1e-7
    )
    assert reverse == pytest.approx(
        kl_divergence_continuous(q, p, lower=-6, upper=6, normalize=True), rel=1e-7
    )
    # a grid that holds both densities needs no renormalising, and gives the whole-line value
    x = np.linspace(-12.0, 12.0, 8001)
    assert kl_divergence_on_grid(p.pdf(x), q.pdf(x), x) == pytest.approx(
        kl_divergence_continuous(p, q), rel=1e-9
    )


def test_grid_is_the_trapezoid_rule_of_rel_entr(rng):
    x = np.sort(rng.uniform(-3, 3, 50))
    p = rng.random(50)
    q = rng.random(50) + 0.01
    p_n, q_n = p / integrate.trapezoid(p, x), q / integrate.trapezoid(q, x)
    expected = integrate.trapezoid(special.rel_entr(p_n, q_n), x)
    assert kl_divergence_on_grid(p_n, q_n, x) == pytest.approx(expected, rel=1e-13)
    assert kl_divergence_on_grid(p_n, q_n, x, base=2) == pytest.approx(expected / LN2, rel=1e-13)
    assert kl_divergence_on_grid(p, q, x, normalize=True) == pytest.approx(expected, rel=1e-13)


def test_grid_converges_to_the_closed_form():
    x = np.linspace(-12, 12, 20001)
    p = stats.norm.pdf(x, 0.5, 1.2)
    q = stats.norm.pdf(x, -0.3, 1.7)
    assert kl_divergence_on_grid(p, q, x) == pytest.approx(
        kl_divergence_gaussian(0.5, 1.2, -0.3, 1.7), rel=1e-6
    )


def test_grid_batches_zeros_and_infinities():
    x = np.linspace(0, 1, 5)
    # every row integrates to 1 by the trapezoid rule (spacing 0.25)
    p = np.array([[1.0, 1.0, 1.0, 1.0, 1.0], [0, 2.0, 2.0, 0, 0], [0, 0, 0, 2.0, 4.0]])
    q = np.array([2.0, 1.0, 0.5, 1.5, 0.0])
    with no_runtime_warnings():
        out = kl_divergence_on_grid(p, q, x)
    assert out.shape == (3,)
    assert out[0] == np.inf  # p > 0 = q at x = 1
    f = [0.0, 2 * math.log(2), 2 * math.log(4), 0.0, 0.0]  # p = 0 where q = 0: no term
    assert out[1] == pytest.approx(integrate.trapezoid(f, x), rel=1e-14)
    assert out[2] == np.inf
    assert isinstance(kl_divergence_on_grid(p[1], q, x), np.float64)
    # batches broadcast: one p against two models
    out = kl_divergence_on_grid(p[1], np.stack([q, np.ones(5)]), x)
    assert out.shape == (2,)
    assert out[1] == pytest.approx(integrate.trapezoid(special.xlogy(p[1], p[1]), x), rel=1e-14)


def test_grid_refuses_a_density_that_is_zero_everywhere():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match=r"p integrates to 0 over the grid"):
        kl_divergence_on_grid(np.zeros(5), np.ones(5), x)
    with pytest.raises(ValueError, match="q integrates to 0.0 .* cannot be normalized"):
        kl_divergence_on_grid(np.ones(5), np.zeros(5), x, normalize=True)


def test_grid_with_subnormal_density_is_finite():
    """Regression: p / q overflowed for a subnormal q (RuntimeWarning, inf)."""
    with no_runtime_warnings():
        got = kl_divergence_on_grid([1.0, 1.0], [1e-320, 2.0], [0.0, 1.0])
    assert got == pytest.approx(0.5 * (-math.log(1e-320) - math.log(2.0)), rel=1e-12)


def test_grid_refuses_densities_that_do_not_integrate_to_one():
    """Regression: half a density against the whole one gave -log(2) / 2 < 0."""
    with pytest.raises(
        ValueError,
        match=r"p integrates to 0\.5 over the grid \[0\.0, 1\.0\] "
        r"by the trapezoid rule, not to 1 \(tolerance 1e-06\)"
        ".*pass normalize=True",
    ):
        kl_divergence_on_grid([0.5, 0.5], [1.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"q integrates to 2 over the grid"):
        kl_divergence_on_grid([1.0, 1.0], [2.0, 2.0], [0.0, 1.0])
    assert kl_divergence_on_grid([0.5, 0.5], [1.0, 1.0], [0.0, 1.0], normalize=True) == 0.0
    # in a batch, the row furthest from 1 is the one reported
    with pytest.raises(ValueError, match=r"p integrates to 0\.9 over the grid"):
        kl_divergence_on_grid([[1.0, 1.0], [0.9, 0.9], [1.0, 1.0 + 1e-7]], [1.0, 1.0], [0.0, 1.0])


def test_grid_within_the_tolerance_is_used_as_given_and_never_negative():
    x = np.linspace(0.0, 1.0, 11)
    p = np.full(11, 1.0 - 5e-7)  # mass 1 - 5e-7: accepted, and D = (1 - eps) log(1 - eps) < 0
    with no_runtime_warnings():
        assert kl_divergence_on_grid(p, np.ones(11), x) == 0.0
    assert kl_divergence_on_grid(p, np.ones(11), x, normalize=True) == pytest.approx(
        0.0, abs=1e-15
    )


def test_grid_normalize_gives_the_discrete_divergence_of_the_trapezoid_weights(rng):
    x = np.sort(rng.uniform(-2.0, 2.0, 40))
    p, q = rng.random((3, 40)), rng.random(40) + 0.05
    c = np.zeros(40)
    c[:-1] += np.diff(x) / 2
    c[1:] += np.diff(x) / 2
    got = kl_divergence_on_grid(p, q, x, normalize=True)
    expected = [ref_kl(c * row / (c @ row), c * q / (c @ q)) for row in p]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: kl_divergence_on_grid([1, 1], [1, 1], [[0, 1], [2]]), ValueError, "x is ragged"),
        (lambda: kl_divergence_on_grid([[1, 1], [1]], [1, 1], [0, 1]), ValueError, "p is ragged"),
        (
            lambda: kl_divergence_on_grid([True, True], [1, 1], [0, 1]),
            TypeError,
            "p must hold real numbers, got booleans",
        ),
        (
            lambda: kl_divergence_on_grid([1, 1], [1 + 0j, 1], [0, 1]),
            TypeError,
            "q must hold real numbers, got dtype complex128",
        ),
        (
            lambda: kl_divergence_on_grid([1, 1], [1, 1], ["0", "1"]),
            TypeError,
            "x must hold real numbers",
        ),
        (
            lambda: kl_divergence_on_grid(np.ones((3, 2)), np.ones((2, 2)), [0, 1]),
            ValueError,
            r"p and q have batch shapes \(3,\) and \(2,\), which do not broadcast",
        ),
        (
            lambda: kl_divergence_on_grid([1, 1], [1, 1], [0, 1], normalize="yes"),
            TypeError,
            "normalize must be True or False",
        ),
        (lambda: kl_divergence_on_grid([1, 1], [1, 1], [0, 1], base=1.0), ValueError, "base"),
    ],
)
def test_grid_validation_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------- adaptive integration


def test_continuous_demo_values_over_the_window():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    # Q = N(0, 1.5^2) has 6.3e-5 of its mass beyond +-6: the window integral of
    # p log(p/q) is not a divergence, so it is refused unless renormalised
    with pytest.raises(ValueError, match=r"q integrates to 0\.99993666 over \[-6\.0, 6\.0\]"):
        kl_divergence_continuous(p, q, lower=-6, upper=6)
    with pytest.raises(ValueError, match=r"p integrates to 0\.99993666 .*normalize=True"):
        kl_divergence_continuous(q, p, lower=-6, upper=6)
    forward = kl_divergence_continuous(p, q, lower=-6, upper=6, normalize=True)
    reverse = kl_divergence_continuous(q, p, lower=-6, upper=6, normalize=True)
    assert isinstance(forward, np.float64)
    assert round(float(forward), 3) == 0.756
    assert round(float(reverse), 3) == 1.243
    assert forward == pytest.approx(quad_kl_normalized(log_bimodal, log_broad, -6, 6), rel=1e-9)
    assert reverse == pytest.approx(quad_kl_normalized(log_broad, log_bimodal, -6, 6), rel=1e-9)


def test_continuous_whole_line_both_directions():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    reverse = kl_divergence_continuous(q, p)
    assert round(float(reverse), 4) == 1.2438
    assert reverse == pytest.approx(quad_kl(log_broad, log_bimodal), rel=1e-9)
    assert kl_divergence_continuous(p, q) == pytest.approx(
        quad_kl(log_bimodal, log_broad), rel=1e-9
    )
    assert kl_divergence_continuous(q, p, base=2) == pytest.approx(reverse / LN2, rel=1e-12)


@pytest.mark.parametrize(
    "lower,upper", [(-math.inf, 1.0), (0.0, math.inf), (-1.5, 4.0), (-math.inf, -3.0), (2.0, 2.5)]
)
def test_continuous_half_infinite_and_finite_bounds(lower, upper):
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    for a, b, la, lb in ((p, q, log_bimodal, log_broad), (q, p, log_broad, log_bimodal)):
        expected = quad_kl_normalized(la, lb, lower, upper)
        got = kl_divergence_continuous(a, b, lower=lower, upper=upper, normalize=True)
        assert got == pytest.approx(expected, rel=1e-8, abs=1e-12)
        with pytest.raises(ValueError, match="integrates to"):  # each window cuts off mass
            kl_divergence_continuous(a, b, lower=lower, upper=upper)


def test_continuous_matches_the_gaussian_closed_form_far_in_the_tails():
    # Q's density underflows to 0 where P has mass: log-densities keep it exact (450 nats).
    got = kl_divergence_continuous(Gaussian(0.0, 1.0), Gaussian(30.0, 1.0))
    assert got == pytest.approx(450.0, rel=1e-10)
    got = kl_divergence_continuous(Gaussian(1.0, 0.5), Gaussian(-2.0, 3.0))
    assert got == pytest.approx(float(kl_divergence_gaussian(1.0, 0.5, -2.0, 3.0)), rel=1e-10)


def test_continuous_accepts_callables_and_scipy_distributions():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    expected = quad_kl_normalized(log_bimodal, log_broad, -6, 6)
    assert kl_divergence_continuous(
        p.pdf, q.pdf, lower=-6, upper=6, normalize=True
    ) == pytest.approx(expected, rel=1e-9)
    assert kl_divergence_continuous(p.pdf, q.pdf) == pytest.approx(
        quad_kl(log_bimodal, log_broad), rel=1e-9
    )
    # scipy frozen distributions have pdf and logpdf
    got = kl_divergence_continuous(stats.norm(0.5, 1.2), stats.norm(-0.3, 1.7))
    assert got == pytest.approx(float(kl_divergence_gaussian(0.5, 1.2, -0.3, 1.7)), rel=1e-10)
    # a Laplace truth against a Gaussian model: E|x| terms in closed form
    # D(Laplace(0, b) || N(0, s^2)) = -1 - log(2b) + log(s sqrt(2 pi)) + 2 b^2 / (2 s^2)
    b, s = 0.8, 1.3
    expected = -1 - math.log(2 * b) + math.log(s * math.sqrt(2 * math.pi)) + b * b / s**2
    got = kl_divergence_continuous(stats.laplace(0, b), stats.norm(0, s))
    assert got == pytest.approx(expected, rel=1e-9)


def test_continuous_is_zero_for_identical_and_inf_for_missing_support():
    assert kl_divergence_continuous(Gaussian(0.3, 2.0), Gaussian(0.3, 2.0)) == 0.0

    def uniform(x):
        return np.where(np.abs(x) <= 1.0, 0.5, 0.0)

    with no_runtime_warnings():
        assert kl_divergence_continuous(stats.norm().pdf, uniform) == np.inf
        # the other way round is finite: log 0.5 + 0.5 log(2 pi) + 1/6
        got = kl_divergence_continuous(uniform, stats.norm().pdf)
        # on [-1, 1], against the normal truncated there: log Z_q less
        truncated = kl_divergence_continuous(
            uniform, stats.norm().pdf, lower=-1, upper=1, normalize=True
        )
    assert got == pytest.approx(math.log(0.5) + LOG_SQRT_2PI + 1 / 6, rel=1e-9)
    z_q = math.erf(1 / math.sqrt(2))
    assert truncated == pytest.approx(
        math.log(0.5) + LOG_SQRT_2PI + 1 / 6 + math.log(z_q), rel=1e-12
    )


def test_continuous_missing_support_with_logpdf_objects_does_not_warn():
    """Regression: exp(lp) * inf = 0 * inf far in the tails raised a RuntimeWarning."""
    with no_runtime_warnings():
        assert kl_divergence_continuous(stats.norm(), stats.uniform(-1, 2)) == np.inf


def half_normal_pdf(x):
    return 0.5 * stats.norm.pdf(x)


def test_continuous_refuses_densities_that_do_not_integrate_to_one():
    """Regression: half a normal density against the normal itself gave -log(2)/2 < 0."""
    with pytest.raises(
        ValueError,
        match=r"p integrates to 0\.5 over \(-inf, inf\), not to 1 "
        r"\(tolerance 1e-06\).*pass normalize=True",
    ):
        kl_divergence_continuous(half_normal_pdf, Gaussian(0.0, 1.0))
    with pytest.raises(ValueError, match=r"q integrates to 2 over"):
        kl_divergence_continuous(Gaussian(0.0, 1.0), lambda x: 2 * stats.norm.pdf(x))
    with no_runtime_warnings():
        got = kl_divergence_continuous(half_normal_pdf, Gaussian(0.0, 1.0), normalize=True)
    assert 0.0 <= got < 1e-15  # p / 0.5 is q: round-off below 0 is clamped


def test_continuous_on_a_window_was_negative():
    """Regression: N(0, 1) against N(0, 0.5^2) on [-0.5, 0.5], not renormalised, was < 0."""
    p, q = Gaussian(0.0, 1.0), Gaussian(0.0, 0.5)
    assert (
        quad_kl(lambda x: normal_logpdf(x, 0, 1), lambda x: normal_logpdf(x, 0, 0.5), -0.5, 0.5)
        < 0
    )  # what used to be returned
    with pytest.raises(ValueError, match=r"p integrates to 0\.38292492 over \[-0\.5, 0\.5\]"):
        kl_divergence_continuous(p, q, lower=-0.5, upper=0.5)
    got = kl_divergence_continuous(p, q, lower=-0.5, upper=0.5, normalize=True)
    expected = quad_kl_normalized(
        lambda x: normal_logpdf(x, 0, 1), lambda x: normal_logpdf(x, 0, 0.5), -0.5, 0.5
    )
    assert got > 0
    assert got == pytest.approx(expected, rel=1e-9)


def test_continuous_window_that_holds_the_mass_needs_no_normalize():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    whole = kl_divergence_continuous(q, p)
    assert kl_divergence_continuous(q, p, lower=-30, upper=30) == pytest.approx(whole, rel=1e-12)
    assert kl_divergence_continuous(q, p, lower=-30, upper=30, normalize=True) == (
        pytest.approx(whole, rel=1e-12)
    )
    assert kl_divergence_continuous(q, p, normalize=True) == pytest.approx(whole, rel=1e-12)


@pytest.mark.parametrize("make", [Gaussian, stats.norm])
def test_continuous_normalize_far_in_the_tails(make):
    """On [40, 41] both masses underflow (about e^-800); the truncated divergence does not."""
    p, q = make(0.0, 1.0), make(0.5, 1.0)
    log_zp = special.log_ndtr(-40.0) + math.log1p(
        -math.exp(special.log_ndtr(-41.0) - special.log_ndtr(-40.0))
    )
    log_zq = special.log_ndtr(-39.5) + math.log1p(
        -math.exp(special.log_ndtr(-40.5) - special.log_ndtr(-39.5))
    )
    expected = quad_kl(
        lambda x: normal_logpdf(x, 0.0, 1.0) - log_zp,
        lambda x: normal_logpdf(x, 0.5, 1.0) - log_zq,
        40.0,
        41.0,
    )
    with no_runtime_warnings():
        got = kl_divergence_continuous(p, q, lower=40, upper=41, normalize=True)
        with pytest.raises(ValueError, match="p integrates to 0 over"):
            kl_divergence_continuous(p, q, lower=40, upper=41)
    assert got == pytest.approx(expected, rel=1e-9)


def test_continuous_normalize_of_a_density_without_mass_is_an_error():
    with pytest.raises(
        ValueError,
        match=r"p integrates to 0 over \[2\.0, 3\.0\], so it "
        "cannot be normalized",
    ):
        kl_divergence_continuous(
            lambda x: np.where(x < 1, 1.0, 0.0),
            Gaussian(0.0, 1.0),
            lower=2,
            upper=3,
            normalize=True,
        )


def moved(mix, shift, scale):
    return GaussianMixture(
        mix.weights, [shift + scale * m for m in mix.means], [scale * s for s in mix.stds]
    )


def standardised(mix, shift, scale):
    return GaussianMixture(
        mix.weights, [(m - shift) / scale for m in mix.means], [s / scale for s in mix.stds]
    )


@pytest.mark.parametrize(
    "shift,scale",
    [(1e6, 1.0), (0.0, 1e-6), (0.0, 1e6), (1e6, 1e-6), (-3.0, 1e-200), (1e250, 1e245)],
)
def test_continuous_does_not_depend_on_location_or_scale(shift, scale):
    """Regression: N(1e6, 1) against N(1e6, 2^2), or N(0, 1e-6^2) against N(0, 2e-6^2), gave 0.

    The integrator maps the whole line at unit scale around 0 and never saw the mass.
    """
    mp, sp, mq, sq = shift, 1.0 * scale, shift + 0.5 * scale, 2.0 * scale
    with no_runtime_warnings():
        got = kl_divergence_continuous(Gaussian(mp, sp), Gaussian(mq, sq))
    assert got == pytest.approx(float(kl_divergence_gaussian(mp, sp, mq, sq)), rel=1e-10)
    p, q = moved(GaussianMixture(*BIMODAL), shift, scale), moved(Gaussian(*BROAD), shift, scale)
    # the divergence is invariant under x -> (x - shift) / scale; the reference is the same
    # floats (means rounded to the resolution at `shift`) mapped back to unit scale
    ref = standardised(p, shift, scale), standardised(q, shift, scale)
    with no_runtime_warnings():
        assert kl_divergence_continuous(p, q) == pytest.approx(
            kl_divergence_continuous(*ref), rel=1e-9
        )
        assert kl_divergence_continuous(q, p) == pytest.approx(
            kl_divergence_continuous(*ref[::-1]), rel=1e-9
        )


def test_continuous_other_densities_far_from_the_origin_are_reported():
    """A scipy density at 1e6 is invisible to the unit-scale map: an error, not 0."""
    with pytest.raises(
        ValueError,
        match="p integrates to 0 over .* its mass lies where the integrator does not look",
    ):
        kl_divergence_continuous(stats.norm(1e6, 1.0), stats.norm(1e6, 2.0))
    got = kl_divergence_continuous(
        stats.norm(1e6, 1.0), stats.norm(1e6, 2.0), lower=1e6 - 60, upper=1e6 + 60
    )
    assert got == pytest.approx(float(kl_divergence_gaussian(0, 1, 0, 2)), rel=1e-9)


@pytest.mark.parametrize("narrow_in", ["p", "q"])
def test_continuous_does_not_step_over_a_narrow_component(narrow_in):
    """A component of width 1e-6 inside a unit one gets an interval of its own."""
    spiky = ((0.5, 0.5), (0.0, 0.3), (1.0, 1e-6))
    mix, unit = GaussianMixture(*spiky), Gaussian(0.0, 1.0)

    def log_spiky(x):
        return mixture_logpdf(x, *spiky)

    def log_unit(x):
        return normal_logpdf(x, 0.0, 1.0)

    pieces = [-math.inf, 0.3 - 1e-5, 0.3 + 1e-5, math.inf]
    if narrow_in == "p":
        args, logs = (mix, unit), (log_spiky, log_unit)
    else:
        args, logs = (unit, mix), (log_unit, log_spiky)
    expected = math.fsum(quad_kl(*logs, a, b) for a, b in zip(pieces, pieces[1:]))
    assert kl_divergence_continuous(*args) == pytest.approx(expected, rel=1e-9)


def test_continuous_keeps_a_subclass_that_changes_logpdf_as_a_density():
    """The component-wise path is only for mixtures whose logpdf is the mixture's own."""

    class Shifted(GaussianMixture):
        def logpdf(self, x):
            return super().logpdf(np.asarray(x) - 1.0)

    got = kl_divergence_continuous(Shifted([1.0], [0.0], [1.0]), Gaussian(0.0, 1.0))
    assert got == pytest.approx(0.5, rel=1e-9)  # N(1, 1) against N(0, 1)


# ------------------------------------------------------ GaussianMixture / Gaussian

MIXTURES = [
    BIMODAL,
    ((0.3, 0.7), (-1.0, 2.0), (0.5, 1.5)),
    ((0.2, 0.5, 0.3), (-4.0, 0.0, 5.0), (0.3, 2.0, 0.8)),
    ((1.0,), (3.0,), (0.2,)),
]


@pytest.mark.parametrize("params", MIXTURES)
def test_mixture_pdf_integrates_to_one_and_matches_scipy(params):
    mix = GaussianMixture(*params)
    weights, means, stds = params
    total, _ = integrate.quad(
        lambda x: float(mix.pdf(x)),
        -np.inf,
        np.inf,
        epsabs=1e-13,
        epsrel=1e-12,
        limit=500,
        points=None,
    )
    assert total == pytest.approx(1.0, abs=1e-9)
    x = np.linspace(-10, 10, 101)
    expected = sum(w * stats.norm.pdf(x, m, s) for w, m, s in zip(weights, means, stds))
    np.testing.assert_allclose(mix.pdf(x), expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        mix.logpdf(x),
        special.logsumexp(
            [math.log(w) + stats.norm.logpdf(x, m, s) for w, m, s in zip(weights, means, stds)],
            axis=0,
        ),
        rtol=1e-12,
    )


@pytest.mark.parametrize("params", MIXTURES)
def test_mixture_moments(params):
    mix = GaussianMixture(*params)
    mean = integrate.quad(lambda x: x * float(mix.pdf(x)), -np.inf, np.inf, epsabs=1e-12)[0]
    var = integrate.quad(
        lambda x: (x - mean) ** 2 * float(mix.pdf(x)), -np.inf, np.inf, epsabs=1e-12
    )[0]
    assert mix.mean == pytest.approx(mean, abs=1e-9)
    assert mix.var == pytest.approx(var, rel=1e-9)
    assert mix.std == pytest.approx(math.sqrt(var), rel=1e-9)


def test_bimodal_moments_by_hand():
    mix = GaussianMixture(*BIMODAL)
    assert mix.mean == 0.0
    assert mix.var == pytest.approx(0.7**2 + 2.2**2, rel=1e-15)
    assert round(mix.std, 4) == 2.3087


@pytest.mark.parametrize("x", [50.0, -50.0, 1e3, -1e3, 1e6, 1e10])
def test_logpdf_does_not_underflow_far_in_the_tails(x):
    g = Gaussian(0.0, 1.0)
    with no_runtime_warnings():
        lg = g.logpdf(x)
        lm = GaussianMixture(*BIMODAL).logpdf(x)
    assert np.isfinite(lg) and np.isfinite(lm)
    assert lg == pytest.approx(stats.norm.logpdf(x), rel=1e-14)
    expected = special.logsumexp(
        [
            math.log(0.5) + stats.norm.logpdf(x, -2.2, 0.7),
            math.log(0.5) + stats.norm.logpdf(x, 2.2, 0.7),
        ]
    )
    assert lm == pytest.approx(expected, rel=1e-13)
    assert g.pdf(x) == pytest.approx(stats.norm.pdf(x), abs=1e-300)


def test_gaussian_is_a_one_component_mixture():
    g = Gaussian(1.5, 0.3)
    assert isinstance(g, GaussianMixture)
    assert (g.weights, g.means, g.stds) == ((1.0,), (1.5,), (0.3,))
    assert g.mean == 1.5 and g.std == pytest.approx(0.3, rel=1e-15)
    assert isinstance(g.pdf(0.0), np.float64)
    assert g.pdf(np.zeros((2, 3))).shape == (2, 3)
    np.testing.assert_allclose(g.pdf([0.0, 1.5]), stats.norm.pdf([0.0, 1.5], 1.5, 0.3), rtol=1e-14)


def test_logpdf_of_a_scalar_is_a_numpy_scalar():
    for dist in (Gaussian(1.5, 0.3), GaussianMixture(*BIMODAL)):
        assert isinstance(dist.logpdf(0.0), np.float64)
        assert isinstance(dist.logpdf(np.inf), np.float64)


def test_pdf_at_infinity_is_zero():
    """Regression: pdf(+-inf) was NaN (inf - inf in the log-sum-exp)."""
    g = Gaussian(0.0, 1.0)
    with no_runtime_warnings():
        assert g.pdf(np.inf) == 0.0
        assert g.logpdf(-np.inf) == -np.inf


def test_mixture_moments_do_not_cancel():
    """Regression: the variance was E[x^2] - mean^2, which is 0 for unit Gaussians at 1e8."""
    assert GaussianMixture([0.5, 0.5], [1e8, 1e8], [1.0, 1.0]).var == 1.0
    mix = GaussianMixture([0.5, 0.5], [1e9, 1e9 + 1], [1.0, 1.0])
    assert mix.var == pytest.approx(1.25, rel=1e-15)
    assert mix.std == pytest.approx(math.sqrt(1.25), rel=1e-15)
    assert Gaussian(1e12, 1e-3).std == pytest.approx(1e-3, rel=1e-15)


def test_mixture_moments_at_extreme_scales():
    """Regression: std was inf for stds of 1e200 (with a RuntimeWarning) and 0 for 1e-200."""
    with no_runtime_warnings():
        big, small = Gaussian(0.0, 1e200), Gaussian(0.0, 1e-200)
        assert big.std == pytest.approx(1e200, rel=1e-15)
        assert big.var == np.inf  # 1e400 is beyond the float range
        assert small.std == pytest.approx(1e-200, rel=1e-15)
        assert small.var == 0.0  # 1e-400 rounds to 0
        spread = GaussianMixture([0.3, 0.7], [-1e200, 1e200], [1.0, 1.0])
        assert spread.std == pytest.approx(math.sqrt(0.3 * 0.7) * 2e200, rel=1e-14)
        # deviations from the mean that overflow (3.4e308) are halved first
        wide = GaussianMixture([0.99, 0.01], [1.7e308, -1.7e308], [1.0, 1.0])
        assert wide.std == pytest.approx(2 * (math.sqrt(0.99 * 0.01) * 1.7e308), rel=1e-14)
        # weights that sum to 1 + 4e-15 (within round-off) must neither overflow the mean
        # nor put it 7e293 beyond both components, a "deviation" the variance would count
        top = GaussianMixture([0.5, 0.5 + 4e-15], [1.79e308, 1.79e308], [1.0, 1.0])
        assert top.mean == 1.79e308
        assert top.std == 1.0


def test_logpdf_and_pdf_at_extreme_scales_do_not_warn():
    """Regression: z * z and exp overflowed with RuntimeWarnings for stds of 1e-300 and below."""
    with no_runtime_warnings():
        narrow = Gaussian(0.0, 1e-300)
        assert narrow.logpdf(1.0) == -np.inf  # the true value, -5e599, is below the range
        assert narrow.logpdf(0.0) == pytest.approx(300 * math.log(10) - LOG_SQRT_2PI, rel=1e-15)
        assert narrow.pdf(0.0) == pytest.approx(1e300 / math.sqrt(2 * math.pi), rel=1e-13)
        assert Gaussian(0.0, 1e-310).pdf(0.0) == np.inf  # 4e309 exceeds the float range
        assert Gaussian(-1e308, 1.0).logpdf(1e308) == -np.inf
        wide = Gaussian(0.0, 1e300)
        assert wide.logpdf(1e300) == pytest.approx(
            -0.5 - 300 * math.log(10) - LOG_SQRT_2PI, rel=1e-15
        )
        lm = GaussianMixture(*BIMODAL).logpdf([1e200, -1e150])
    assert lm.tolist() == [-np.inf, pytest.approx(-0.5 * (1e150 / 0.7) ** 2, rel=1e-14)]


def test_logpdf_of_nan_is_nan():
    """Regression: logpdf(nan) was -inf and pdf(nan) 0, as if nan were far in the tails."""
    for dist in (Gaussian(0.0, 1.0), GaussianMixture(*BIMODAL)):
        out = dist.logpdf([0.0, np.nan])
        assert np.isfinite(out[0]) and np.isnan(out[1])
        assert np.isnan(dist.pdf(np.nan))
    with pytest.raises(TypeError, match="x must hold real numbers"):
        Gaussian(0.0, 1.0).logpdf("1.0")


@pytest.mark.parametrize(
    "args,match",
    [
        (([1.5, -0.5], [0, 1], [1, 1]), r"weights must be > 0, got -0\.5"),
        (([0.5, 0.4], [0, 1], [1, 1]), r"weights must sum to 1, got a sum of 0\.9"),
        (([0.5, 0.5 + 1e-12], [0, 1], [1, 1]), "weights must sum to 1"),
        (([0.5, 0.5], [0, 1], [[1, 1], [1]]), "stds is ragged"),
        (([0.5, 0.5], [0, 1], [1, 0]), "stds must be > 0"),
        (([0.5, 0.5], [0, 1], [1, -1]), "stds must be > 0"),
        (([0.5, 0.5], [0, 1, 2], [1, 1]), "equal length"),
        (([], [], []), "non-empty"),
        (([1.0], [np.nan], [1.0]), "means must be finite"),
        (([1.0], [0.0], [np.inf]), "stds must be finite"),
        (([np.nan], [0.0], [1.0]), "weights must be finite"),
    ],
)
def test_mixture_validation(args, match):
    with pytest.raises(ValueError, match=match):
        GaussianMixture(*args)


@pytest.mark.parametrize(
    "args,match",
    [
        (([True], [0.0], [1.0]), "weights must hold real numbers, got booleans"),
        (([1.0], ["a"], [1.0]), "means must hold real numbers"),
        (([1.0], [0.0], [1 + 1j]), "stds must hold real numbers"),
    ],
)
def test_mixture_refuses_non_real_parameters(args, match):
    """Regression: True was read as 1.0, and text gave numpy's error naming no argument."""
    with pytest.raises(TypeError, match=match):
        GaussianMixture(*args)


def test_gaussian_validation_and_accepted_weights():
    with pytest.raises(ValueError, match="stds must be > 0"):
        Gaussian(0.0, 0.0)
    with pytest.raises(ValueError, match="means must be finite"):
        Gaussian(np.inf, 1.0)
    # weights summing to 1 only up to round-off are fine
    GaussianMixture([1 / 3] * 3, [0, 1, 2], [1, 1, 1])
    GaussianMixture([0.1] * 10, range(10), [1] * 10)


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: kl_divergence_gaussian(0, 0, 0, 1), ValueError, "std_p must be > 0"),
        (lambda: kl_divergence_gaussian(0, 1, 0, -1), ValueError, "std_q must be > 0"),
        (lambda: kl_divergence_gaussian(np.nan, 1, 0, 1), ValueError, "mean_p must be finite"),
        (lambda: kl_divergence_gaussian(0, 1, np.inf, 1), ValueError, "mean_q must be finite"),
        (lambda: kl_divergence_gaussian(0, 1, 0, 1, base=1), ValueError, "base"),
        (lambda: kl_divergence_on_grid([1, 1], [1, 1], [0, 0]), ValueError, "strictly increasing"),
        (lambda: kl_divergence_on_grid([1, 1], [1, 1], [1, 0]), ValueError, "strictly increasing"),
        (lambda: kl_divergence_on_grid([1], [1], [0]), ValueError, "at least 2 points"),
        (lambda: kl_divergence_on_grid([1, 1, 1], [1, 1], [0, 1]), ValueError, "p must have 2"),
        (lambda: kl_divergence_on_grid([1, 1], [1, 1, 1], [0, 1]), ValueError, "q must have 2"),
        (lambda: kl_divergence_on_grid([1, -1], [1, 1], [0, 1]), ValueError, "p has negative"),
        (lambda: kl_divergence_on_grid([1, 1], [1, -1], [0, 1]), ValueError, "q has negative"),
        (
            lambda: kl_divergence_on_grid([1, np.nan], [1, 1], [0, 1]),
            ValueError,
            "p must be finite",
        ),
        (
            lambda: kl_divergence_on_grid([1, 1], [1, 1], [0, np.inf]),
            ValueError,
            "x must be finite",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=1, upper=0),
            ValueError,
            "lower must be < upper",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=1, upper=1),
            ValueError,
            "lower must be < upper",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=np.nan),
            ValueError,
            "lower is NaN",
        ),
        (lambda: kl_divergence_continuous(3, Gaussian(0, 1)), TypeError, "p must be a callable"),
        (lambda: kl_divergence_continuous(Gaussian(0, 1), "q"), TypeError, "q must be a callable"),
        (
            lambda: kl_divergence_continuous(lambda x: 1.0, Gaussian(0, 1), lower=0, upper=1),
            ValueError,
            "p must be vectorised",
        ),
        (
            lambda: kl_divergence_continuous(
                lambda x: -np.ones_like(x), Gaussian(0, 1), lower=0, upper=1
            ),
            ValueError,
            "p returned a negative",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), lambda x: np.full_like(x, np.nan)),
            ValueError,
            "q returned a negative",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), base=-2),
            ValueError,
            "base",
        ),
        (lambda: fit_gaussian_forward_kl(stats.norm()), TypeError, "p must be a GaussianMixture"),
        (lambda: fit_gaussian_reverse_kl([0.5, 0.5]), TypeError, "p must be a GaussianMixture"),
        (
            lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(0.0,)),
            ValueError,
            r"start must be a \(mean, std\) pair",
        ),
        (
            lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(0.0, -1.0)),
            ValueError,
            "start std must be > 0",
        ),
        (
            lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(np.nan, 1.0)),
            ValueError,
            "start mean must be finite",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower="a"),
            TypeError,
            "lower must be a real number, got str",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), upper=None),
            TypeError,
            "upper must be a real number, got NoneType",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=True),
            TypeError,
            "lower must be a real number, got bool",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), rtol=0),
            ValueError,
            r"rtol must be in \(0, 1\)",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), rtol=-1e-10),
            ValueError,
            r"rtol must be in \(0, 1\)",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), rtol=np.nan),
            ValueError,
            "rtol is NaN",
        ),
        (
            lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), normalize=1),
            TypeError,
            "normalize must be True or False",
        ),
        (
            lambda: kl_divergence_continuous(lambda x: x + 0j, Gaussian(0, 1)),
            TypeError,
            "p returned values of dtype complex128",
        ),
        (
            lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=5),
            TypeError,
            r"start must be a \(mean, std\) pair",
        ),
        (lambda: Gaussian([0.0, 1.0], 1.0), ValueError, "mean must be a single number"),
    ],
)
def test_continuous_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_logpdf_object_returning_nan_is_an_error():
    class Broken:
        def pdf(self, x):
            return np.full_like(x, np.nan)

        def logpdf(self, x):
            return np.full_like(x, np.nan)

    with pytest.raises(ValueError, match="p.logpdf returned NaN"):
        kl_divergence_continuous(Broken(), Gaussian(0, 1), lower=0, upper=1)


def test_logpdf_object_that_is_not_vectorised_is_an_error():
    """Regression: a logpdf returning one number for an array was broadcast silently."""

    class Scalar:
        def pdf(self, x):
            return 0.3

        def logpdf(self, x):
            return math.log(0.3)

    with pytest.raises(ValueError, match=r"p\.logpdf must be vectorised: it returned shape \(\)"):
        kl_divergence_continuous(Scalar(), Gaussian(0, 1), lower=0, upper=1)


# --------------------------------------------------------------------- fits


def forward_objective(mean: float, std: float, params=BIMODAL) -> float:
    """D(P || N(mean, std^2)) by quad."""
    return quad_kl(lambda x: mixture_logpdf(x, *params), lambda x: normal_logpdf(x, mean, std))


def reverse_objective(mean: float, std: float, params=BIMODAL) -> float:
    """D(N(mean, std^2) || P) by quad."""
    return quad_kl(lambda x: normal_logpdf(x, mean, std), lambda x: mixture_logpdf(x, *params))


@pytest.mark.parametrize("params", MIXTURES[:3])
def test_forward_fit_matches_moments(params):
    weights, means, stds = (np.array(v) for v in params)
    mean = float(weights @ means)
    var = float(weights @ (stds**2 + means**2)) - mean**2
    fit = fit_gaussian_forward_kl(GaussianMixture(*params))
    assert isinstance(fit, GaussianFit)
    assert fit.mean == pytest.approx(mean, abs=1e-14)
    assert fit.std == pytest.approx(math.sqrt(var), rel=1e-14)
    assert fit.kl == pytest.approx(forward_objective(mean, math.sqrt(var), params), rel=1e-9)


def test_forward_fit_of_the_bimodal_demo():
    fit = fit_gaussian_forward_kl(GaussianMixture(*BIMODAL))
    assert (round(fit.mean, 3), round(fit.std, 3), round(fit.kl, 3)) == (0.0, 2.309, 0.503)


@pytest.mark.parametrize("params", [BIMODAL, MIXTURES[1]])
def test_forward_fit_is_a_minimum(params):
    fit = fit_gaussian_forward_kl(GaussianMixture(*params))
    best = forward_objective(fit.mean, fit.std, params)
    for dm, ds in ((0.05, 1), (-0.05, 1), (0, 1.03), (0, 0.97), (0.02, 1.01), (-0.02, 0.99)):
        assert forward_objective(fit.mean + dm, fit.std * ds, params) > best


def test_forward_fit_agrees_with_scipy_minimize():
    res = optimize.minimize(
        lambda v: forward_objective(v[0], math.exp(v[1]), MIXTURES[1]),
        x0=[0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 2000},
    )
    fit = fit_gaussian_forward_kl(GaussianMixture(*MIXTURES[1]))
    assert fit.mean == pytest.approx(res.x[0], abs=1e-5)
    assert fit.std == pytest.approx(math.exp(res.x[1]), rel=1e-5)
    assert fit.kl == pytest.approx(res.fun, rel=1e-9)


def _scipy_reverse_fit(start):
    res = optimize.minimize(
        lambda v: reverse_objective(v[0], math.exp(v[1])),
        x0=[start[0], math.log(start[1])],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 2000},
    )
    assert res.success
    return res.x[0], math.exp(res.x[1]), res.fun


def test_reverse_fit_agrees_with_scipy_minimize():
    fit = fit_gaussian_reverse_kl(GaussianMixture(*BIMODAL))
    mean, std, kl = _scipy_reverse_fit((2.2, 0.7))
    assert abs(fit.mean) == pytest.approx(mean, abs=1e-6)
    assert fit.std == pytest.approx(std, rel=1e-6)
    assert fit.kl == pytest.approx(kl, rel=1e-9)
    assert fit.kl == pytest.approx(reverse_objective(fit.mean, fit.std), rel=1e-10)
    assert (round(abs(fit.mean), 3), round(fit.std, 3), round(fit.kl, 3)) == (2.193, 0.71, 0.691)
    assert fit.kl < math.log(2)  # the price of ignoring one mode, a little under log 2


def test_reverse_fit_local_minimum_between_the_modes():
    local = fit_gaussian_reverse_kl(GaussianMixture(*BIMODAL), start=(0.0, 2.0))
    mean, std, kl = _scipy_reverse_fit((0.0, 2.0))
    assert local.mean == pytest.approx(mean, abs=1e-6)
    assert abs(local.mean) < 1e-6
    assert local.std == pytest.approx(std, rel=1e-6)
    assert local.kl == pytest.approx(kl, rel=1e-9)
    assert (round(abs(local.mean), 3), round(local.std, 3), round(local.kl, 3)) == (
        0.0,
        1.992,
        0.963,
    )
    # a local minimum: worse than the mode-seeking fit, but no small step improves it
    assert local.kl > fit_gaussian_reverse_kl(GaussianMixture(*BIMODAL)).kl
    for dm, ds in ((0.05, 1), (-0.05, 1), (0, 1.03), (0, 0.97)):
        assert reverse_objective(local.mean + dm, local.std * ds) > local.kl


def test_reverse_fit_of_a_single_gaussian_is_itself():
    fit = fit_gaussian_reverse_kl(Gaussian(1.0, 2.0))
    assert fit.mean == pytest.approx(1.0, abs=1e-6)
    assert fit.std == pytest.approx(2.0, rel=1e-6)
    assert 0.0 <= fit.kl < 1e-12


@pytest.mark.parametrize("shift,scale", [(1e6, 1.0), (0.0, 1e-6), (1e250, 1e245)])
def test_fits_do_not_depend_on_location_or_scale(shift, scale):
    """Regression: both fits reported kl = 0 for the bimodal truth moved to 1e6 or scaled by
    1e-6, and the reverse fit's fixed steps and tolerances were not relative to P's spread.
    """
    p = moved(GaussianMixture(*BIMODAL), shift, scale)
    ref = standardised(p, shift, scale)  # the same floats, at unit scale
    with no_runtime_warnings():
        forward, ref_forward = fit_gaussian_forward_kl(p), fit_gaussian_forward_kl(ref)
        reverse, ref_reverse = fit_gaussian_reverse_kl(p), fit_gaussian_reverse_kl(ref)
    assert forward.kl == pytest.approx(ref_forward.kl, rel=1e-9)
    assert forward.std == pytest.approx(scale * ref_forward.std, rel=1e-12)
    assert reverse.kl == pytest.approx(ref_reverse.kl, rel=1e-9)
    assert abs(reverse.mean - shift) / scale == pytest.approx(abs(ref_reverse.mean), rel=1e-6)
    assert reverse.std / scale == pytest.approx(ref_reverse.std, rel=1e-6)
    assert (round(abs(ref_reverse.mean), 3), round(ref_reverse.std, 3)) == (2.193, 0.71)


def test_reverse_fit_of_far_apart_modes_is_one_mode():
    """Modes 2e6 standard deviations apart: Q is one of them, at a cost of exactly log 2."""
    fit = fit_gaussian_reverse_kl(GaussianMixture([0.5, 0.5], [-1e6, 1e6], [1.0, 1.0]))
    assert abs(fit.mean) == pytest.approx(1e6, rel=1e-12)
    assert fit.std == pytest.approx(1.0, rel=1e-6)
    assert fit.kl == pytest.approx(math.log(2), rel=1e-9)
    forward = fit_gaussian_forward_kl(GaussianMixture([0.5, 0.5], [-1e6, 1e6], [1.0, 1.0]))
    # D(P || N(0, 1e12 + 1)) = -H(P) + E_P[-log q] = -(log 2 + H(N(0,1))) + (1/2 + log(s sqrt(2 pi)))
    s = math.sqrt(1e12 + 1)
    expected = -(math.log(2) + 0.5 + LOG_SQRT_2PI) + 0.5 + math.log(s) + LOG_SQRT_2PI
    assert forward.kl == pytest.approx(expected, rel=1e-9)


# ------------------------------------------ the numpy-only integrator and minimiser


@pytest.mark.parametrize(
    "f,lower,upper",
    [
        (lambda x: np.exp(-x * x), -np.inf, np.inf),
        (lambda x: 1.0 / (1.0 + x * x), 0.0, np.inf),
        (lambda x: np.exp(x), -np.inf, 0.0),
        (lambda x: np.sin(x) ** 2, 0.0, 10.0),
        (lambda x: np.sqrt(np.abs(x)), -1.0, 2.0),
    ],
)
def test_numpy_integrator_agrees_with_quad(f, lower, upper):
    expected, _ = integrate.quad(
        lambda x: float(f(np.array(x))), lower, upper, epsabs=1e-13, epsrel=1e-12, limit=500
    )
    assert np_integrate(f, lower, upper) == pytest.approx(expected, rel=1e-9)


def test_numpy_minimiser_agrees_with_scipy():
    def rosen(v):
        return float(optimize.rosen(v))

    x = np_minimize(rosen, np.array([-1.2, 1.0]))
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-6)
    ref = optimize.minimize(
        rosen, [-1.2, 1.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-20}
    ).x
    np.testing.assert_allclose(x, ref, atol=1e-6)
