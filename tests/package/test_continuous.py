"""Continuous KL: Gaussian closed form, grid, adaptive integration, mixtures and Gaussian fits.

References are scipy.integrate.quad and scipy.optimize.minimize over integrands written here
with the math module, and closed forms.
"""

from __future__ import annotations

import math

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

from ._helpers import LN2, no_runtime_warnings

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
    value, error = integrate.quad(integrand, lower, upper, epsabs=1e-13, epsrel=1e-12,
                                  limit=500)
    assert error < 1e-9
    return value


def log_bimodal(x):
    return mixture_logpdf(x, *BIMODAL)


def log_broad(x):
    return normal_logpdf(x, *BROAD)


# --------------------------------------------------------- Gaussian closed form

def test_gaussian_kl_hand_values():
    assert kl_divergence_gaussian(0.0, 1.0, 1.0, 1.0) == pytest.approx(0.5, rel=1e-15)
    assert kl_divergence_gaussian(0.0, 1.0, 0.0, 2.0) == pytest.approx(
        math.log(2) + 1 / 8 - 1 / 2, rel=1e-14)
    assert kl_divergence_gaussian(0.0, 2.0, 0.0, 1.0) == pytest.approx(
        -math.log(2) + 4 / 2 - 1 / 2, rel=1e-14)
    assert kl_divergence_gaussian(3.0, 1.0, 0.0, 1.0, base=2) == pytest.approx(4.5 / LN2)
    assert kl_divergence_gaussian(1.3, 0.4, 1.3, 0.4) == 0.0


@pytest.mark.parametrize("seed", range(8))
def test_gaussian_kl_against_quad(seed):
    rng = np.random.default_rng(seed)
    mp, mq = rng.normal(0, 2, 2)
    sp, sq = rng.uniform(0.3, 3, 2)
    expected = quad_kl(lambda x: normal_logpdf(x, mp, sp), lambda x: normal_logpdf(x, mq, sq))
    assert kl_divergence_gaussian(mp, sp, mq, sq) == pytest.approx(expected, rel=1e-9,
                                                                   abs=1e-12)


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


# --------------------------------------------------------------------- on a grid

def test_grid_demo_value():
    p = GaussianMixture(*BIMODAL)
    q = Gaussian(*BROAD)
    x = np.linspace(-6.0, 6.0, 4001)
    assert round(float(kl_divergence_on_grid(p.pdf(x), q.pdf(x), x)), 3) == 0.756
    assert round(float(kl_divergence_on_grid(q.pdf(x), p.pdf(x), x)), 3) == 1.243


def test_grid_is_the_trapezoid_rule_of_rel_entr(rng):
    x = np.sort(rng.uniform(-3, 3, 50))
    p = rng.random(50)
    q = rng.random(50) + 0.01
    expected = integrate.trapezoid(special.rel_entr(p, q), x)
    assert kl_divergence_on_grid(p, q, x) == pytest.approx(expected, rel=1e-13)
    assert kl_divergence_on_grid(p, q, x, base=2) == pytest.approx(expected / LN2, rel=1e-13)


def test_grid_converges_to_the_closed_form():
    x = np.linspace(-12, 12, 20001)
    p = stats.norm.pdf(x, 0.5, 1.2)
    q = stats.norm.pdf(x, -0.3, 1.7)
    assert kl_divergence_on_grid(p, q, x) == pytest.approx(
        kl_divergence_gaussian(0.5, 1.2, -0.3, 1.7), rel=1e-6)


def test_grid_batches_zeros_and_infinities():
    x = np.linspace(0, 1, 5)
    p = np.array([[1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0, 2.0, 2.0, 0, 0]])
    q = np.array([2.0, 1.0, 0.5, 1.0, 0.0])
    with no_runtime_warnings():
        out = kl_divergence_on_grid(p, q, x)
    assert out.shape == (3,)
    assert out[0] == np.inf          # p > 0 = q at x = 1
    assert out[1] == 0.0             # p = 0 everywhere, even where q = 0
    f = [0.0, 2 * math.log(2), 2 * math.log(4), 0.0, 0.0]
    assert out[2] == pytest.approx(integrate.trapezoid(f, x), rel=1e-14)
    assert isinstance(kl_divergence_on_grid(p[2], q, x), np.float64)


def test_grid_with_subnormal_density_is_finite():
    """Regression: p / q overflowed for a subnormal q (RuntimeWarning, inf)."""
    with no_runtime_warnings():
        got = kl_divergence_on_grid([1.0, 1.0], [1e-320, 1.0], [0.0, 1.0])
    assert got == pytest.approx(0.5 * -math.log(1e-320), rel=1e-12)


# ------------------------------------------------------- adaptive integration

def test_continuous_demo_values_over_the_window():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    forward = kl_divergence_continuous(p, q, lower=-6, upper=6)
    reverse = kl_divergence_continuous(q, p, lower=-6, upper=6)
    assert isinstance(forward, np.float64)
    assert round(float(forward), 3) == 0.756
    assert round(float(reverse), 3) == 1.243
    assert forward == pytest.approx(quad_kl(log_bimodal, log_broad, -6, 6), rel=1e-9)
    assert reverse == pytest.approx(quad_kl(log_broad, log_bimodal, -6, 6), rel=1e-9)


def test_continuous_whole_line_both_directions():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    reverse = kl_divergence_continuous(q, p)
    assert round(float(reverse), 4) == 1.2438
    assert reverse == pytest.approx(quad_kl(log_broad, log_bimodal), rel=1e-9)
    assert kl_divergence_continuous(p, q) == pytest.approx(quad_kl(log_bimodal, log_broad),
                                                           rel=1e-9)
    assert kl_divergence_continuous(q, p, base=2) == pytest.approx(reverse / LN2, rel=1e-12)


@pytest.mark.parametrize("lower,upper", [(-math.inf, 1.0), (0.0, math.inf), (-1.5, 4.0),
                                         (-math.inf, -3.0), (2.0, 2.5)])
def test_continuous_half_infinite_and_finite_bounds(lower, upper):
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    for a, b, la, lb in ((p, q, log_bimodal, log_broad), (q, p, log_broad, log_bimodal)):
        expected = quad_kl(la, lb, lower, upper)
        assert kl_divergence_continuous(a, b, lower=lower, upper=upper) == pytest.approx(
            expected, rel=1e-8, abs=1e-12)


def test_continuous_matches_the_gaussian_closed_form_far_in_the_tails():
    # Q's density underflows to 0 where P has mass: log-densities keep it exact (450 nats).
    got = kl_divergence_continuous(Gaussian(0.0, 1.0), Gaussian(30.0, 1.0))
    assert got == pytest.approx(450.0, rel=1e-10)
    got = kl_divergence_continuous(Gaussian(1.0, 0.5), Gaussian(-2.0, 3.0))
    assert got == pytest.approx(float(kl_divergence_gaussian(1.0, 0.5, -2.0, 3.0)), rel=1e-10)


def test_continuous_accepts_callables_and_scipy_distributions():
    p, q = GaussianMixture(*BIMODAL), Gaussian(*BROAD)
    expected = quad_kl(log_bimodal, log_broad, -6, 6)
    assert kl_divergence_continuous(p.pdf, q.pdf, lower=-6, upper=6) == pytest.approx(
        expected, rel=1e-9)
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
        got = kl_divergence_continuous(uniform, stats.norm().pdf, lower=-1, upper=1)
    assert got == pytest.approx(math.log(0.5) + LOG_SQRT_2PI + 1 / 6, rel=1e-9)


def test_continuous_missing_support_with_logpdf_objects_does_not_warn():
    """Regression: exp(lp) * inf = 0 * inf far in the tails raised a RuntimeWarning."""
    with no_runtime_warnings():
        assert kl_divergence_continuous(stats.norm(), stats.uniform(-1, 2)) == np.inf


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
    total, _ = integrate.quad(lambda x: float(mix.pdf(x)), -np.inf, np.inf, epsabs=1e-13,
                              epsrel=1e-12, limit=500, points=None)
    assert total == pytest.approx(1.0, abs=1e-9)
    x = np.linspace(-10, 10, 101)
    expected = sum(w * stats.norm.pdf(x, m, s) for w, m, s in zip(weights, means, stds))
    np.testing.assert_allclose(mix.pdf(x), expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(
        mix.logpdf(x),
        special.logsumexp([math.log(w) + stats.norm.logpdf(x, m, s)
                           for w, m, s in zip(weights, means, stds)], axis=0),
        rtol=1e-12)


@pytest.mark.parametrize("params", MIXTURES)
def test_mixture_moments(params):
    mix = GaussianMixture(*params)
    mean = integrate.quad(lambda x: x * float(mix.pdf(x)), -np.inf, np.inf, epsabs=1e-12)[0]
    var = integrate.quad(lambda x: (x - mean) ** 2 * float(mix.pdf(x)), -np.inf, np.inf,
                         epsabs=1e-12)[0]
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
    expected = special.logsumexp([math.log(0.5) + stats.norm.logpdf(x, -2.2, 0.7),
                                  math.log(0.5) + stats.norm.logpdf(x, 2.2, 0.7)])
    assert lm == pytest.approx(expected, rel=1e-13)
    assert g.pdf(x) == pytest.approx(stats.norm.pdf(x), abs=1e-300)


def test_gaussian_is_a_one_component_mixture():
    g = Gaussian(1.5, 0.3)
    assert isinstance(g, GaussianMixture)
    assert (g.weights, g.means, g.stds) == ((1.0,), (1.5,), (0.3,))
    assert g.mean == 1.5 and g.std == pytest.approx(0.3, rel=1e-15)
    assert isinstance(g.pdf(0.0), np.float64)
    assert g.pdf(np.zeros((2, 3))).shape == (2, 3)
    np.testing.assert_allclose(g.pdf([0.0, 1.5]), stats.norm.pdf([0.0, 1.5], 1.5, 0.3),
                               rtol=1e-14)


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


@pytest.mark.parametrize("args,match", [
    (([1.5, -0.5], [0, 1], [1, 1]), "weights must be positive and sum to 1"),
    (([0.5, 0.4], [0, 1], [1, 1]), "weights must be positive and sum to 1"),
    (([0.5, 0.5], [0, 1], [1, 0]), "stds must be > 0"),
    (([0.5, 0.5], [0, 1], [1, -1]), "stds must be > 0"),
    (([0.5, 0.5], [0, 1, 2], [1, 1]), "equal length"),
    (([], [], []), "non-empty"),
    (([1.0], [np.nan], [1.0]), "means must be finite"),
    (([1.0], [0.0], [np.inf]), "stds must be finite"),
    (([np.nan], [0.0], [1.0]), "weights must be finite"),
])
def test_mixture_validation(args, match):
    with pytest.raises(ValueError, match=match):
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

@pytest.mark.parametrize("call,exc,match", [
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
    (lambda: kl_divergence_on_grid([1, np.nan], [1, 1], [0, 1]), ValueError, "p must be finite"),
    (lambda: kl_divergence_on_grid([1, 1], [1, 1], [0, np.inf]), ValueError, "x must be finite"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=1, upper=0),
     ValueError, "lower must be < upper"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=1, upper=1),
     ValueError, "lower must be < upper"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), lower=np.nan),
     ValueError, "lower must be < upper"),
    (lambda: kl_divergence_continuous(3, Gaussian(0, 1)), TypeError, "p must be a callable"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), "q"), TypeError, "q must be a callable"),
    (lambda: kl_divergence_continuous(lambda x: 1.0, Gaussian(0, 1), lower=0, upper=1),
     ValueError, "p must be vectorised"),
    (lambda: kl_divergence_continuous(lambda x: -np.ones_like(x), Gaussian(0, 1), lower=0,
                                      upper=1), ValueError, "p returned a negative"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), lambda x: np.full_like(x, np.nan),
                                      lower=0, upper=1), ValueError, "q returned a negative"),
    (lambda: kl_divergence_continuous(Gaussian(0, 1), Gaussian(0, 1), base=-2), ValueError,
     "base"),
    (lambda: fit_gaussian_forward_kl(stats.norm()), TypeError, "p must be a GaussianMixture"),
    (lambda: fit_gaussian_reverse_kl([0.5, 0.5]), TypeError, "p must be a GaussianMixture"),
    (lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(0.0,)), ValueError,
     r"start must be a \(mean, std\) pair"),
    (lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(0.0, -1.0)), ValueError,
     "start std must be > 0"),
    (lambda: fit_gaussian_reverse_kl(Gaussian(0, 1), start=(np.nan, 1.0)), ValueError,
     "start mean must be finite"),
])
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
    res = optimize.minimize(lambda v: forward_objective(v[0], math.exp(v[1]), MIXTURES[1]),
                            x0=[0.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 2000})
    fit = fit_gaussian_forward_kl(GaussianMixture(*MIXTURES[1]))
    assert fit.mean == pytest.approx(res.x[0], abs=1e-5)
    assert fit.std == pytest.approx(math.exp(res.x[1]), rel=1e-5)
    assert fit.kl == pytest.approx(res.fun, rel=1e-9)


def _scipy_reverse_fit(start):
    res = optimize.minimize(lambda v: reverse_objective(v[0], math.exp(v[1])),
                            x0=[start[0], math.log(start[1])], method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-14, "maxiter": 2000})
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
        0.0, 1.992, 0.963)
    # a local minimum: worse than the mode-seeking fit, but no small step improves it
    assert local.kl > fit_gaussian_reverse_kl(GaussianMixture(*BIMODAL)).kl
    for dm, ds in ((0.05, 1), (-0.05, 1), (0, 1.03), (0, 0.97)):
        assert reverse_objective(local.mean + dm, local.std * ds) > local.kl


def test_reverse_fit_of_a_single_gaussian_is_itself():
    fit = fit_gaussian_reverse_kl(Gaussian(1.0, 2.0))
    assert fit.mean == pytest.approx(1.0, abs=1e-6)
    assert fit.std == pytest.approx(2.0, rel=1e-6)
    assert 0.0 <= fit.kl < 1e-12


# ------------------------------------------ the numpy-only integrator and minimiser

@pytest.mark.parametrize("f,lower,upper", [
    (lambda x: np.exp(-x * x), -np.inf, np.inf),
    (lambda x: 1.0 / (1.0 + x * x), 0.0, np.inf),
    (lambda x: np.exp(x), -np.inf, 0.0),
    (lambda x: np.sin(x) ** 2, 0.0, 10.0),
    (lambda x: np.sqrt(np.abs(x)), -1.0, 2.0),
])
def test_numpy_integrator_agrees_with_quad(f, lower, upper):
    expected, _ = integrate.quad(lambda x: float(f(np.array(x))), lower, upper, epsabs=1e-13,
                                 epsrel=1e-12, limit=500)
    assert np_integrate(f, lower, upper) == pytest.approx(expected, rel=1e-9)


def test_numpy_minimiser_agrees_with_scipy():
    def rosen(v):
        return float(optimize.rosen(v))

    x = np_minimize(rosen, np.array([-1.2, 1.0]))
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-6)
    ref = optimize.minimize(rosen, [-1.2, 1.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-20}).x
    np.testing.assert_allclose(x, ref, atol=1e-6)
