"""expected_calibration_error, brier_score and fit_temperature (numpy only)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from infotheory import (
    TemperatureFit,
    brier_score,
    cross_entropy_from_logits,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from infotheory.calibration import _minimize_bounded

from ._helpers import HYPOTHESIS, normalise, ref_cross_entropy_from_logits, ref_softmax


def ref_ece(probs, target, n_bins):
    """ECE as the textbook loop over bins: (lo, hi], the first one [0, hi]."""
    probs, target = np.asarray(probs, dtype=np.float64), np.asarray(target)
    conf, pred = probs.max(axis=-1).ravel(), probs.argmax(axis=-1).ravel()
    correct = pred == target.ravel()
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        in_bin = (conf <= hi) & ((conf > lo) if b else (conf >= 0.0))
        if in_bin.any():
            gap = abs(correct[in_bin].mean() - conf[in_bin].mean())
            total += in_bin.sum() / conf.size * gap
    return total


def sample_classes(rng, probs):
    """One class drawn from each row of probs."""
    u = rng.random(probs.shape[:-1] + (1,))
    return np.minimum((probs.cumsum(axis=-1) < u).sum(axis=-1), probs.shape[-1] - 1)


# ------------------------------------------------------------------ ECE


def test_ece_is_zero_for_a_perfectly_calibrated_construction():
    """20 predictions at each confidence c, of which exactly 20 c are right."""
    probs, target = [], []
    for c in (0.4, 0.55, 0.7, 0.9, 1.0):
        right = round(20 * c)
        row = [c, (1 - c) / 2, (1 - c) / 2]
        probs += [row] * 20
        target += [0] * right + [1] * (20 - right)
    ece = expected_calibration_error(np.array(probs), np.array(target))
    assert isinstance(ece, np.float64)
    assert ece == pytest.approx(0.0, abs=1e-15)


def test_ece_hand_computed():
    # the docstring's case: bins (0.8, 1]: gap 0.1 for 1 of 4; (0.6, 0.8]: 3 of 4 with gap 0.05
    probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.65, 0.35], [0.2, 0.8]])
    target = np.array([0, 1, 0, 1])
    assert expected_calibration_error(probs, target, n_bins=5) == pytest.approx(0.0625)
    # one bin: |accuracy - mean confidence| = |3/4 - 0.7625|
    assert expected_calibration_error(probs, target, n_bins=1) == pytest.approx(0.0125)
    # ten bins: 0.9 | 0.7 and 0.65 together, half right | 0.8
    expected = (0.1 + 2 * abs(0.5 - 0.675) + 0.2) / 4
    assert expected_calibration_error(probs, target, n_bins=10) == pytest.approx(expected)


def test_ece_bins_are_closed_on_the_right():
    # 0.6 (right) and 0.7 (wrong): in separate bins (0.4, 0.6] and (0.6, 0.8] with 5 bins
    probs = np.array([[0.6, 0.4], [0.7, 0.3]])
    ece = expected_calibration_error(probs, [0, 1], n_bins=5)
    assert ece == pytest.approx(0.5 * 0.4 + 0.5 * 0.7)  # together it would be 0.15
    # a confidence of exactly 1 is in the last bin; a wrong one costs 1
    assert expected_calibration_error([[1.0, 0.0]], [1], n_bins=4) == 1.0
    assert expected_calibration_error([[1.0, 0.0]], [0], n_bins=4) == 0.0


def test_ece_ties_predict_the_first_class():
    probs = np.full((4, 2), 0.5)
    assert expected_calibration_error(probs, [0, 0, 0, 0]) == 0.5
    assert expected_calibration_error(probs, [0, 1, 1, 0]) == 0.0


@pytest.mark.parametrize("n_bins", [1, 2, 7, 15, 100])
@pytest.mark.parametrize("k", [2, 5, 30])
def test_ece_matches_the_loop_reference(rng, n_bins, k):
    probs = rng.dirichlet(np.full(k, 0.3), size=500)
    target = sample_classes(rng, probs**1.5 / (probs**1.5).sum(-1, keepdims=True))
    ece = expected_calibration_error(probs, target, n_bins=n_bins)
    assert ece == pytest.approx(ref_ece(probs, target, n_bins), rel=1e-12, abs=1e-15)
    assert 0.0 <= ece <= 1.0


def test_ece_axis_and_batch_axes(rng):
    probs = rng.dirichlet(np.ones(4), size=(3, 5))
    target = rng.integers(0, 4, (3, 5))
    flat = expected_calibration_error(probs.reshape(-1, 4), target.ravel())
    assert expected_calibration_error(probs, target) == pytest.approx(flat, rel=1e-14)
    moved = np.moveaxis(probs, -1, 0)
    assert expected_calibration_error(moved, target, axis=0) == pytest.approx(flat, rel=1e-14)


def test_ece_of_a_calibrated_model_shrinks_with_the_sample_and_grows_with_bins(rng):
    """ECE is biased upwards on finite samples; the bias grows with the number of bins."""
    probs = rng.dirichlet(np.ones(3), size=4000)
    target = sample_classes(rng, probs)  # calibrated by construction
    few = expected_calibration_error(probs, target, n_bins=5)
    many = expected_calibration_error(probs, target, n_bins=200)
    assert few < 0.03 and many > few


def test_ece_errors():
    probs = np.array([[0.7, 0.3], [0.4, 0.6]])
    for bad in (0, -3):
        with pytest.raises(ValueError, match="n_bins must be >= 1"):
            expected_calibration_error(probs, [0, 1], n_bins=bad)
    for bad in (2.5, True, "15", None):
        with pytest.raises(TypeError, match="n_bins must be an integer"):
            expected_calibration_error(probs, [0, 1], n_bins=bad)
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        expected_calibration_error(probs, [0.0, 1.0])
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        expected_calibration_error(probs, [True, False])
    with pytest.raises(ValueError, match=r"target must have the shape .* \(2,\), got \(3,\)"):
        expected_calibration_error(probs, [0, 1, 1])
    with pytest.raises(ValueError, match=r"target has class indices outside \[0, 2\): 2"):
        expected_calibration_error(probs, [0, 2])
    with pytest.raises(ValueError, match="target has class indices outside"):
        expected_calibration_error(probs, [-1, 0])
    with pytest.raises(ValueError, match="probs does not sum to 1"):
        expected_calibration_error([[0.7, 0.7]], [0])
    with pytest.raises(ValueError, match="probs has negative entries"):
        expected_calibration_error([[1.2, -0.2]], [0])
    with pytest.raises(ValueError, match="probs contains NaN"):
        expected_calibration_error([[np.nan, 0.5]], [0])
    with pytest.raises(ValueError, match="probs is empty"):
        expected_calibration_error(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        expected_calibration_error(probs, [0, 1], axis=2)


# ---------------------------------------------------------------- Brier


def ref_brier(probs, target):
    onehot = np.eye(probs.shape[-1])[target]
    return ((probs - onehot) ** 2).sum(axis=-1)


@pytest.mark.parametrize("k", [2, 3, 10])
def test_brier_matches_the_direct_formula(rng, k):
    probs = rng.dirichlet(np.ones(k), size=(4, 6))
    target = rng.integers(0, k, (4, 6))
    expected = ref_brier(probs, target)
    per = brier_score(probs, target, reduction="none")
    assert per.shape == (4, 6) and per.dtype == np.float64
    np.testing.assert_allclose(per, expected, rtol=1e-14, atol=1e-16)
    assert brier_score(probs, target) == pytest.approx(expected.mean(), rel=1e-14)
    assert brier_score(probs, target, reduction="sum") == pytest.approx(expected.sum(), rel=1e-14)
    moved = np.moveaxis(probs, -1, 1)
    np.testing.assert_allclose(brier_score(moved, target, axis=1, reduction="none"), per)


def test_brier_range_and_binary_convention():
    assert brier_score([[0.0, 1.0, 0.0]], [1]) == 0.0
    assert brier_score([[0.0, 1.0, 0.0]], [0]) == 2.0
    assert brier_score([[1 / 3] * 3], [2]) == pytest.approx(2 / 3)
    # with two classes, twice the binary (p - y)^2
    p1 = 0.8
    assert brier_score([[1 - p1, p1]], [1]) == pytest.approx(2 * (p1 - 1) ** 2)
    scalar = brier_score([0.25, 0.75], 1, reduction="none")
    assert isinstance(scalar, np.float64) and scalar == pytest.approx(0.125)


def test_brier_does_not_modify_its_input(rng):
    probs = rng.dirichlet(np.ones(4), size=10)
    before = probs.copy()
    brier_score(probs, rng.integers(0, 4, 10))
    np.testing.assert_array_equal(probs, before)


@HYPOTHESIS
@given(
    st.integers(1, 12).flatmap(
        lambda k: st.tuples(
            st.lists(
                hnp.arrays(np.float64, k, elements=st.floats(0, 1)).filter(lambda w: w.sum() > 0),
                min_size=1,
                max_size=8,
            ),
            st.lists(st.integers(0, k - 1), min_size=8, max_size=8),
        )
    )
)
def test_brier_is_in_0_2(case):
    rows, classes = case
    probs = np.array([normalise(w) for w in rows])
    target = np.array(classes[: len(rows)])
    per = brier_score(probs, target, reduction="none")
    assert ((per >= 0) & (per <= 2)).all()
    np.testing.assert_allclose(per, ref_brier(probs, target), rtol=1e-12, atol=1e-15)


def test_brier_errors():
    probs = np.array([[0.7, 0.3], [0.4, 0.6]])
    with pytest.raises(ValueError, match="reduction must be"):
        brier_score(probs, [0, 1], reduction="avg")
    with pytest.raises(TypeError, match="target must hold integer"):
        brier_score(probs, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="target has class indices outside"):
        brier_score(probs, [0, 5])
    with pytest.raises(ValueError, match="target must have the shape"):
        brier_score(probs, [[0, 1]])
    with pytest.raises(ValueError, match="probs does not sum to 1"):
        brier_score([[0.5, 0.6]], [0])


# ------------------------------------------------------ fit_temperature


def test_fit_temperature_recovers_the_temperature_the_data_came_from(rng):
    logits = rng.standard_normal((20_000, 5)) * 3.0
    target = sample_classes(rng, ref_softmax(logits / 2.0))
    fit = fit_temperature(logits, target)
    assert isinstance(fit, TemperatureFit)
    assert fit.temperature == pytest.approx(2.0, rel=0.03)
    assert fit.loss < fit.loss_at_one
    assert fit.loss_at_one == cross_entropy_from_logits(logits, target)
    assert fit.loss == cross_entropy_from_logits(logits, target, temperature=fit.temperature)
    # accuracy is untouched, and the calibration error falls
    calibrated = softmax(logits, temperature=fit.temperature)
    assert (calibrated.argmax(-1) == logits.argmax(-1)).all()
    before = expected_calibration_error(softmax(logits), target)
    after = expected_calibration_error(calibrated, target)
    assert after < before / 5


def test_fit_temperature_exact_case():
    # 81/82 confident, 90% right: softmax([0, 2 ln 9] / 2) = (0.1, 0.9) is the optimum
    logits = np.tile([0.0, 2 * math.log(9.0)], (10, 1))
    target = np.array([1] * 9 + [0])
    fit = fit_temperature(logits, target)
    assert fit.temperature == pytest.approx(2.0, rel=1e-7)
    assert fit.loss == pytest.approx(-(0.9 * math.log(0.9) + 0.1 * math.log(0.1)), rel=1e-14)


@st.composite
def logits_and_targets(draw):
    n = draw(st.integers(1, 20))
    k = draw(st.integers(2, 6))
    values = st.floats(-30, 30, allow_nan=False, allow_infinity=False)
    logits = draw(hnp.arrays(np.float64, (n, k), elements=values))
    target = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    return logits, target


@HYPOTHESIS
@given(logits_and_targets())
def test_fit_temperature_never_does_worse_than_t_equals_1(case):
    logits, target = case
    fit = fit_temperature(logits, target)
    assert 0.05 <= fit.temperature <= 20.0
    assert fit.loss <= fit.loss_at_one
    assert fit.loss == cross_entropy_from_logits(logits, target, temperature=fit.temperature)
    assert fit.loss_at_one == cross_entropy_from_logits(logits, target)
    ref = ref_cross_entropy_from_logits(logits / fit.temperature, target).mean()
    assert fit.loss == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_fit_temperature_stops_exactly_at_a_bound():
    logits = np.array([[3.0, 0.0, -1.0], [0.0, 2.0, 1.0], [1.0, 0.0, 4.0]])
    # always right: the loss falls towards 0 as T -> 0
    assert fit_temperature(logits, [0, 1, 2]).temperature == 0.05
    assert fit_temperature(logits, [0, 1, 2], bounds=(0.2, 5.0)).temperature == 0.2
    # always the least likely class: the uniform prediction (T -> inf) is best
    fit = fit_temperature(logits, [2, 0, 1])
    assert fit.temperature == 20.0 and fit.loss < fit.loss_at_one


def test_fit_temperature_of_a_flat_loss_is_1():
    fit = fit_temperature(np.zeros((4, 3)), [0, 1, 2, 0])
    assert fit == (1.0, math.log(3.0), math.log(3.0))


def test_fit_temperature_ignores_rows(rng):
    logits = rng.standard_normal((50, 4)) * 2
    target = rng.integers(0, 4, 50)
    padded = np.where(rng.random(50) < 0.3, -100, target)
    fit = fit_temperature(logits, padded, ignore_index=-100)
    kept = padded != -100
    assert fit.temperature == pytest.approx(
        fit_temperature(logits[kept], target[kept]).temperature, rel=1e-12
    )


def test_fit_temperature_with_bounds_that_exclude_1(rng):
    logits = rng.standard_normal((200, 4)) * 3
    target = sample_classes(rng, ref_softmax(logits))  # calibrated: the optimum is near 1
    fit = fit_temperature(logits, target, bounds=(2.0, 8.0))
    assert fit.temperature == 2.0  # the closest the bounds allow
    assert fit.loss > fit.loss_at_one


def test_fit_temperature_accepts_lists_and_soft_targets():
    logits = [[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    hard = fit_temperature(logits, [0, 1, 1])
    soft = fit_temperature(logits, [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert soft.temperature == pytest.approx(hard.temperature, rel=1e-12)


def test_fit_temperature_errors():
    logits = np.array([[1.0, 0.0], [0.0, 1.0]])
    for bad in ((0.0, 2.0), (-1.0, 2.0), (1.0, np.inf), (np.nan, 2.0)):
        with pytest.raises(ValueError, match=r"bounds\[[01]\] must be a finite number > 0"):
            fit_temperature(logits, [0, 1], bounds=bad)
    for bad in ((2.0, 1.0), (1.0, 1.0)):
        with pytest.raises(ValueError, match="lower < upper"):
            fit_temperature(logits, [0, 1], bounds=bad)
    for bad in (1.0, (1.0, 2.0, 3.0), None):
        with pytest.raises(TypeError, match=r"bounds must be a pair"):
            fit_temperature(logits, [0, 1], bounds=bad)
    with pytest.raises(TypeError, match=r"bounds\[1\] must be a real number"):
        fit_temperature(logits, [0, 1], bounds=(0.1, "5"))
    with pytest.raises(ValueError, match="infinite at every temperature"):
        fit_temperature(np.array([[0.0, -np.inf], [0.0, 1.0]]), [1, 0])
    with pytest.raises(ValueError, match="mean loss over no rows"):
        fit_temperature(logits, [-100, -100], ignore_index=-100)
    with pytest.raises(ValueError, match="logits contains NaN"):
        fit_temperature(np.array([[np.nan, 0.0]]), [0])
    with pytest.raises(ValueError, match="target has class indices outside"):
        fit_temperature(logits, [0, 2])
    with pytest.raises(TypeError, match="logits must hold real numbers"):
        fit_temperature(np.array([[True, False]]), [0])


# ---------------------------------------------------------- the minimiser


@pytest.mark.parametrize("c", [-2.5, -0.3, 0.0, 1e-3, 0.77, 2.9])
def test_minimiser_finds_interior_minima(c):
    calls = []

    def f(x):
        calls.append(x)
        return (x - c) ** 2 + 0.1 * (x - c) ** 4

    x, fx = _minimize_bounded(f, -3.0, 3.0)
    assert x == pytest.approx(c, abs=1e-7) and fx == f(x)  # ~ sqrt(eps) |x|
    assert len(calls) < 40
    assert all(-3.0 < v < 3.0 for v in calls)  # never at the ends


def test_minimiser_approaches_an_end_when_the_minimum_is_beyond_it():
    x, _ = _minimize_bounded(lambda v: -v, 0.0, 1.0)
    assert 1.0 - 1e-7 < x < 1.0
    x, _ = _minimize_bounded(math.exp, -4.0, 2.0)
    assert -4.0 < x < -4.0 + 3e-7


def test_minimiser_reports_non_convergence():
    with pytest.raises(RuntimeError, match="did not converge in 3 iterations"):
        _minimize_bounded(lambda v: (v - 0.3) ** 2, -5.0, 5.0, max_iter=3)
