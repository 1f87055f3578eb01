"""kl_estimate (Schulman's k1, k2, k3) and dpo_loss: Monte Carlo, masks, reductions, errors.

It is long because each of k1, k2 and k3 has its bias checked by seeded Monte Carlo.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from infotheory import dpo_loss, kl_divergence, kl_estimate

from ._helpers import HYPOTHESIS, LN2, no_runtime_warnings, ref_kl

KINDS = ("k1", "k2", "k3")

# Far apart: D(P || Q) = 0.529 nats, and E_P[k2] = 0.628, a bias of about 90 standard errors
# at 200 000 samples.
P_FAR = np.array([0.5, 0.25, 0.15, 0.07, 0.03])
Q_FAR = np.array([0.12, 0.22, 0.26, 0.22, 0.18])
# Close: D(P || Q) = 1.15e-3 nats; the variance of k3 is about 500 times smaller than k1's.
Q_NEAR = np.array([0.48, 0.26, 0.15, 0.075, 0.035])
N_DRAWS = 200_000


def draw_log_probs(rng, p, q, n=N_DRAWS):
    x = rng.choice(p.size, size=n, p=p)
    return np.log(p)[x], np.log(q)[x]


def mean_and_se(values):
    return values.mean(), values.std(ddof=1) / math.sqrt(values.size)


def ref_k(kind, log_r):
    """The textbook per-sample formulas, in float64, with no care for round-off."""
    log_r = np.asarray(log_r, dtype=np.float64)
    if kind == "k1":
        return -log_r
    if kind == "k2":
        return 0.5 * log_r**2
    return (np.exp(log_r) - 1.0) - log_r


def exact_k3(x: float) -> float:
    """exp(x) - 1 - x to 50 significant digits."""
    getcontext().prec = 50
    d = Decimal(x)
    return float(d.exp() - 1 - d)


# ----------------------------------------------------------- Monte Carlo


def test_k1_and_k3_are_unbiased_and_k2_is_not(rng):
    logp, logq = draw_log_probs(rng, P_FAR, Q_FAR)
    exact = float(kl_divergence(P_FAR, Q_FAR))
    assert exact == pytest.approx(0.529, abs=1e-3)
    per = {k: kl_estimate(logp, logq, kind=k, reduction="none") for k in KINDS}
    for kind in ("k1", "k3"):
        mean, se = mean_and_se(per[kind])
        assert abs(mean - exact) < 4 * se, (kind, mean, exact, se)
    mean2, se2 = mean_and_se(per["k2"])
    assert abs(mean2 - exact) > 4 * se2, (mean2, exact, se2)
    # ... and k2 estimates what it should: E_P[(log r)^2 / 2], the f-divergence
    expected2 = float((P_FAR * 0.5 * np.log(Q_FAR / P_FAR) ** 2).sum())
    assert abs(mean2 - expected2) < 4 * se2
    # the reduced means are the means of the per-sample values
    for kind in KINDS:
        assert kl_estimate(logp, logq, kind=kind) == pytest.approx(per[kind].mean(), rel=1e-12)


def test_k3_is_never_negative_and_k1_often_is(rng):
    logp, logq = draw_log_probs(rng, P_FAR, Q_FAR)
    assert (kl_estimate(logp, logq, kind="k3", reduction="none") >= 0).all()
    assert (kl_estimate(logp, logq, kind="k2", reduction="none") >= 0).all()
    assert (kl_estimate(logp, logq, kind="k1", reduction="none") < 0).mean() > 0.2


def test_k3_has_lower_variance_than_k1_when_p_is_close_to_q(rng):
    logp, logq = draw_log_probs(rng, P_FAR, Q_NEAR)
    exact = float(kl_divergence(P_FAR, Q_NEAR))
    k1 = kl_estimate(logp, logq, kind="k1", reduction="none")
    k3 = kl_estimate(logp, logq, kind="k3", reduction="none")
    assert k3.var() < k1.var() / 100
    for values in (k1, k3):
        mean, se = mean_and_se(values)
        assert abs(mean - exact) < 4 * se


def test_exact_frequencies_give_the_exact_divergence():
    """A sample whose frequencies are exactly P: the k1 and k3 means are D exactly."""
    p, q = np.array([0.5, 0.25, 0.125, 0.125]), np.array([0.1, 0.2, 0.3, 0.4])
    x = np.repeat(np.arange(4), [4, 2, 1, 1])
    logp, logq = np.log(p)[x], np.log(q)[x]
    exact = ref_kl(p, q)
    assert kl_estimate(logp, logq, kind="k1") == pytest.approx(exact, rel=1e-14)
    assert kl_estimate(logp, logq, kind="k3") == pytest.approx(exact, rel=1e-14)
    f_div = math.fsum(a * 0.5 * math.log(b / a) ** 2 for a, b in zip(p, q))
    assert kl_estimate(logp, logq, kind="k2") == pytest.approx(f_div, rel=1e-14)


# ------------------------------------------------------------- formulas


@pytest.mark.parametrize("kind", KINDS)
def test_per_sample_values_match_the_formulas(rng, kind):
    logp = rng.normal(-3.0, 1.0, (4, 7))
    logq = logp + rng.normal(0.0, 0.8, (4, 7))
    out = kl_estimate(logp, logq, kind=kind, reduction="none")
    assert out.shape == (4, 7) and out.dtype == np.float64
    np.testing.assert_allclose(out, ref_k(kind, logq - logp), rtol=1e-13, atol=1e-15)
    assert kl_estimate(logp, logq, kind=kind, reduction="sum") == pytest.approx(out.sum())


@pytest.mark.parametrize(
    "x",
    [
        1e-12,
        -1e-12,
        1e-8,
        -3e-6,
        1e-3,
        -0.05,
        0.1,
        -0.1,
        0.4999,
        0.5,
        -0.5,
        0.5001,
        0.9,
        -2.0,
        7.0,
        -40.0,
    ],
)
def test_k3_is_accurate_to_a_few_ulps(x):
    # expm1(x) - x alone would be off by about 2 eps / |x|: 4e-13 relative at x = 1e-3
    out = float(kl_estimate(0.0, x, kind="k3"))
    assert out == pytest.approx(exact_k3(x), rel=1e-15)


def test_k3_is_zero_when_the_models_agree():
    out = kl_estimate([-1.5, -0.2], [-1.5, -0.2], kind="k3", reduction="none")
    np.testing.assert_array_equal(out, [0.0, 0.0])
    assert not np.signbit(out).any()
    k1 = kl_estimate([-1.5, -0.2], [-1.5, -0.2], kind="k1", reduction="none")
    assert not np.signbit(k1).any()  # 0.0, not -0.0


def test_huge_log_ratios_overflow_honestly_without_warnings():
    with no_runtime_warnings():
        big = kl_estimate(-1000.0, 0.0, kind="k3")
        very_negative = kl_estimate(0.0, -1000.0, kind="k3")
        k2 = kl_estimate(-1e200, 1e200, kind="k2")
        mean = kl_estimate([-1000.0, -1.0], [0.0, -1.2], kind="k3")
    assert big == np.inf
    assert very_negative == pytest.approx(999.0, rel=1e-15)
    assert k2 == np.inf and mean == np.inf
    assert kl_estimate(-1000.0, 0.0, kind="k1") == -1000.0


@pytest.mark.parametrize("kind", KINDS)
def test_q_ruling_out_a_sample_gives_inf(kind):
    with no_runtime_warnings():
        per = kl_estimate([-0.1, -2.0], [-0.2, -np.inf], kind=kind, reduction="none")
        mean = kl_estimate([-0.1, -2.0], [-0.2, -np.inf], kind=kind)
        total = kl_estimate([-0.1, -2.0], [-0.2, -np.inf], kind=kind, reduction="sum")
    assert np.isfinite(per[0]) and per[1] == np.inf
    assert mean == np.inf and total == np.inf


def test_negative_k1_mean_is_returned_as_computed():
    # every sample happens to be likelier under q: an unlucky but possible draw
    logp, logq = np.log([0.5, 0.5]), np.log([0.6, 0.7])
    mean = kl_estimate(logp, logq, kind="k1")
    assert mean == pytest.approx(-(math.log(1.2) + math.log(1.4)) / 2, rel=1e-14)
    assert mean < 0
    assert kl_estimate(logp, logq, kind="k2") > 0 and kl_estimate(logp, logq, kind="k3") > 0


@HYPOTHESIS
@given(
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-50, 0)),
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-50, 0)),
)
def test_k2_and_k3_are_non_negative_and_k3_is_k1_plus_r_minus_1(a, b):
    n = min(a.size, b.size)
    logp, logq = a[:n], b[:n]
    k1, k2, k3 = (kl_estimate(logp, logq, kind=k, reduction="none") for k in KINDS)
    assert (k2 >= 0).all() and (k3 >= 0).all()
    assert not np.signbit(k2).any() and not np.signbit(k3).any()
    np.testing.assert_allclose(k3, k1 + np.expm1(logq - logp), rtol=1e-12, atol=1e-12)


# ------------------------------------------- masks, reductions, shapes


@pytest.mark.parametrize("kind", KINDS)
def test_masked_entries_are_never_read(rng, kind):
    logp = rng.normal(-2.0, 0.5, (3, 5))
    logq = logp + rng.normal(0.0, 0.3, (3, 5))
    mask = rng.random((3, 5)) < 0.6
    mask[0, 0], mask[1, 1] = True, False
    dirty_p, dirty_q = logp.copy(), logq.copy()
    dirty_p[~mask] = np.nan
    dirty_q[~mask] = np.inf
    dirty_p[1, 1] = -np.inf
    with no_runtime_warnings():
        per = kl_estimate(dirty_p, dirty_q, kind=kind, mask=mask, reduction="none")
        mean = kl_estimate(dirty_p, dirty_q, kind=kind, mask=mask)
        total = kl_estimate(dirty_p, dirty_q, kind=kind, mask=mask, reduction="sum")
    expected = ref_k(kind, logq - logp)
    np.testing.assert_allclose(per, np.where(mask, expected, 0.0), rtol=1e-13, atol=1e-15)
    assert (per[~mask] == 0).all() and not np.signbit(per[~mask]).any()
    assert mean == pytest.approx(expected[mask].mean(), rel=1e-13)
    assert total == pytest.approx(expected[mask].sum(), rel=1e-13)


def test_a_mask_that_selects_nothing():
    logp, mask = np.full((2, 3), np.nan), np.zeros((2, 3), dtype=bool)
    with pytest.raises(ValueError, match="no samples to average"):
        kl_estimate(logp, logp, kind="k3", mask=mask)
    assert kl_estimate(logp, logp, kind="k3", mask=mask, reduction="sum") == 0.0
    np.testing.assert_array_equal(
        kl_estimate(logp, logp, kind="k1", mask=mask, reduction="none"), np.zeros((2, 3))
    )


def test_empty_inputs():
    empty = np.zeros((0, 4))
    with pytest.raises(ValueError, match="no samples to average"):
        kl_estimate(empty, empty, kind="k1")
    total = kl_estimate(empty, empty, kind="k1", reduction="sum")
    assert total == 0.0 and isinstance(total, np.float64)
    assert kl_estimate(empty, empty, kind="k2", reduction="none").shape == (0, 4)


@pytest.mark.parametrize("kind", KINDS)
def test_broadcasting(rng, kind):
    logp = rng.normal(-1.0, 0.3, (3, 1))
    logq = rng.normal(-1.0, 0.3, (1, 4))
    out = kl_estimate(logp, logq, kind=kind, reduction="none")
    assert out.shape == (3, 4)
    full_p, full_q = np.broadcast_arrays(logp, logq)
    np.testing.assert_array_equal(out, kl_estimate(full_p, full_q, kind=kind, reduction="none"))
    mask = np.ones((3, 4), dtype=bool)
    mask[2] = False
    assert kl_estimate(logp, logq, kind=kind, mask=mask) == pytest.approx(out[:2].mean())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_base_2_divides_by_ln_2(rng, kind, reduction):
    logp = rng.normal(-1.0, 0.3, 10)
    logq = rng.normal(-1.0, 0.3, 10)
    nats = kl_estimate(logp, logq, kind=kind, reduction=reduction)
    bits = kl_estimate(logp, logq, kind=kind, reduction=reduction, base=2)
    np.testing.assert_allclose(bits, np.asarray(nats) / LN2, rtol=1e-15)


def test_scalars_dtypes_and_result_types():
    out = kl_estimate(-0.5, -0.7, kind="k1", reduction="none")
    assert isinstance(out, np.float64) and out == pytest.approx(0.2)
    assert isinstance(kl_estimate([-0.5], [-0.7], kind="k1"), np.float64)
    f32 = kl_estimate(
        np.float32([-0.5, -1.0]), np.float32([-0.7, -0.9]), kind="k3", reduction="none"
    )
    assert f32.dtype == np.float64
    ints = kl_estimate([-1, -2], [-2, -2], kind="k2", reduction="none")
    np.testing.assert_allclose(ints, [0.5, 0.0])


# ----------------------------------------------------------------- errors


def test_kind_is_required_and_checked():
    with pytest.raises(TypeError):
        kl_estimate([-1.0], [-1.0])  # type: ignore[call-arg]
    for bad in ("k4", "K1", "", None, 1):
        with pytest.raises(ValueError, match="kind must be one of 'k1', 'k2', 'k3'"):
            kl_estimate([-1.0], [-1.0], kind=bad)


def test_input_errors():
    with pytest.raises(ValueError, match="reduction must be"):
        kl_estimate([-1.0], [-1.0], kind="k1", reduction="avg")
    with pytest.raises(ValueError, match="logp contains NaN"):
        kl_estimate([np.nan, -1.0], [-1.0, -1.0], kind="k1")
    with pytest.raises(ValueError, match="logq contains NaN"):
        kl_estimate([-1.0, -1.0], [-1.0, np.nan], kind="k3")
    with pytest.raises(ValueError, match=r"logq contains \+inf"):
        kl_estimate([-1.0], [np.inf], kind="k2")
    with pytest.raises(ValueError, match=r"logp contains \+inf"):
        kl_estimate([np.inf], [-1.0], kind="k2")
    with pytest.raises(ValueError, match="logp contains -inf"):
        kl_estimate([-np.inf], [-1.0], kind="k1")
    with pytest.raises(ValueError, match="do not broadcast"):
        kl_estimate(np.zeros(3), np.zeros(4), kind="k1")
    with pytest.raises(TypeError, match="logp must hold real numbers"):
        kl_estimate([True, False], [-1.0, -1.0], kind="k1")
    with pytest.raises(TypeError, match="logq must hold real numbers"):
        kl_estimate([-1.0], [1j], kind="k1")
    with pytest.raises(ValueError, match="base must be"):
        kl_estimate([-1.0], [-1.0], kind="k1", base=1)


def test_mask_errors():
    logp = np.zeros((2, 3))
    with pytest.raises(TypeError, match=r"mask must be boolean.*mask == 1"):
        kl_estimate(logp, logp, kind="k1", mask=np.ones((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="mask must be boolean"):
        kl_estimate(logp, logp, kind="k1", mask=np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"broadcast shape of logp and logq, \(2, 3\)"):
        kl_estimate(logp, logp, kind="k1", mask=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="mask must have"):
        kl_estimate(logp, logp, kind="k1", mask=np.ones((3, 2), dtype=bool))
    # NaN at an unmasked entry is still an error
    dirty = logp.copy()
    dirty[0, 1] = np.nan
    with pytest.raises(ValueError, match="logp contains NaN"):
        kl_estimate(dirty, logp, kind="k1", mask=np.ones((2, 3), dtype=bool))


# ================================================================== DPO


def test_dpo_loss_is_log_2_when_the_policy_is_the_reference(rng):
    chosen, rejected = rng.normal(-50, 10, 16), rng.normal(-50, 10, 16)
    per = dpo_loss(chosen, rejected, chosen, rejected, beta=0.1, reduction="none")
    np.testing.assert_allclose(per, LN2, rtol=1e-15)
    assert dpo_loss(chosen, rejected, chosen, rejected, beta=3.0) == pytest.approx(LN2)


def test_dpo_loss_matches_the_formula(rng):
    pc, pr, rc, rr = (rng.normal(-30, 5, 20) for _ in range(4))
    beta = 0.2
    z = beta * ((pc - rc) - (pr - rr))
    expected = -np.log(1.0 / (1.0 + np.exp(-z)))
    per = dpo_loss(pc, pr, rc, rr, beta=beta, reduction="none")
    np.testing.assert_allclose(per, expected, rtol=1e-12)
    assert dpo_loss(pc, pr, rc, rr, beta=beta) == pytest.approx(expected.mean(), rel=1e-13)
    assert dpo_loss(pc, pr, rc, rr, beta=beta, reduction="sum") == pytest.approx(
        expected.sum(), rel=1e-13
    )


def test_dpo_loss_depends_on_beta_times_the_margin_only(rng):
    pc, pr, rc, rr = (rng.normal(-30, 5, 8) for _ in range(4))
    margin = (pc - rc) - (pr - rr)
    zero = np.zeros(8)
    np.testing.assert_allclose(
        dpo_loss(pc, pr, rc, rr, beta=0.5, reduction="none"),
        dpo_loss(0.5 * margin, zero, zero, zero, beta=1.0, reduction="none"),
        rtol=1e-12,
    )


def test_dpo_loss_huge_margins_do_not_overflow():
    with no_runtime_warnings():
        right = dpo_loss(0.0, -1e300, 0.0, 0.0, beta=1.0)
        wrong = dpo_loss(-1e300, 0.0, 0.0, 0.0, beta=1.0)
        per = dpo_loss([1e4, -1e4, 40.0], 0.0, 0.0, 0.0, beta=1.0, reduction="none")
    assert right == 0.0 and not np.signbit(right)
    assert wrong == 1e300
    assert per[0] == 0.0 and per[1] == 1e4
    assert per[2] == pytest.approx(math.exp(-40.0), rel=1e-14)  # not rounded to 0


@HYPOTHESIS
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.floats(1e-3, 10.0))
def test_dpo_loss_is_non_negative_and_decreasing_in_the_margin(margins, beta):
    m = np.sort(np.array(margins))
    zero = np.zeros_like(m)
    with no_runtime_warnings():
        losses = dpo_loss(m, zero, zero, zero, beta=beta, reduction="none")
    assert (losses >= 0).all() and np.isfinite(losses).all()
    assert (np.diff(losses) <= 0).all()


def test_dpo_loss_reductions_on_an_empty_batch():
    e = np.zeros(0)
    assert dpo_loss(e, e, e, e, beta=0.1, reduction="sum") == 0.0
    none = dpo_loss(e, e, e, e, beta=0.1, reduction="none")
    assert none.shape == (0,) and none.dtype == np.float64
    with pytest.raises(ValueError, match="batch is empty"):
        dpo_loss(e, e, e, e, beta=0.1)


def test_dpo_loss_broadcasts_and_returns_float64():
    out = dpo_loss(np.float32([-3.0, -4.0]), -5.0, -3.5, -5.0, beta=1.0, reduction="none")
    assert out.dtype == np.float64 and out.shape == (2,)
    scalar = dpo_loss(-3.0, -5.0, -3.0, -5.0, beta=1.0, reduction="none")
    assert isinstance(scalar, np.float64) and scalar == pytest.approx(LN2)
    assert isinstance(dpo_loss([-3.0], [-5.0], [-3.0], [-5.0], beta=1.0), np.float64)


def test_dpo_loss_errors():
    x = np.array([-1.0, -2.0])
    for bad in (0.0, -0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="beta must be a finite number > 0"):
            dpo_loss(x, x, x, x, beta=bad)
    for bad in ("0.1", None, True):
        with pytest.raises(TypeError, match="beta must be a real number"):
            dpo_loss(x, x, x, x, beta=bad)
    with pytest.raises(TypeError):
        dpo_loss(x, x, x, x)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="reduction must be"):
        dpo_loss(x, x, x, x, beta=0.1, reduction="batchmean")
    with pytest.raises(ValueError, match="policy_rejected must be 1-D"):
        dpo_loss(x, np.zeros((2, 5)), x, x, beta=0.1)
    with pytest.raises(ValueError, match="reference_chosen contains NaN"):
        dpo_loss(x, x, [np.nan, 0.0], x, beta=0.1)
    with pytest.raises(ValueError, match="reference_rejected contains infinite values"):
        dpo_loss(x, x, x, [-np.inf, 0.0], beta=0.1)
    with pytest.raises(ValueError, match="do not broadcast together"):
        dpo_loss(x, np.zeros(3), x, x, beta=0.1)
    with pytest.raises(TypeError, match="policy_chosen must hold real numbers"):
        dpo_loss([True, False], x, x, x, beta=0.1)
