"""entropy_from_samples and mutual_information_from_samples: exact values, bias, validation.

It is long because each estimator's bias is checked by seeded Monte Carlo on several
known distributions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infotheory import (
    entropy,
    entropy_from_samples,
    mutual_information,
    mutual_information_from_samples,
)
from infotheory.estimators import ESTIMATORS, _digamma, _grassberger_g

from ._helpers import HYPOTHESIS, LN2, no_runtime_warnings

EULER_GAMMA = 0.57721566490153286061
CORRECTIONS = [e for e in ESTIMATORS if e != "plugin"]


def object_array(values) -> np.ndarray:
    """A 1-D object array holding `values` as they are (tuples and lists stay elements)."""
    arr = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        arr[i] = value
    return arr


def frequencies(samples) -> np.ndarray:
    return np.unique(np.asarray(samples), return_counts=True)[1] / len(samples)


def empirical_joint(x, y) -> np.ndarray:
    _, ix = np.unique(x, return_inverse=True)
    _, iy = np.unique(y, return_inverse=True)
    table = np.zeros((ix.max() + 1, iy.max() + 1))
    np.add.at(table, (ix.ravel(), iy.ravel()), 1.0)
    return table / len(x)


# ------------------------------------------------------------------ digamma


def test_digamma_matches_scipy():
    special = pytest.importorskip("scipy.special")
    x = np.concatenate([np.arange(1, 4001) / 2, [1e6, 1e6 + 0.5, 123456789.5, 2.0**52]])
    np.testing.assert_allclose(_digamma(x), special.digamma(x), rtol=1e-15, atol=0)


def test_digamma_known_values_and_recurrence():
    assert _digamma(1.0) == -EULER_GAMMA
    assert _digamma(0.5) == -EULER_GAMMA - 2 * math.log(2)
    assert _digamma(1.5) == pytest.approx(2 - EULER_GAMMA - 2 * math.log(2), rel=1e-15)
    # psi(x + 1) = psi(x) + 1/x, including across the switch from the table to the series
    x = np.arange(1, 61) / 2
    np.testing.assert_allclose(_digamma(x + 1), _digamma(x) + 1 / x, rtol=1e-15, atol=1e-16)
    # vectorised: the shape is kept
    assert _digamma(np.ones((2, 3))).shape == (2, 3)


def test_digamma_refuses_other_arguments():
    for bad in (0.0, -1.0, 0.25, np.nan, np.inf):
        with pytest.raises(ValueError, match="positive integers and half-integers"):
            _digamma([1.0, bad])


def test_grassberger_g():
    n = np.arange(1, 41)
    g = _grassberger_g(n)
    assert g[0] == pytest.approx(-EULER_GAMMA - math.log(2), rel=1e-15)
    # G(2m + 1) = G(2m): psi grows by 1/(2m), the alternating term falls by as much
    np.testing.assert_allclose(g[2::2], g[1:-1:2], rtol=1e-15)
    # G(n) tends to log n
    assert abs(_grassberger_g(np.array([10**6]))[0] - math.log(10**6)) < 1e-6


# -------------------------------------------------------------- exact values


SAMPLES = [
    [0, 0, 1],
    [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
    list(range(7)),  # all singletons
    [0] * 9 + [1],
    np.random.default_rng(5).integers(0, 12, size=40),
]


@pytest.mark.parametrize("samples", SAMPLES)
def test_plugin_is_the_entropy_of_the_empirical_frequencies(samples):
    assert entropy_from_samples(samples) == pytest.approx(
        float(entropy(frequencies(samples))), rel=1e-15, abs=0
    )


@pytest.mark.parametrize("samples", SAMPLES)
def test_miller_madow_adds_k_minus_1_over_2n(samples):
    k, n = len(np.unique(samples)), len(samples)
    plugin = entropy_from_samples(samples)
    mm = entropy_from_samples(samples, estimator="miller_madow")
    assert mm == pytest.approx(plugin + (k - 1) / (2 * n), rel=1e-15)


def test_chao_shen_hand_values():
    # [0, 0, 1]: one singleton, coverage 2/3, shrunk frequencies 4/9 and 2/9
    n = 3
    expected = 0.0
    for pa in (4 / 9, 2 / 9):
        expected -= pa * math.log(pa) / (1 - (1 - pa) ** n)
    assert entropy_from_samples([0, 0, 1], estimator="chao_shen") == pytest.approx(
        expected, rel=1e-14
    )
    # all singletons: f1 = N is replaced by N - 1, so coverage is 1/N and pa = 1/N^2
    n = 7
    pa = 1 / n**2
    expected = -n * pa * math.log(pa) / (1 - (1 - pa) ** n)
    got = entropy_from_samples(list(range(n)), estimator="chao_shen")
    assert got == pytest.approx(expected, rel=1e-14)
    assert got > math.log(n)  # more than the plug-in's log N: unseen values are expected


def test_grassberger_hand_value():
    # [0, 0, 1]: log 3 - (2 G(2) + G(1)) / 3, with G(1) = -gamma - ln 2 and
    # G(2) = psi(2) + (psi(3/2) - psi(1)) / 2 = 1 - gamma + (2 - 2 ln 2) / 2
    g1 = -EULER_GAMMA - math.log(2)
    g2 = 1 - EULER_GAMMA + 1 - math.log(2)
    expected = math.log(3) - (2 * g2 + g1) / 3
    assert entropy_from_samples([0, 0, 1], estimator="grassberger") == pytest.approx(
        expected, rel=1e-15
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 100, 101])
def test_a_constant_sample_has_zero_entropy(estimator, n):
    with no_runtime_warnings():
        h = entropy_from_samples(["same"] * n, estimator=estimator)
        mi = mutual_information_from_samples([1] * n, np.arange(n) % 3, estimator=estimator)
    assert h == 0.0 and not np.signbit(h)
    assert mi == 0.0 and not np.signbit(mi)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_base_2_is_nats_over_ln_2(estimator):
    s = SAMPLES[4]
    nats = entropy_from_samples(s, estimator=estimator)
    assert entropy_from_samples(s, estimator=estimator, base=2) == pytest.approx(
        nats / LN2, rel=1e-15
    )
    assert entropy_from_samples(s, estimator=estimator, base=10) == pytest.approx(
        nats / math.log(10), rel=1e-15
    )
    x, y = SAMPLES[4], SAMPLES[4] // 3
    mi = mutual_information_from_samples(x, y, estimator=estimator)
    assert mi > 0
    assert mutual_information_from_samples(x, y, estimator=estimator, base=2) == pytest.approx(
        mi / LN2, rel=1e-15
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_results_are_float64_scalars(estimator):
    assert type(entropy_from_samples([1, 2, 2], estimator=estimator)) is np.float64
    assert type(mutual_information_from_samples([1, 2, 2], [0, 1, 1], estimator=estimator)) is (
        np.float64
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_strings_ints_floats_and_objects_give_the_same_answer(estimator):
    ints = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
    names = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 9: "nine"}
    strings = [names[i] for i in ints]
    objects = object_array([None if i == 9 else (i, "x") for i in ints])
    expected = entropy_from_samples(ints, estimator=estimator)
    for same in (
        strings,
        np.array(strings, dtype="S"),
        ints.astype(np.float32) / 2,
        ints.astype(np.uint8),
        ints.astype(object),
        objects,
    ):
        assert entropy_from_samples(same, estimator=estimator) == pytest.approx(
            expected, rel=1e-15
        )


def test_booleans_signed_zeros_and_infinities_are_outcomes():
    assert entropy_from_samples([True, False, True, False], base=2) == 1.0
    assert entropy_from_samples([0.0, -0.0, 0.0, -0.0]) == 0.0
    assert entropy_from_samples([np.inf, -np.inf, np.inf, -np.inf], base=2) == 1.0


def test_object_values_compare_as_dictionary_keys():
    # 1, 1.0 and True are one key, as in a dict
    assert entropy_from_samples(np.array([1, 1.0, True, "1"], dtype=object)) == pytest.approx(
        float(entropy([0.75, 0.25])), rel=1e-15
    )


def test_rows_of_a_2d_sample_are_joint_outcomes():
    rng = np.random.default_rng(11)
    x, y = rng.integers(0, 3, size=60), rng.integers(0, 4, size=60)
    pairs = np.column_stack([x, y])
    table = empirical_joint(x, y)
    cells = table.ravel()
    assert entropy_from_samples(pairs) == pytest.approx(
        float(entropy(cells[cells > 0])), rel=1e-15
    )
    # the same pairs as rows of strings, and as an object array of tuples rows
    assert entropy_from_samples(pairs.astype(str)) == pytest.approx(
        entropy_from_samples(pairs), rel=1e-15
    )
    assert entropy_from_samples(pairs.astype(object)) == pytest.approx(
        entropy_from_samples(pairs), rel=1e-15
    )
    # a 2-D y is one vector-valued variable: I(X; (Y, Z)) >= I(X; Y)
    z = rng.integers(0, 2, size=60)
    assert mutual_information_from_samples(x, np.column_stack([y, z])) >= (
        mutual_information_from_samples(x, y)
    )
    # a column of one value changes nothing
    assert entropy_from_samples(np.column_stack([x, np.zeros_like(x)])) == pytest.approx(
        entropy_from_samples(x), rel=1e-15
    )


def test_plugin_mi_is_the_mi_of_the_empirical_joint_table():
    rng = np.random.default_rng(12)
    x = rng.integers(0, 4, size=80)
    y = (x + rng.integers(0, 2, size=80)) % 5
    assert mutual_information_from_samples(x, y) == pytest.approx(
        float(mutual_information(empirical_joint(x, y))), rel=1e-14
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mi_of_a_sample_with_itself_is_its_entropy(estimator):
    for s in SAMPLES[:2] + SAMPLES[3:]:
        assert mutual_information_from_samples(s, s, estimator=estimator) == pytest.approx(
            entropy_from_samples(s, estimator=estimator), rel=1e-14
        )


def test_negative_bias_corrected_mi_is_clamped_to_zero():
    # the docstring example: two independent four-sided dice, 100 rolls
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 4, size=100), rng.integers(0, 4, size=100)
    for estimator in ("miller_madow", "grassberger"):
        raw = (
            entropy_from_samples(x, estimator=estimator)
            + entropy_from_samples(y, estimator=estimator)
            - entropy_from_samples(np.column_stack([x, y]), estimator=estimator)
        )
        assert raw < 0
        mi = mutual_information_from_samples(x, y, estimator=estimator)
        assert mi == 0.0 and not np.signbit(mi)
    assert mutual_information_from_samples(x, y) > 0  # plug-in: positive bias


# ------------------------------------------------------------ properties

small_samples = st.lists(st.integers(0, 6), min_size=2, max_size=40)
estimators = st.sampled_from(ESTIMATORS)


@HYPOTHESIS
@given(small_samples, estimators, st.data())
def test_permutation_invariance(samples, estimator, data):
    shuffled = data.draw(st.permutations(samples))
    assert entropy_from_samples(shuffled, estimator=estimator) == pytest.approx(
        entropy_from_samples(samples, estimator=estimator), rel=1e-13, abs=1e-15
    )


@HYPOTHESIS
@given(small_samples, estimators, st.permutations(list(range(7))))
def test_relabelling_invariance(samples, estimator, relabel):
    renamed = [f"v{relabel[s]}" for s in samples]
    assert entropy_from_samples(renamed, estimator=estimator) == pytest.approx(
        entropy_from_samples(samples, estimator=estimator), rel=1e-13, abs=1e-15
    )


@HYPOTHESIS
@given(st.data(), estimators)
def test_mi_is_symmetric_and_results_are_non_negative(data, estimator):
    n = data.draw(st.integers(2, 40))
    x = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    y = data.draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    with no_runtime_warnings():
        xy = mutual_information_from_samples(x, y, estimator=estimator)
        yx = mutual_information_from_samples(y, x, estimator=estimator)
        hx = entropy_from_samples(x, estimator=estimator)
    assert xy == pytest.approx(yx, rel=1e-13, abs=1e-14)
    assert xy >= 0 and hx >= 0
    assert not np.signbit(xy) and not np.signbit(hx)
    if estimator == "plugin":
        assert xy <= min(hx, entropy_from_samples(y)) + 1e-12


# --------------------------------------------------------------- validation


def test_unknown_estimator():
    choices = "'plugin', 'miller_madow', 'chao_shen', 'grassberger'"
    for bad in ("mle", "Plugin", None, 3):
        with pytest.raises(ValueError, match=f"estimator must be one of {choices}, got"):
            entropy_from_samples([1, 2], estimator=bad)
        with pytest.raises(ValueError, match="estimator must be one of"):
            mutual_information_from_samples([1, 2], [1, 2], estimator=bad)


def test_fewer_than_two_samples():
    with pytest.raises(ValueError, match="samples must hold at least 2 samples, got 1"):
        entropy_from_samples([7])
    with pytest.raises(ValueError, match="samples must hold at least 2 samples, got 0"):
        entropy_from_samples([])
    with pytest.raises(ValueError, match="samples must hold at least 2 samples, got 0"):
        entropy_from_samples(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="x must hold at least 2 samples, got 1"):
        mutual_information_from_samples([1], ["a"])


def test_nan_is_refused():
    with pytest.raises(ValueError, match="samples contains NaN"):
        entropy_from_samples([1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="samples contains NaN"):
        entropy_from_samples([[1.0, 2.0], [np.nan, 2.0]])
    with pytest.raises(ValueError, match="samples contains NaN"):
        entropy_from_samples(np.array(["a", float("nan")], dtype=object))
    with pytest.raises(ValueError, match="samples contains NaN"):
        entropy_from_samples(np.array([1 + 0j, complex(np.nan, 0)]))
    with pytest.raises(ValueError, match="y contains NaN"):
        mutual_information_from_samples([1, 2], [0.5, np.nan])


def test_lengths_must_match():
    with pytest.raises(ValueError, match="x and y must have the same length, got 3 and 4"):
        mutual_information_from_samples([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="x and y must have the same length, got 2 and 3"):
        mutual_information_from_samples([[1, 2], [3, 4]], [1, 2, 3])


def test_dimensions():
    with pytest.raises(ValueError, match="samples must be 1-D .* or 2-D .*, got a scalar"):
        entropy_from_samples(3)
    with pytest.raises(ValueError, match="samples must be 1-D .* or 2-D .*, got 3-D"):
        entropy_from_samples(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="x must be 1-D .* or 2-D .*, got a scalar"):
        mutual_information_from_samples(1, [1, 2])
    with pytest.raises(ValueError, match="y must be 1-D .* or 2-D .*, got a scalar"):
        mutual_information_from_samples([1, 2], "ab")
    with pytest.raises(ValueError, match="samples is 2-D with rows of length 0"):
        entropy_from_samples(np.zeros((3, 0)))
    with pytest.raises(ValueError, match="samples could not be converted to an array"):
        entropy_from_samples([[1, 2], [3]])


def test_invalid_base():
    for bad in (1, 0.5, 0, -2, math.inf, math.nan):
        with pytest.raises(ValueError, match="base must be a finite number > 1"):
            entropy_from_samples([1, 2], base=bad)
        with pytest.raises(ValueError, match="base must be a finite number > 1"):
            mutual_information_from_samples([1, 2], [1, 2], base=bad)
    with pytest.raises(TypeError, match="base must be a real number or None"):
        entropy_from_samples([1, 2], base="2")


def test_values_that_are_not_discrete_outcomes():
    with pytest.raises(TypeError, match="samples must hold discrete values .* datetime64"):
        entropy_from_samples(np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"))
    with pytest.raises(TypeError, match="x holds an unhashable value of type list"):
        mutual_information_from_samples(object_array([[1], [2, 3]]), [1, 2])


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        entropy_from_samples([1, 2], "plugin")
    with pytest.raises(TypeError):
        mutual_information_from_samples([1, 2], [1, 2], "plugin")


# ------------------------------------------------- Monte Carlo: the biases

REPS = 2000


def zipf(k: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1)
    return w / w.sum()


def mean_bias(estimates: np.ndarray, truth: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean bias of each column of estimates, and its standard error."""
    return estimates.mean(axis=0) - truth, estimates.std(axis=0, ddof=1) / math.sqrt(
        len(estimates)
    )


@pytest.mark.parametrize("n", [20, 50, 100])
@pytest.mark.parametrize("name, p", [("uniform16", np.full(16, 1 / 16)), ("zipf30", zipf(30))])
def test_plugin_entropy_is_biased_down_and_corrections_reduce_the_bias(name, p, n):
    truth = float(entropy(p))
    rng = np.random.default_rng(1000 * n + len(p))
    draws = rng.choice(len(p), size=(REPS, n), p=p)
    estimates = np.array(
        [[entropy_from_samples(s, estimator=e) for e in ESTIMATORS] for s in draws]
    )
    bias, se = mean_bias(estimates, truth)
    assert bias[0] < -3 * se[0]  # plug-in: significantly too low
    for i in range(1, len(ESTIMATORS)):
        assert abs(bias[i]) < abs(bias[0]), ESTIMATORS[i]
    if name == "uniform16" and n == 100:  # well sampled: Miller's -(K - 1)/(2N) is close
        assert bias[0] == pytest.approx(-15 / 200, rel=0.1)


def symmetric_channel(k: int, stay: float) -> np.ndarray:
    """Joint table of X uniform over k and Y = X with probability `stay`, else another value."""
    joint = np.full((k, k), (1 - stay) / (k - 1) / k)
    np.fill_diagonal(joint, stay / k)
    return joint


@pytest.mark.parametrize("n", [50, 100])
@pytest.mark.parametrize(
    "joint", [np.full((4, 4), 1 / 16), symmetric_channel(4, 0.7)], ids=["independent", "channel"]
)
def test_plugin_mi_is_biased_up_and_corrections_reduce_the_bias(joint, n):
    truth = float(mutual_information(joint))
    rng = np.random.default_rng(7 * n + int(truth * 1000))
    cells = rng.choice(joint.size, size=(REPS, n), p=joint.ravel())
    xs, ys = np.divmod(cells, joint.shape[1])
    estimates = np.array(
        [
            [mutual_information_from_samples(x, y, estimator=e) for e in ESTIMATORS]
            for x, y in zip(xs, ys)
        ]
    )
    bias, se = mean_bias(estimates, truth)
    assert bias[0] > 3 * se[0]  # plug-in: significantly too high
    for i in range(1, len(ESTIMATORS)):
        assert abs(bias[i]) < abs(bias[0]), ESTIMATORS[i]
    if truth == 0:  # independent: first-order bias (K_X - 1)(K_Y - 1)/(2N) = 9/(2N)
        assert bias[0] == pytest.approx(9 / (2 * n), rel=0.25)
