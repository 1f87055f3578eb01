"""fit_temperature and its minimiser agree with scipy.optimize.minimize_scalar(method="bounded")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

optimize = pytest.importorskip("scipy.optimize")

from infotheory import fit_temperature  # noqa: E402
from infotheory.calibration import _minimize_bounded  # noqa: E402

from ._helpers import HYPOTHESIS, ref_cross_entropy_from_logits, ref_softmax  # noqa: E402


def scipy_temperature(logits, target, bounds=(0.05, 20.0)):
    """scipy's bounded Brent on log T, with the independent float64 reference loss."""

    def loss(u):
        return ref_cross_entropy_from_logits(logits / math.exp(u), target).mean()

    lo, hi = math.log(bounds[0]), math.log(bounds[1])
    res = optimize.minimize_scalar(
        loss, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12, "maxiter": 1000}
    )
    assert res.success
    return math.exp(res.x), float(res.fun)


@st.composite
def calibration_problems(draw):
    """Random logits, and targets drawn from softmax(logits / T0) for a random T0."""
    n = draw(st.integers(10, 80))
    k = draw(st.integers(2, 8))
    scale = draw(st.floats(0.5, 8.0))
    t0 = draw(st.floats(0.3, 6.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    logits = rng.standard_normal((n, k)) * scale
    p = ref_softmax(logits / t0)
    target = np.minimum((p.cumsum(-1) < rng.random((n, 1))).sum(-1), k - 1)
    return logits, target


@HYPOTHESIS
@given(calibration_problems())
def test_fit_temperature_matches_scipy(case):
    logits, target = case
    fit = fit_temperature(logits, target)
    t_scipy, loss_scipy = scipy_temperature(logits, target)
    assert fit.loss <= loss_scipy + 1e-14 * max(1.0, loss_scipy)
    if loss_scipy == 0.0:
        # every row is right with certainty to float precision below some T: the loss is
        # exactly 0 on a whole interval, where any T is a minimum (ours is the bound)
        assert fit.loss == 0.0 and fit.temperature == 0.05
    else:
        assert fit.temperature == pytest.approx(t_scipy, rel=1e-6)
    assert fit.loss <= fit.loss_at_one


@pytest.mark.parametrize("t_true", [0.5, 1.0, 1.7, 4.0])
def test_fit_temperature_matches_scipy_on_larger_data(rng, t_true):
    logits = rng.standard_normal((3000, 10)) * 4.0
    p = ref_softmax(logits / t_true)
    target = np.minimum((p.cumsum(-1) < rng.random((3000, 1))).sum(-1), 9)
    fit = fit_temperature(logits, target)
    t_scipy, _ = scipy_temperature(logits, target)
    assert fit.temperature == pytest.approx(t_scipy, rel=1e-6)
    assert fit.temperature == pytest.approx(t_true, rel=0.1)


@pytest.mark.parametrize(
    "f, bounds",
    [
        (lambda x: (x - 0.3) ** 2, (-1.0, 2.0)),
        (lambda x: math.cosh(x - 1.2) + 0.01 * x**3, (-2.0, 3.0)),
        (lambda x: x * math.log(x) - x, (0.1, 5.0)),
        (lambda x: abs(x - 0.5) ** 1.5, (0.0, 1.0)),
        (lambda x: -x, (0.0, 1.0)),
        (lambda x: math.exp(-x) + x / 100, (-1.0, 3.0)),
    ],
)
def test_minimiser_matches_scipy(f, bounds):
    x, fx = _minimize_bounded(f, *bounds)
    res = optimize.minimize_scalar(f, bounds=bounds, method="bounded", options={"xatol": 1e-10})
    assert x == pytest.approx(res.x, rel=1e-6, abs=1e-7)
    assert fx <= res.fun + 1e-14
