"""Input validation: every bad input is a ValueError or TypeError that names the argument.

It is long because it is the one place where every argument of every public function is
shown refusing bad input.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from infotheory import (
    conditional_entropy,
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    entropy_from_logits,
    joint_entropy,
    js_divergence,
    kl_divergence,
    kl_divergence_from_logits,
    log_softmax,
    mutual_information,
    perplexity,
    softmax,
)

from ._helpers import normalise

GOOD = [0.25, 0.25, 0.5]
TABLE = [[0.25, 0.25], [0.25, 0.25]]
LOGITS = [[0.0, 1.0, 2.0]]

PAIRWISE = [cross_entropy, kl_divergence, js_divergence]
JOINT = [joint_entropy, conditional_entropy, mutual_information]


def _name(fn):
    return fn.__name__


# ------------------------------------------------------- distributions

BAD_DISTRIBUTIONS = [
    ([0.5, -0.1, 0.6], "has negative entries"),
    ([0.5, np.nan, 0.5], "contains NaN"),
    ([0.5, np.inf, 0.5], "contains infinite values"),
    ([0.5, -np.inf, 0.5], "contains infinite values"),
    ([0.5, 0.6], "does not sum to 1"),
    ([0.5, 0.4], "does not sum to 1"),
    ([3, 1], "does not sum to 1"),
    ([], "is empty"),
    (np.zeros((3, 0)), "is empty"),
    (0.5, "at least one dimension"),
]


@pytest.mark.parametrize("bad,match", BAD_DISTRIBUTIONS)
def test_entropy_rejects_bad_distributions(bad, match):
    with pytest.raises(ValueError, match=f"^p {match}|^p must have {match}"):
        entropy(bad)


@pytest.mark.parametrize("fn", PAIRWISE, ids=_name)
@pytest.mark.parametrize("bad,match", BAD_DISTRIBUTIONS[:7])
def test_pairwise_functions_name_the_bad_argument(fn, bad, match):
    good = normalise(np.ones(len(bad)))
    with pytest.raises(ValueError, match=f"^p {match}"):
        fn(bad, good)
    with pytest.raises(ValueError, match=f"^q {match}"):
        fn(good, bad)


def test_sum_error_message_says_what_to_do():
    with pytest.raises(ValueError, match=r"a sum of 4\.0.*pass normalize=True"):
        entropy([3, 1])
    with pytest.raises(ValueError, match="along axis 0"):
        entropy([[0.5, 0.5], [0.4, 0.4]], axis=0)


def test_negative_entries_are_rejected_even_with_normalize():
    with pytest.raises(ValueError, match="p has negative entries"):
        entropy([2.0, -1.0], normalize=True)
    with pytest.raises(ValueError, match="q contains NaN"):
        kl_divergence([1, 1], [np.nan, 1], normalize=True)
    with pytest.raises(ValueError, match="p sums to 0"):
        entropy([0.0, 0.0], normalize=True)


@pytest.mark.parametrize("fn", PAIRWISE, ids=_name)
def test_shape_mismatch(fn):
    with pytest.raises(
        ValueError, match="p and q must have the same number of outcomes, got 2 and 3"
    ):
        fn([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="p and q have incompatible batch shapes"):
        fn(np.full((2, 3), 1 / 3), np.full((4, 3), 1 / 3))


@pytest.mark.parametrize("fn", [entropy, *PAIRWISE], ids=_name)
def test_axis_out_of_range_or_not_an_integer(fn):
    args = (GOOD,) if fn is entropy else (GOOD, GOOD)
    with pytest.raises(ValueError, match="axis 1 is out of bounds for p"):
        fn(*args, axis=1)
    with pytest.raises(TypeError, match="axis must be an integer"):
        fn(*args, axis=0.0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        fn(*args, axis=True)


@pytest.mark.parametrize("fn", [entropy, *PAIRWISE], ids=_name)
@pytest.mark.parametrize(
    "axis", [(0,), (0, 1), (-2, -1), [0], "0", None, np.float64(0.0), np.bool_(False)]
)
def test_axis_must_be_one_integer(fn, axis):
    """Regression: a tuple reached the joint-table branch and silently reduced over the
    last two axes (here the batch and the outcomes, summing to 2: a misleading error, and
    a wrong number for a table summing to 1 overall)."""
    table = np.full((2, 2), 0.25)  # sums to 1 over both axes, so a tuple used to "work"
    args = (table,) if fn is entropy else (table, table)
    with pytest.raises(TypeError, match="^axis must be an integer, got"):
        fn(*args, axis=axis)


@pytest.mark.parametrize("fn", [entropy, *PAIRWISE], ids=_name)
@pytest.mark.parametrize("axis", [0, -2, np.int64(0), np.int8(-2), np.uint8(0)])
def test_numpy_integer_axes_are_accepted(fn, axis):
    p = np.array([[0.25, 0.5], [0.75, 0.5]])
    args = (p,) if fn is entropy else (p, p[::-1])
    np.testing.assert_array_equal(fn(*args, axis=axis), fn(*(a.T for a in args)))


@pytest.mark.parametrize(
    "fn,args",
    [(entropy, (GOOD,)), *[(f, (GOOD, GOOD)) for f in PAIRWISE], *[(f, (TABLE,)) for f in JOINT]],
    ids=[_name(f) for f in (entropy, *PAIRWISE, *JOINT)],
)
def test_normalize_must_be_a_bool(fn, args):
    """Regression: normalize="no" (truthy) silently rescaled the input."""
    for flag in ("no", 1, 0, None, [True]):
        with pytest.raises(TypeError, match="^normalize must be True or False, got"):
            fn(*args, normalize=flag)
    assert fn(*args, normalize=np.bool_(True)) == fn(*args, normalize=True)


# --------------------------------------------------------------- types

BAD_TYPES = [
    ([True, False], "booleans"),
    (np.array([0.5 + 0j, 0.5]), "complex"),
    (["0.5", "0.5"], "dtype <U"),
    (np.array([0.5, None], dtype=object), "dtype object"),
]


@pytest.mark.parametrize("bad,match", BAD_TYPES)
def test_non_real_inputs_are_type_errors(bad, match):
    with pytest.raises(TypeError, match=f"p must hold real numbers.*{match}"):
        entropy(bad)
    with pytest.raises(TypeError, match=f"q must hold real numbers.*{match}"):
        kl_divergence([0.5, 0.5], bad)
    with pytest.raises(TypeError, match=f"joint must hold real numbers.*{match}"):
        mutual_information([bad, bad])
    with pytest.raises(TypeError, match=f"logits must hold real numbers.*{match}"):
        softmax(bad)
    with pytest.raises(TypeError, match=f"logits_q must hold real numbers.*{match}"):
        kl_divergence_from_logits([0.0, 0.0], bad)


# ----------------------------------------------------------------- base

ALL_WITH_BASE = [
    (entropy, (GOOD,)),
    (cross_entropy, (GOOD, GOOD)),
    (kl_divergence, (GOOD, GOOD)),
    (js_divergence, (GOOD, GOOD)),
    (joint_entropy, (TABLE,)),
    (conditional_entropy, (TABLE,)),
    (mutual_information, (TABLE,)),
    (entropy_from_logits, (LOGITS,)),
    (kl_divergence_from_logits, (LOGITS, LOGITS)),
    (cross_entropy_from_logits, (LOGITS, [1])),
]


@pytest.mark.parametrize("fn,args", ALL_WITH_BASE, ids=[_name(f) for f, _ in ALL_WITH_BASE])
@pytest.mark.parametrize("base", [0, 0.0, -2, 0.5, 1, 1.0, math.inf, -math.inf, math.nan])
def test_invalid_base_is_a_value_error(fn, args, base):
    # A base in (0, 1) has a negative log: every entropy would come out negative.
    with pytest.raises(ValueError, match=r"base must be a finite number > 1"):
        fn(*args, base=base)


@pytest.mark.parametrize("fn,args", ALL_WITH_BASE, ids=[_name(f) for f, _ in ALL_WITH_BASE])
@pytest.mark.parametrize("base", [True, "2", 2j, [2]])
def test_non_real_base_is_a_type_error(fn, args, base):
    with pytest.raises(TypeError, match="base must be a real number or None"):
        fn(*args, base=base)


# --------------------------------------------------------------- joint


@pytest.mark.parametrize("fn", JOINT, ids=_name)
def test_joint_validation(fn):
    with pytest.raises(ValueError, match="joint must be a 2-D joint table"):
        fn([0.5, 0.5])
    with pytest.raises(ValueError, match="joint does not sum to 1 over its last two axes"):
        fn([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="joint has negative entries"):
        fn([[0.5, 0.6], [0.0, -0.1]])
    with pytest.raises(ValueError, match="joint contains NaN"):
        fn([[0.5, np.nan], [0.0, 0.5]])
    with pytest.raises(ValueError, match="joint contains infinite values"):
        fn([[0.5, np.inf], [0.0, 0.5]])
    with pytest.raises(ValueError, match="joint is empty"):
        fn(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="joint is empty"):
        fn(np.zeros((3, 0, 2)))
    with pytest.raises(ValueError, match="joint must have at least one dimension"):
        fn(1.0)
    with pytest.raises(TypeError, match="joint must hold real numbers, got booleans"):
        fn([[True, False], [False, False]])


# ----------------------------------------------------------- ragged lists


@pytest.mark.parametrize("fn", [entropy, *PAIRWISE, *JOINT], ids=_name)
def test_ragged_lists_name_the_argument(fn):
    """Regression: the joint functions called np.shape first, whose numpy error named
    nothing ("setting an array element with a sequence...")."""
    ragged = [[0.5, 0.5], [1.0]]
    if fn in JOINT:
        with pytest.raises(ValueError, match="^joint is ragged"):
            fn(ragged)
    elif fn is entropy:
        with pytest.raises(ValueError, match="^p is ragged"):
            fn(ragged)
    else:
        with pytest.raises(ValueError, match="^p is ragged"):
            fn(ragged, [0.5, 0.5])
        with pytest.raises(ValueError, match="^q is ragged"):
            fn([0.5, 0.5], ragged)


# ---------------------------------------------------------- tolerance


def test_float32_softmax_output_of_length_32000_passes():
    rng = np.random.default_rng(0)
    for scale in (0.1, 1.0, 5.0, 20.0):
        logits = (rng.standard_normal((8, 32000)) * scale).astype(np.float32)
        p = softmax(logits)
        assert p.dtype == np.float32
        h = entropy(p)
        assert h.shape == (8,)
        q = softmax(logits[::-1].copy())
        for fn in PAIRWISE:
            out = fn(p, q)  # accepted; at scale 20 some float32 probabilities underflow to 0
            assert out.shape == (8,) and (out >= 0).all()
        assert np.isfinite(js_divergence(p, q)).all()
        # and the float32 results agree with the float64 computation
        # (float32 probabilities near 1 carry an absolute error of ~6e-8)
        np.testing.assert_allclose(
            h, entropy_from_logits(logits.astype(np.float64)), rtol=1e-5, atol=1e-6
        )


def test_long_float64_softmax_outputs_pass():
    rng = np.random.default_rng(1)
    for n in (10, 1000, 10**6):
        p = softmax(rng.standard_normal(n) * 3)
        assert entropy(p) >= 0
    assert entropy([0.1] * 10) == pytest.approx(math.log(10), rel=1e-15)
    assert entropy([1 / 3] * 3) == pytest.approx(math.log(3), rel=1e-15)
    assert entropy([1 / 7] * 7) == pytest.approx(math.log(7), rel=1e-15)


def test_tolerance_scales_with_dtype():
    # an error of 1e-10 is far beyond float64 round-off, but a float32 vector can't show it
    with pytest.raises(ValueError, match="does not sum to 1"):
        entropy([0.5, 0.5 + 1e-10])
    entropy(np.array([0.5, 0.5 + 1e-10], dtype=np.float32))  # rounds to [0.5, 0.5]
    # 1e-5 is beyond float32 round-off for two entries
    with pytest.raises(ValueError, match="does not sum to 1"):
        entropy(np.array([0.5, 0.50001], dtype=np.float32))
    # a couple of ulps is fine in either precision
    entropy([0.5, 0.5 + 2 * np.finfo(np.float64).eps])
    entropy(np.array([0.5, 0.5 + 2 * np.finfo(np.float32).eps], dtype=np.float32))


def test_tolerance_scales_with_length():
    # 2e-13 off: rejected for 4 outcomes, accepted for a million (sqrt(n) growth)
    short = np.full(4, 0.25)
    short[0] += 2e-13
    with pytest.raises(ValueError, match="does not sum to 1"):
        entropy(short)
    long = np.full(10**6, 1e-6)
    long[0] += 2e-13
    assert entropy(long) == pytest.approx(math.log(10**6), rel=1e-12)
    # but not beyond: 1e-9 off is an error at any length
    long[0] += 1e-9
    with pytest.raises(ValueError, match="does not sum to 1"):
        entropy(long)


ALL_WITH_TOL = [
    (entropy, (GOOD,)),
    (cross_entropy, (GOOD, GOOD)),
    (kl_divergence, (GOOD, GOOD)),
    (js_divergence, (GOOD, GOOD)),
    (joint_entropy, (TABLE,)),
    (conditional_entropy, (TABLE,)),
    (mutual_information, (TABLE,)),
]
TOL_IDS = [_name(f) for f, _ in ALL_WITH_TOL]


@pytest.mark.parametrize("fn,args", ALL_WITH_TOL, ids=TOL_IDS)
@pytest.mark.parametrize(
    "tol,exc",
    [
        (-1e-9, ValueError),
        (-0.0 - 1.0, ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        (True, TypeError),
        ("1e-6", TypeError),
        ([1e-6], TypeError),
        (1j, TypeError),
    ],
)
def test_invalid_tol(fn, args, tol, exc):
    with pytest.raises(exc, match="^tol must be"):
        fn(*args, tol=tol)


@pytest.mark.parametrize("fn,args", ALL_WITH_TOL, ids=TOL_IDS)
def test_tol_accepts_a_widened_float32_softmax(fn, args):
    """Regression: a float64 distribution from a float32 softmax (sum 1 +- 3e-7) had no
    way in but renormalising; the error now says it looks like float32 and what to pass."""
    off = np.asarray(args[0], dtype=np.float64).copy()
    off.reshape(-1)[-1] += 3e-7
    bad = (off,) + args[1:]
    name = "joint" if fn in JOINT else "p"
    where = "over its last two axes" if fn in JOINT else "along axis -1"
    with pytest.raises(
        ValueError,
        match=(
            rf"^{name} does not sum to 1 {where} \(a sum of 1\.0000003, tolerance 7\.1e-15\); "
            r"it looks like a float32 softmax: pass tol=1e-6, or normalize=True to rescale it$"
        ),
    ):
        fn(*bad)
    assert np.isfinite(fn(*bad, tol=1e-6))
    assert fn(*bad, tol=np.float32(1e-6)) == fn(*bad, tol=1e-6)
    with pytest.raises(ValueError, match="does not sum to 1"):
        fn(*bad, tol=1e-7)  # an explicit tol is a bound, not a floor
    if fn in PAIRWISE:  # q too, with the same hint
        with pytest.raises(ValueError, match=r"^q does not sum to 1 .* pass tol=1e-6,"):
            fn(args[0], off)
        assert np.isfinite(fn(args[0], off, tol=1e-6))


def test_tol_zero_and_the_hint_only_when_it_helps():
    assert entropy([0.5, 0.5], tol=0) == pytest.approx(math.log(2))
    # 1/7 seven times sums to 1 - 2.2e-16: rejected by tol=0, without the float32 hint
    with pytest.raises(ValueError, match=r"tolerance 0\.0e\+00\); pass normalize=True"):
        entropy([1 / 7] * 7, tol=0)
    # far beyond float32's tolerance: a wrong distribution, not a float32 one
    with pytest.raises(ValueError, match=r"a sum of 1\.001, .*\); pass normalize=True"):
        entropy([0.5, 0.501])
    # float32 input that misses float32's own tolerance gets no hint either
    with pytest.raises(ValueError, match=r"\); pass normalize=True"):
        entropy(np.array([0.5, 0.50001], dtype=np.float32))
    # the suggested tol covers the worst row of the whole batch
    p = np.full((3, 4), 0.25)
    p[0, 0] += 2e-7
    p[2, 0] += 3e-6
    with pytest.raises(ValueError, match=r"a sum of 1\.000003.*pass tol=1e-5,"):
        entropy(p)
    assert entropy(p, tol=1e-5).shape == (3,)


def test_normalize_true_skips_the_sum_check():
    assert entropy([0.5, 0.6], normalize=True) == pytest.approx(
        -(5 / 11 * math.log(5 / 11) + 6 / 11 * math.log(6 / 11)), rel=1e-14
    )


def test_float16_distributions_pass_the_sum_check():
    """Regression: float16 input was checked with float32's tolerance and rejected."""
    assert entropy(np.full(10, 0.1, dtype=np.float16)) == pytest.approx(math.log(10), rel=1e-3)


def test_float16_softmax_outputs_pass_the_sum_check():
    rng = np.random.default_rng(4)
    for n in (10, 1000, 32000, 128000):
        p = softmax(rng.standard_normal(n).astype(np.float32) * 3).astype(np.float16)
        assert entropy(p) >= 0.0


@pytest.mark.parametrize(("n", "total"), [(10, 0.99), (20000, 0.5), (70000, 0.0), (128000, 2.0)])
def test_float16_tolerance_still_rejects_wrong_sums(n, total):
    p = np.full(n, total / n, dtype=np.float16)
    with pytest.raises(ValueError, match="p does not sum to 1"):
        entropy(p)


def test_longdouble_distributions_pass_the_sum_check():
    """Regression: longdouble input was checked with its own eps, though summed in float64."""
    p = np.full(7, 1, dtype=np.longdouble) / 7
    assert entropy(p) == pytest.approx(math.log(7), rel=1e-14)


# --------------------------------------------------------------- logits

LOGIT_FUNCTIONS = [
    (softmax, lambda x: (x,), "logits"),
    (log_softmax, lambda x: (x,), "logits"),
    (entropy_from_logits, lambda x: (x,), "logits"),
    (kl_divergence_from_logits, lambda x: (x, np.zeros_like(x)), "logits_p"),
    (kl_divergence_from_logits, lambda x: (np.zeros_like(x), x), "logits_q"),
    (cross_entropy_from_logits, lambda x: (x, np.zeros(x.shape[:-1], dtype=int)), "logits"),
    (perplexity, lambda x: (x, np.zeros(x.shape[:-1], dtype=int)), "logits"),
]
LOGIT_IDS = [f"{_name(f)}-{n}" for f, _, n in LOGIT_FUNCTIONS]


@pytest.mark.parametrize("fn,make,name", LOGIT_FUNCTIONS, ids=LOGIT_IDS)
@pytest.mark.parametrize(
    "bad,match",
    [
        ([[0.0, np.nan, 1.0]], "contains NaN"),
        ([[0.0, np.inf, 1.0]], r"contains \+inf"),
        ([[0.0, 1.0, 2.0], [-np.inf, -np.inf, -np.inf]], "has a row that is -inf everywhere"),
        ([[np.nan, -np.inf, np.inf]], "contains NaN"),
    ],
)
def test_bad_logits(fn, make, name, bad, match):
    x = np.array(bad)
    with pytest.raises(ValueError, match=f"^{name} {match}"):
        fn(*make(x))
    with pytest.raises(ValueError, match=f"^{name} {match}"):
        fn(*make(x.astype(np.float32)))


@pytest.mark.parametrize("fn,make,name", LOGIT_FUNCTIONS, ids=LOGIT_IDS)
def test_empty_and_scalar_logits(fn, make, name):
    # No classes is an error; an empty batch is not (torch's meaning, see test_logits_features).
    with pytest.raises(
        ValueError,
        match=r"^logits(_p|_q)? has no classes along axis -1 "
        r"\(shape \(2, 0\)\)",
    ):
        fn(*make(np.zeros((2, 0))))
    if fn in (softmax, log_softmax, entropy_from_logits):
        assert np.shape(fn(np.zeros((0, 3)))) in ((0, 3), (0,))
        with pytest.raises(ValueError, match="logits must have at least one dimension"):
            fn(3.0)


@pytest.mark.parametrize("fn", [softmax, log_softmax, entropy_from_logits], ids=_name)
def test_logits_axis_validation(fn):
    with pytest.raises(ValueError, match="axis 2 is out of bounds for logits"):
        fn(LOGITS, axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        fn(LOGITS, axis=1.0)


def test_kl_from_logits_shape_mismatch():
    # batch dimensions broadcast now; the class counts must still agree
    with pytest.raises(
        ValueError,
        match=r"logits_p and logits_q must have the same number "
        r"of classes along axis -1, got 2 and 3",
    ):
        kl_divergence_from_logits([0.0, 0.0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="same number of dimensions"):
        kl_divergence_from_logits(np.zeros((2, 3)), np.zeros(3))


@pytest.mark.parametrize(
    "temperature,exc",
    [
        (0, ValueError),
        (-1.0, ValueError),
        (math.inf, ValueError),
        (math.nan, ValueError),
        (True, TypeError),
        ("1", TypeError),
        (None, TypeError),
    ],
)
def test_softmax_temperature_validation(temperature, exc):
    with pytest.raises(exc, match="temperature must be"):
        softmax([0.0, 1.0], temperature=temperature)


@pytest.mark.parametrize(
    "smoothing,exc,match",
    [
        (-0.1, ValueError, r"label_smoothing must be in \[0, 1\], got -0.1"),
        (1.1, ValueError, r"label_smoothing must be in \[0, 1\], got 1.1"),
        (math.nan, ValueError, r"label_smoothing must be in \[0, 1\]"),
        (math.inf, ValueError, r"label_smoothing must be in \[0, 1\]"),
        (True, TypeError, "label_smoothing must be a real number"),
        ("0.1", TypeError, "label_smoothing must be a real number"),
    ],
)
def test_label_smoothing_validation(smoothing, exc, match):
    with pytest.raises(exc, match=match):
        cross_entropy_from_logits(LOGITS, [0], label_smoothing=smoothing)


def test_target_validation():
    with pytest.raises(
        ValueError,
        match=r"target has class indices outside \[0, 3\): "
        r"3 at index \(0,\)",
    ):
        cross_entropy_from_logits(LOGITS, [3])
    with pytest.raises(ValueError, match=r"outside \[0, 3\): -1 at index \(1, 0\)"):
        cross_entropy_from_logits(np.zeros((2, 1, 3)), [[0], [-1]])
    with pytest.raises(ValueError, match="outside"):
        cross_entropy_from_logits(LOGITS, [-100])  # ignore_index defaults to None
    with pytest.raises(ValueError, match="outside"):
        perplexity(LOGITS, [5])
    with pytest.raises(
        ValueError,
        match=r"target must hold one class index per row, with the "
        r"logits' shape without the class axis, \(1,\).*"
        r"got shape \(2,\)",
    ):
        cross_entropy_from_logits(LOGITS, [0, 1])
    with pytest.raises(ValueError, match="target must hold one class index per row"):
        cross_entropy_from_logits(LOGITS, 0)


@pytest.mark.parametrize(
    "target,match",
    [
        ([0.0], "float64"),
        (np.array([1.0], dtype=np.float32), "float32"),
        ([True], "bool"),
        (["0"], "<U1"),
        ([1 + 0j], "complex"),
    ],
)
def test_non_integer_targets_are_type_errors(target, match):
    with pytest.raises(
        TypeError, match=f"target must hold integer class indices, got dtype .*{match}"
    ):
        cross_entropy_from_logits(LOGITS, target)


def test_ignore_index_and_reduction_validation():
    with pytest.raises(TypeError, match="ignore_index must be an integer or None"):
        cross_entropy_from_logits(LOGITS, [0], ignore_index=1.0)
    with pytest.raises(TypeError, match="ignore_index must be an integer or None"):
        cross_entropy_from_logits(LOGITS, [0], ignore_index=True)
    for reduction in ("avg", "MEAN", None, "batchmean"):
        with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
            cross_entropy_from_logits(LOGITS, [0], reduction=reduction)


def test_every_target_ignored_with_mean_is_an_error():
    with pytest.raises(ValueError, match="every target equals ignore_index"):
        cross_entropy_from_logits(np.zeros((3, 4)), [-100] * 3, ignore_index=-100)
    with pytest.raises(ValueError, match="every target equals ignore_index"):
        perplexity(np.zeros((3, 4)), [-100] * 3, ignore_index=-100)
    # sum and none are defined
    assert (
        cross_entropy_from_logits(np.zeros((3, 4)), [-100] * 3, ignore_index=-100, reduction="sum")
        == 0.0
    )
    np.testing.assert_array_equal(
        cross_entropy_from_logits(
            np.zeros((3, 4)), [-100] * 3, ignore_index=-100, reduction="none"
        ),
        [0.0, 0.0, 0.0],
    )
