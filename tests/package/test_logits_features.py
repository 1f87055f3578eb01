"""The new features of the logits functions, checked with numpy only.

Layouts, half precision, masks and ``ignore_index``, empty batches, non-negativity,
extreme logits, ``temperature``, ``axis``, broadcasting, probability targets, the
Jensen-Shannon divergence, the fused loss-and-entropy pass, ``token_logprobs``,
``perplexity`` and ``distillation_loss``. Every expected value comes from a float64
reference written here or in ``_helpers`` (or from a hand derivation), never from the
function under test called another way. This file also runs inside Pyodide, where
scipy and ml_dtypes are absent: the tests that need them skip themselves.

It is long because every feature of the logits functions (layouts, dtypes, masks,
temperature, targets, the extremes of the float range) is tested here against the same
float64 references, which the file defines once.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infotheory import (
    CrossEntropyAndEntropy,
    cross_entropy_and_entropy_from_logits,
    cross_entropy_from_logits,
    distillation_loss,
    entropy_from_logits,
    js_divergence_from_logits,
    kl_divergence_from_logits,
    log_softmax,
    perplexity,
    softmax,
    token_logprobs,
)

from ._helpers import (
    HYPOTHESIS,
    LN2,
    logit_vectors,
    no_runtime_warnings,
    ref_cross_entropy_from_logits,
    ref_entropy_from_logits,
    ref_kl_from_logits,
    ref_log_softmax,
    ref_softmax,
)

FMAX = float(np.finfo(np.float64).max)
RTOL = {np.float64: 1e-12, np.float32: 1e-6}


# ------------------------------------------------------------------ references


def ref_js_from_logits(a, b, axis: int = -1) -> np.ndarray:
    """Float64 Jensen-Shannon divergence of softmax(a) and softmax(b), 0 log 0 = 0."""
    lp, lq = ref_log_softmax(a, axis), ref_log_softmax(b, axis)
    p, q = np.exp(lp), np.exp(lq)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_m = np.log((p + q) / 2)
        tp = np.where(p > 0, p * (lp - log_m), 0.0)
        tq = np.where(q > 0, q * (lq - log_m), 0.0)
    return 0.5 * (tp.sum(axis=axis) + tq.sum(axis=axis))


def ref_soft_cross_entropy(x, probs, label_smoothing: float = 0.0) -> np.ndarray:
    """Float64 -sum_k t_k log softmax(x)_k with t = (1 - eps) probs + eps / K (torch's rule)."""
    lp = ref_log_softmax(x)
    t = (1.0 - label_smoothing) * np.asarray(probs, np.float64) + label_smoothing / lp.shape[-1]
    with np.errstate(invalid="ignore"):
        return -np.where(t > 0, t * lp, 0.0).sum(axis=-1)


def ref_token_logprobs(x, target) -> np.ndarray:
    lp = ref_log_softmax(x)
    return np.take_along_axis(lp, np.asarray(target)[..., None], axis=-1)[..., 0]


def ref_distillation(s, t, target, temperature, alpha) -> np.ndarray:
    """Per-row alpha T^2 KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) CE(s, y), float64."""
    soft = ref_kl_from_logits(
        np.asarray(t, np.float64) / temperature, np.asarray(s, np.float64) / temperature
    )
    out = alpha * temperature**2 * soft
    if target is not None and alpha < 1.0:
        out = out + (1.0 - alpha) * ref_cross_entropy_from_logits(s, target)
    return out


def decimal_js(a, b) -> float:
    """JS(softmax(a), softmax(b)) with 60-digit decimals: the reference when p is close to q."""
    with localcontext() as ctx:
        ctx.prec = 60
        ea = [Decimal(float(v)).exp() for v in a]
        eb = [Decimal(float(v)).exp() for v in b]
        sa, sb = sum(ea), sum(eb)
        total = Decimal(0)
        for u, v in zip(ea, eb):
            p, q = u / sa, v / sb
            m = (p + q) / 2
            total += p * (p / m).ln() + q * (q / m).ln()
        return float(total / 2)


def probabilities(rng, shape, axis=-1) -> np.ndarray:
    w = rng.random(shape) + 0.05
    return w / w.sum(axis=axis, keepdims=True)


# ------------------------------------------------------------------ the functions

# Each takes (logits, other logits, class targets, probability targets, axis) and returns
# the per-row values (or the full-size array for softmax / log_softmax, class axis last).
FUNCTIONS = {
    "softmax": lambda x, y, t, p, ax: np.moveaxis(softmax(x, axis=ax, temperature=1.7), ax, -1),
    "log_softmax": lambda x, y, t, p, ax: np.moveaxis(
        log_softmax(x, axis=ax, temperature=0.6), ax, -1
    ),
    "entropy": lambda x, y, t, p, ax: entropy_from_logits(x, axis=ax),
    "entropy_T_bits": lambda x, y, t, p, ax: entropy_from_logits(
        x, axis=ax, temperature=0.7, base=2
    ),
    "kl": lambda x, y, t, p, ax: kl_divergence_from_logits(x, y, axis=ax),
    "js": lambda x, y, t, p, ax: js_divergence_from_logits(x, y, axis=ax),
    "cross_entropy": lambda x, y, t, p, ax: cross_entropy_from_logits(
        x, t, axis=ax, label_smoothing=0.1, reduction="none"
    ),
    "cross_entropy_probs": lambda x, y, t, p, ax: cross_entropy_from_logits(
        x, p, axis=ax, label_smoothing=0.2, reduction="none"
    ),
    "cross_entropy_and_entropy": lambda x, y, t, p, ax: np.stack(
        cross_entropy_and_entropy_from_logits(x, t, axis=ax, reduction="none")
    ),
    "token_logprobs": lambda x, y, t, p, ax: token_logprobs(x, t, axis=ax),
    "perplexity": lambda x, y, t, p, ax: perplexity(x, t, axis=ax),
    "distillation": lambda x, y, t, p, ax: distillation_loss(
        x, y, temperature=2.0, target=t, alpha=0.3, axis=ax, reduction="none"
    ),
}


def _broadcast_rows(a):
    return np.broadcast_to(a[:, :1], a.shape)  # (B, 1, V) seen as (B, S, V): zero stride


# name: (base shape, view of the base, class axis)
LAYOUTS = {
    "lm_shift": ((3, 8, 11), lambda a: a[:, :-1], -1),
    "shift_first": ((3, 8, 11), lambda a: a[:, 1:], -1),
    "row_stride": ((6, 8, 11), lambda a: a[::2], -1),
    "column_stride": ((3, 8, 22), lambda a: a[:, :, ::2], -1),
    "fortran": ((3, 8, 11), np.asfortranarray, -1),
    "reversed": ((3, 8, 11), lambda a: a[::-1, :, ::-1], -1),
    "class_axis_0": ((11, 24), lambda a: a, 0),
    "torch_ncl_axis_1": ((3, 11, 8), lambda a: a, 1),
    "torch_ncl_shift": ((3, 11, 8), lambda a: a[:, :, :-1], 1),
    "broadcast_rows": ((3, 8, 11), _broadcast_rows, -1),
    "broadcast_one_row": ((1, 11), lambda a: np.broadcast_to(a, (9, 11)), -1),
    "one_row_1d": ((3, 8, 11), lambda a: a[1, 2], -1),
    "no_collapse_4d": ((6, 5, 4, 11), lambda a: a[::2, :-1], -1),
    "no_collapse_4d_twice": ((6, 5, 4, 11), lambda a: a[::2, :-1, 1:], -1),
}


def layout_inputs(name, dtype, rng):
    base_shape, view, axis = LAYOUTS[name]
    x = view((rng.standard_normal(base_shape) * 3).astype(dtype))
    y = view((rng.standard_normal(base_shape) * 3).astype(dtype))
    p = view(probabilities(rng, base_shape, axis).astype(dtype))
    if p.flags.writeable:  # a column-strided view leaves classes out: renormalise it in place
        p /= p.sum(axis=axis, keepdims=True)
    batch = tuple(n for i, n in enumerate(x.shape) if i != axis % x.ndim)
    t = np.asarray(rng.integers(0, x.shape[axis], batch))
    return x, y, t, p, axis


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layouts_give_the_numbers_of_the_contiguous_copy(rng, layout, dtype):
    x, y, t, p, axis = layout_inputs(layout, dtype, rng)
    if layout not in ("class_axis_0", "torch_ncl_axis_1", "one_row_1d"):
        assert not x.flags.c_contiguous
    xc, yc, pc = (np.ascontiguousarray(np.moveaxis(a, axis, -1)) for a in (x, y, p))
    for name, f in FUNCTIONS.items():
        got, expected = f(x, y, t, p, axis), f(xc, yc, t, pc, -1)
        assert np.shape(got) == np.shape(expected), name
        np.testing.assert_allclose(
            got, expected, rtol=RTOL[dtype], atol=RTOL[dtype], err_msg=f"{name} on {layout}"
        )


@pytest.mark.parametrize(
    "layout",
    [
        "lm_shift",
        "column_stride",
        "class_axis_0",
        "broadcast_rows",
        "no_collapse_4d_twice",
        "torch_ncl_shift",
    ],
)
def test_layouts_against_the_float64_references(rng, layout):
    x, y, t, p, axis = layout_inputs(layout, np.float64, rng)
    xm, ym, pm = (np.moveaxis(a, axis, -1) for a in (x, y, p))
    checks = [
        (entropy_from_logits(x, axis=axis), ref_entropy_from_logits(xm)),
        (kl_divergence_from_logits(x, y, axis=axis), ref_kl_from_logits(xm, ym)),
        (js_divergence_from_logits(x, y, axis=axis), ref_js_from_logits(xm, ym)),
        (
            cross_entropy_from_logits(x, t, axis=axis, label_smoothing=0.1, reduction="none"),
            ref_cross_entropy_from_logits(xm, t, label_smoothing=0.1),
        ),
        (
            cross_entropy_from_logits(x, p, axis=axis, reduction="none"),
            ref_soft_cross_entropy(xm, pm),
        ),
        (token_logprobs(x, t, axis=axis), ref_token_logprobs(xm, t)),
        (
            distillation_loss(
                x, y, temperature=2.0, target=t, alpha=0.3, axis=axis, reduction="none"
            ),
            ref_distillation(xm, ym, t, 2.0, 0.3),
        ),
    ]
    for got, expected in checks:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


@pytest.fixture(scope="module")
def straddling():
    """(3, 2048, 1000) float32: the 2047 rows of x[:, :-1] per sequence are not a whole
    number of blocks (about 262 rows of 1000 float32), so blocks straddle the sequences."""
    rng = np.random.default_rng(31)
    x = rng.standard_normal((3, 2048, 1000), dtype=np.float32) * 3
    y = rng.standard_normal((3, 2048, 1000), dtype=np.float32) * 3
    t = rng.integers(0, 1000, (3, 2047))
    return x[:, :-1], y[:, :-1], t


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_blocks_that_straddle_the_batch_runs(monkeypatch, straddling, threads):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", threads)
    x, y, t = straddling
    xc, yc = np.ascontiguousarray(x), np.ascontiguousarray(y)
    keep = (np.arange(t.size).reshape(t.shape) % 5) != 0
    ti = np.where(keep, t, -100)
    pairs = {
        "entropy": lambda a, b: entropy_from_logits(a),
        "entropy_masked": lambda a, b: entropy_from_logits(a, mask=keep),
        "kl": lambda a, b: kl_divergence_from_logits(a, b),
        "js_masked": lambda a, b: js_divergence_from_logits(a, b, mask=keep),
        "cross_entropy": lambda a, b: cross_entropy_from_logits(
            a, ti, ignore_index=-100, label_smoothing=0.1, reduction="none"
        ),
        "token_logprobs": lambda a, b: token_logprobs(a, t, temperature=1.5),
        "distillation": lambda a, b: distillation_loss(
            a, b, temperature=2.0, target=ti, alpha=0.5, ignore_index=-100, reduction="none"
        ),
    }
    for name, f in pairs.items():
        np.testing.assert_allclose(f(x, y), f(xc, yc), rtol=1e-6, atol=1e-6, err_msg=name)
    ref = ref_cross_entropy_from_logits(x[:, 1000:1100].astype(np.float64), t[:, 1000:1100])
    got = cross_entropy_from_logits(x, t, reduction="none")[:, 1000:1100]
    np.testing.assert_allclose(got, ref, rtol=1e-5)


# ------------------------------------------------------------------ dtypes


def half_dtype(name):
    if name == "bfloat16":
        return pytest.importorskip("ml_dtypes").bfloat16
    return np.float16


@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_half_precision_is_exactly_its_float32_widening(rng, half, name):
    dtype = half_dtype(half)
    f = FUNCTIONS[name]
    x = (rng.standard_normal((4, 9, 13)) * 3).astype(dtype)
    y = (rng.standard_normal((4, 9, 13)) * 3).astype(dtype)
    t = rng.integers(0, 13, (4, 8))
    p = probabilities(rng, (4, 8, 13)).astype(np.float32)
    for a, b in ((x[:, :-1], y[:, :-1]), (x[:, 1:, ::-1], y[:, :-1, ::-1])):
        got = f(a, b, t, p, -1)
        expected = f(a.astype(np.float32), b.astype(np.float32), t, p, -1)
        np.testing.assert_array_equal(got, expected)
        if name in ("softmax", "log_softmax"):
            assert got.dtype == np.float32
        else:
            assert np.asarray(got).dtype == np.float64


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_half_precision_next_to_float64(rng, half):
    """A half-precision array paired with a float64 one is its float32 widening too."""
    dtype = half_dtype(half)
    x = (rng.standard_normal((5, 7)) * 3).astype(dtype)
    y = rng.standard_normal((5, 7)) * 3
    wide = x.astype(np.float32)
    for f in (kl_divergence_from_logits, js_divergence_from_logits):
        np.testing.assert_array_equal(f(x, y), f(wide, y))
        np.testing.assert_array_equal(f(y, x), f(y, wide))
    np.testing.assert_array_equal(
        distillation_loss(x, y, temperature=2.0), distillation_loss(wide, y, temperature=2.0)
    )


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_half_precision_probability_targets(rng, half):
    dtype = half_dtype(half)
    target = np.array([[0.5, 0.25, 0.25], [0.0, 1.0, 0.0], [0.125, 0.375, 0.5]], dtype=dtype)
    for logits_dtype in (np.float32, np.float64):
        x = rng.standard_normal((3, 3)).astype(logits_dtype)
        np.testing.assert_allclose(
            cross_entropy_from_logits(x, target, reduction="none"),
            ref_soft_cross_entropy(x, target.astype(np.float64)),
            rtol=1e-6,
        )


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_half_precision_targets_get_the_round_off_of_their_dtype(half):
    """``tol`` defaults to "the round-off of their dtype": 0.7, 0.2, 0.1 rounded to a half
    type sum to 1 within that round-off (5e-4 for bfloat16, whose epsilon is 7.8e-3)."""
    dtype = half_dtype(half)
    target = np.array([[0.7, 0.2, 0.1]]).astype(dtype)
    error = abs(float(target.astype(np.float64).sum()) - 1.0)
    assert 0 < error < float(np.finfo(np.float16).eps)
    got = cross_entropy_from_logits(np.zeros((1, 3), np.float32), target)
    assert got == pytest.approx(math.log(3.0) * float(target.astype(np.float64).sum()), rel=1e-6)


def _longdouble_is_wider():
    return np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


CALLS = {
    "softmax": lambda a: softmax(a),
    "log_softmax": lambda a: log_softmax(a),
    "entropy": lambda a: entropy_from_logits(a),
    "kl_p": lambda a: kl_divergence_from_logits(a, np.zeros((2, 3))),
    "kl_q": lambda a: kl_divergence_from_logits(np.zeros((2, 3)), a),
    "js": lambda a: js_divergence_from_logits(a, np.zeros((2, 3))),
    "cross_entropy": lambda a: cross_entropy_from_logits(a, [0, 1]),
    "cross_entropy_and_entropy": lambda a: cross_entropy_and_entropy_from_logits(a, [0, 1]),
    "token_logprobs": lambda a: token_logprobs(a, [0, 1]),
    "perplexity": lambda a: perplexity(a, [0, 1]),
    "distillation_student": lambda a: distillation_loss(a, np.zeros((2, 3)), temperature=2.0),
    "distillation_teacher": lambda a: distillation_loss(np.zeros((2, 3)), a, temperature=2.0),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_longdouble_is_refused_naming_the_dtype(name):
    if not _longdouble_is_wider():
        pytest.skip("long double is float64 on this platform")
    x = np.zeros((2, 3), dtype=np.longdouble)
    with pytest.raises(TypeError, match=str(np.dtype(np.longdouble))):
        CALLS[name](x)


@pytest.mark.parametrize("name", list(CALLS))
def test_booleans_are_refused(name):
    with pytest.raises(TypeError, match="boolean"):
        CALLS[name](np.ones((2, 3), dtype=bool))


@pytest.mark.parametrize("name", list(CALLS))
def test_integer_logits_are_float64(rng, name):
    x = rng.integers(-4, 5, (2, 3))
    got, expected = CALLS[name](x), CALLS[name](x.astype(np.float64))
    np.testing.assert_array_equal(
        np.stack(got) if isinstance(got, tuple) else got,
        np.stack(expected) if isinstance(expected, tuple) else expected,
    )
    if name in ("softmax", "log_softmax"):
        assert got.dtype == np.float64


def test_big_endian_float64_is_float64():
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    swapped = x.astype(">f8")
    np.testing.assert_array_equal(entropy_from_logits(swapped), entropy_from_logits(x))
    np.testing.assert_array_equal(
        cross_entropy_from_logits(swapped, [0, 2], reduction="none"),
        cross_entropy_from_logits(x, [0, 2], reduction="none"),
    )


def test_ragged_lists_name_the_argument():
    ragged = [[0.0, 1.0], [2.0]]
    good = [[0.0, 1.0], [2.0, 3.0]]
    cases = [
        ("logits", lambda: entropy_from_logits(ragged)),
        ("logits", lambda: softmax(ragged)),
        ("logits_p", lambda: kl_divergence_from_logits(ragged, good)),
        ("logits_q", lambda: js_divergence_from_logits(good, ragged)),
        ("logits", lambda: cross_entropy_from_logits(ragged, [0, 1])),
        ("target", lambda: cross_entropy_from_logits(good, [[1.0, 0.0], [1.0]])),
        ("target", lambda: token_logprobs(good, [[0], []])),
        ("teacher_logits", lambda: distillation_loss(good, ragged, temperature=1.0)),
        ("student_logits", lambda: distillation_loss(ragged, good, temperature=1.0)),
    ]
    for argument, call in cases:
        with pytest.raises(ValueError, match=f"{argument} is ragged"):
            call()


# ------------------------------------------------------------------ mask= and ignore_index


def _poison(rng, x, dropped):
    """NaN, +inf and all -inf rows where rows are dropped: none of them may be read."""
    rows = np.flatnonzero(dropped)
    flat = x.reshape(-1, x.shape[-1])
    flat[rows[0::3]] = np.nan
    flat[rows[1::3], int(rng.integers(x.shape[-1]))] = np.inf
    flat[rows[2::3]] = -np.inf


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16], ids=lambda d: d.__name__)
@pytest.mark.parametrize("rows", [7, 3000], ids=["small", "threaded"])
def test_dropped_rows_are_not_read(rng, dtype, rows):
    v = 400
    x = (rng.standard_normal((rows, v)) * 2).astype(dtype)
    y = (rng.standard_normal((rows, v)) * 2).astype(dtype)
    keep = rng.random(rows) < 0.6
    keep[:2] = True
    keep[-3:] = False
    _poison(rng, x, ~keep)
    _poison(rng, y, ~keep[::-1])  # other rows of y too, which are read: keep them clean
    y[keep & ~keep[::-1]] = 0.0
    t = rng.integers(0, v, rows)
    ti = np.where(keep, t, -100)
    x64, y64 = x[keep].astype(np.float64), y[keep].astype(np.float64)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    cases = {
        "entropy": (
            lambda red: entropy_from_logits(x, mask=keep, reduction=red),
            ref_entropy_from_logits(x64),
        ),
        "kl": (
            lambda red: kl_divergence_from_logits(x, y, mask=keep, reduction=red),
            ref_kl_from_logits(x64, y64),
        ),
        "js": (
            lambda red: js_divergence_from_logits(x, y, mask=keep, reduction=red),
            ref_js_from_logits(x64, y64),
        ),
        "cross_entropy": (
            lambda red: cross_entropy_from_logits(
                x, ti, ignore_index=-100, label_smoothing=0.2, reduction=red
            ),
            ref_cross_entropy_from_logits(x64, t[keep], label_smoothing=0.2),
        ),
        "cross_entropy_and_entropy": (
            lambda red: np.stack(
                cross_entropy_and_entropy_from_logits(x, ti, ignore_index=-100, reduction=red)
            ),
            np.stack([ref_cross_entropy_from_logits(x64, t[keep]), ref_entropy_from_logits(x64)]),
        ),
        "distillation": (
            lambda red: distillation_loss(
                x, y, temperature=3.0, target=ti, alpha=0.4, ignore_index=-100, reduction=red
            ),
            ref_distillation(x64, y64, t[keep], 3.0, 0.4),
        ),
    }
    with no_runtime_warnings():
        for name, (f, ref) in cases.items():
            none = f("none")
            np.testing.assert_allclose(none[..., keep], ref, rtol=rtol, atol=rtol, err_msg=name)
            assert (none[..., ~keep] == 0.0).all() and not np.signbit(none).any(), name
            np.testing.assert_allclose(f("sum"), ref.sum(axis=-1), rtol=rtol, err_msg=name)
            np.testing.assert_allclose(f("mean"), ref.mean(axis=-1), rtol=rtol, err_msg=name)
        tl = token_logprobs(x, ti, ignore_index=-100)
        np.testing.assert_allclose(tl[keep], ref_token_logprobs(x64, t[keep]), rtol=rtol)
        assert (tl[~keep] == 0.0).all()
        assert perplexity(x, ti, ignore_index=-100) == pytest.approx(
            math.exp(ref_cross_entropy_from_logits(x64, t[keep]).mean()), rel=rtol
        )


def test_mask_with_broadcasting_and_batch_dims(rng):
    x = rng.standard_normal((3, 4, 6))
    row = rng.standard_normal((1, 1, 6))
    keep = rng.random((3, 4)) < 0.5
    keep[0, 0] = True
    x[~keep] = np.nan
    ref = ref_kl_from_logits(x[keep], np.broadcast_to(row[0], (int(keep.sum()), 6)))
    got = kl_divergence_from_logits(x, row, mask=keep)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got[keep], ref, rtol=1e-12, atol=1e-14)
    assert (got[~keep] == 0.0).all()
    got = js_divergence_from_logits(row, x, mask=keep, reduction="mean")
    assert got == pytest.approx(ref_js_from_logits(row[0], x[keep]).mean(), rel=1e-12)


MASKED = {
    "entropy": lambda x, m, red: entropy_from_logits(x, mask=m, reduction=red),
    "kl": lambda x, m, red: kl_divergence_from_logits(x, x[::-1], mask=m, reduction=red),
    "js": lambda x, m, red: js_divergence_from_logits(x, x[::-1], mask=m, reduction=red),
}


@pytest.mark.parametrize("name", list(MASKED))
def test_mask_validation_and_all_masked(name):
    f = MASKED[name]
    x = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 0.0], [3.0, 3.0, 0.0]])
    with pytest.raises(ValueError, match="mask must have"):
        f(x, [True, False], "none")
    with pytest.raises(ValueError, match="mask must have"):
        f(x, np.ones((3, 3), bool), "none")
    with pytest.raises(TypeError, match="mask must be a boolean"):
        f(x, [1, 0, 1], "none")
    with pytest.raises(TypeError, match="mask must be a boolean"):
        f(x, np.array([1.0, 0.0, 1.0]), "none")
    nothing = np.zeros(3, bool)
    x = np.full((3, 3), np.nan)
    total = f(x, nothing, "sum")
    assert isinstance(total, np.float64) and total == 0.0 and not np.signbit(total)
    none = f(x, nothing, "none")
    np.testing.assert_array_equal(none, [0.0, 0.0, 0.0])
    assert not np.signbit(none).any()
    with pytest.raises(ValueError, match="over no rows"):
        f(x, nothing, "mean")


def test_every_row_ignored():
    x = np.full((3, 4), np.nan)
    t = [-100, -100, -100]
    for red in ("sum", "none"):
        assert (cross_entropy_from_logits(x, t, ignore_index=-100, reduction=red) == 0.0).all()
        both = cross_entropy_and_entropy_from_logits(x, t, ignore_index=-100, reduction=red)
        assert (np.stack(both) == 0.0).all()
        assert (
            distillation_loss(
                x, x, temperature=2.0, target=t, alpha=0.5, ignore_index=-100, reduction=red
            )
            == 0.0
        ).all()
    np.testing.assert_array_equal(token_logprobs(x, t, ignore_index=-100), [0.0, 0.0, 0.0])
    calls = [
        lambda: cross_entropy_from_logits(x, t, ignore_index=-100),
        lambda: cross_entropy_and_entropy_from_logits(x, t, ignore_index=-100),
        lambda: distillation_loss(x, x, temperature=2.0, target=t, alpha=0.5, ignore_index=-100),
        lambda: perplexity(x, t, ignore_index=-100),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="over no rows"):
            call()


# ------------------------------------------------------------------ empty batches

REDUCED = {
    "entropy": lambda x, t, red: entropy_from_logits(x, reduction=red),
    "kl": lambda x, t, red: kl_divergence_from_logits(x, x, reduction=red),
    "js": lambda x, t, red: js_divergence_from_logits(x, x, reduction=red),
    "cross_entropy": lambda x, t, red: cross_entropy_from_logits(x, t, reduction=red),
    "cross_entropy_smoothed": lambda x, t, red: cross_entropy_from_logits(
        x, t, label_smoothing=0.1, reduction=red
    ),
    "cross_entropy_probs": lambda x, t, red: cross_entropy_from_logits(
        x, np.full(x.shape, 1.0 / x.shape[-1]), reduction=red
    ),
    "ce_of_both": lambda x, t, red: (
        cross_entropy_and_entropy_from_logits(x, t, reduction=red).cross_entropy
    ),
    "entropy_of_both": lambda x, t, red: (
        cross_entropy_and_entropy_from_logits(x, t, reduction=red).entropy
    ),
    "distillation": lambda x, t, red: distillation_loss(x, x, temperature=2.0, reduction=red),
    "distillation_target": lambda x, t, red: distillation_loss(
        x, x, temperature=2.0, target=t, alpha=0.5, reduction=red
    ),
}


@pytest.mark.parametrize("shape", [(0, 5), (2, 0, 5)], ids=str)
@pytest.mark.parametrize("name", list(REDUCED))
def test_empty_batches(name, shape):
    f = REDUCED[name]
    x, t = np.zeros(shape), np.zeros(shape[:-1], dtype=np.int64)
    total = f(x, t, "sum")
    assert isinstance(total, np.float64) and total == 0.0
    none = f(x, t, "none")
    assert isinstance(none, np.ndarray) and none.shape == shape[:-1]
    assert none.dtype == np.float64
    with pytest.raises(ValueError, match="over no rows"):
        f(x, t, "mean")


@pytest.mark.parametrize("shape", [(0, 5), (2, 0, 5)], ids=str)
def test_empty_batches_without_reduction(shape):
    x, t = np.zeros(shape), np.zeros(shape[:-1], dtype=np.int64)
    got = token_logprobs(x, t)
    assert got.shape == shape[:-1] and got.dtype == np.float64
    for f in (softmax, log_softmax):
        assert f(x).shape == shape
    with pytest.raises(ValueError, match="over no rows"):
        perplexity(x, t)


@pytest.mark.parametrize("name", list(CALLS))
def test_no_classes_is_an_error(name):
    # paired with logits of 3 classes, the second argument is refused for the mismatch
    match = "number of classes" if name in ("kl_q", "distillation_teacher") else "no classes"
    with pytest.raises(ValueError, match=match):
        CALLS[name](np.zeros((2, 0)))
    with pytest.raises(ValueError, match="no classes"):
        kl_divergence_from_logits(np.zeros((2, 0)), np.zeros((2, 0)))
    with pytest.raises(ValueError, match="no classes"):
        distillation_loss(np.zeros((2, 0)), np.zeros((2, 0)), temperature=1.0)


# ------------------------------------------------------------------ never negative

CONFIDENT = [
    [[30.0, 0.0, 0.0]],
    [[80.0, -80.0]],
    [[-80.0, 80.0]],
    [[40.0, 0.0, 0.0, 0.0, 0.0]],
    [[1e4, 0.0, -1e4]],
]


def _confident_rows():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3000, 60)).astype(np.float32)
    hot = rng.integers(0, 60, 3000)
    x[np.arange(3000), hot] = 40.0
    return x, hot


def _check_not_negative(value):
    value = np.asarray(value)
    assert (value >= 0.0).all(), value.min()
    assert not np.signbit(value).any()


@pytest.mark.parametrize("rows", [*CONFIDENT, "random"], ids=lambda r: str(r)[:20])
def test_confident_float32_logits_never_give_negative_values(rows):
    if rows == "random":
        x, hot = _confident_rows()
    else:
        x = np.array(rows, dtype=np.float32)
        hot = x.argmax(axis=-1)
    probs = (np.arange(x.shape[-1]) == hot[:, None]).astype(np.float32)
    nudged = np.nextafter(x, np.float32(np.inf))
    with no_runtime_warnings():
        for red in ("none", "sum", "mean"):
            _check_not_negative(cross_entropy_from_logits(x, hot, reduction=red))
            _check_not_negative(cross_entropy_from_logits(x, probs, reduction=red))
            _check_not_negative(
                cross_entropy_from_logits(x, hot, label_smoothing=1e-6, reduction=red)
            )
            _check_not_negative(entropy_from_logits(x, reduction=red))
            _check_not_negative(kl_divergence_from_logits(x, x, reduction=red))
            _check_not_negative(kl_divergence_from_logits(x, nudged, reduction=red))
            _check_not_negative(kl_divergence_from_logits(nudged, x, reduction=red))
            _check_not_negative(js_divergence_from_logits(x, nudged, reduction=red))
            _check_not_negative(js_divergence_from_logits(x, x, reduction=red))
            _check_not_negative(distillation_loss(x, nudged, temperature=1.0, reduction=red))
            both = cross_entropy_and_entropy_from_logits(x, hot, reduction=red)
            _check_not_negative(both.cross_entropy)
            _check_not_negative(both.entropy)
        logp = token_logprobs(x, hot)
        assert (logp <= 0.0).all() and not np.signbit(logp[logp == 0.0]).any()
        assert perplexity(x, hot) >= 1.0
        assert perplexity(x, hot, temperature=0.5) >= 1.0


def test_perplexity_of_a_certain_model_is_exactly_one():
    x = np.array([[1e4, 0.0, -1e4], [0.0, 800.0, 0.0]])
    assert perplexity(x, [0, 1]) == 1.0
    assert perplexity(x.astype(np.float32), [0, 1]) == 1.0


# ------------------------------------------------------------------ extreme logits

BIG = 1.7e308
EXTREME = [BIG, -BIG, 0.0]  # probabilities 1, 0, 0; log-probabilities 0, -3.4e308, -1.7e308


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
def test_cross_entropy_near_the_float64_maximum(eps):
    # loss = (1 - eps) (lse - z_y) + eps (lse - mean z), lse = 1.7e308 exactly, mean z = 0
    # (1 - eps) * 3.4e308 is beyond the float maximum unless eps = 1.
    expected = [eps * BIG, math.inf if eps < 1.0 else BIG, (1.0 - eps) * BIG + eps * BIG]
    with no_runtime_warnings():
        got = cross_entropy_from_logits(
            [EXTREME] * 3, [0, 1, 2], label_smoothing=eps, reduction="none"
        )
    np.testing.assert_allclose(got, expected, rtol=1e-15)


def test_cross_entropy_near_the_float64_maximum_other_rows():
    with no_runtime_warnings():
        # 0.5 (1e308 - (-1e308)) + 0.5 (1e308 - 0) = 1.5e308: finite though z_0 - z_1 is not
        a = cross_entropy_from_logits([[1e308, -1e308, 0.0]], [1], label_smoothing=0.5)
        # lse = BIG + log 2 and the mean is BIG / 3 (the sum of the row overflows)
        b = cross_entropy_from_logits([[BIG, BIG, -BIG]], [2], label_smoothing=1.0)
        c = cross_entropy_from_logits([[BIG, BIG, -BIG]], [0], label_smoothing=0.3)
    assert a == pytest.approx(1.5e308, rel=1e-15)
    assert b == pytest.approx(BIG / 3 * 2, rel=1e-15)
    assert c == pytest.approx(LN2 + 0.3 * (BIG / 3 * 2), rel=1e-15)


def test_means_of_huge_losses_do_not_overflow():
    """Each row's loss is 1.7e308: their mean is 1.7e308, not inf, and no warning escapes."""
    x = [[BIG, 0.0], [BIG, 0.0]]
    with no_runtime_warnings():
        assert cross_entropy_from_logits(x, [1, 1], reduction="none").tolist() == [BIG, BIG]
        assert cross_entropy_from_logits(x, [1, 1]) == pytest.approx(BIG, rel=1e-15)
        assert perplexity(x, [1, 1]) == math.inf
        assert entropy_from_logits(x, reduction="mean") == 0.0
        assert cross_entropy_from_logits(x, [1, 1], reduction="sum") == math.inf


def test_divergences_and_entropy_near_the_float64_maximum():
    uniform = [0.0, 0.0, 0.0]
    with no_runtime_warnings():
        assert entropy_from_logits(EXTREME) == 0.0
        assert entropy_from_logits([BIG, BIG, -BIG]) == pytest.approx(LN2, rel=1e-15)
        assert entropy_from_logits(EXTREME, temperature=4.0) == 0.0
        assert kl_divergence_from_logits(EXTREME, EXTREME) == 0.0
        assert kl_divergence_from_logits(EXTREME, uniform) == pytest.approx(math.log(3.0))
        assert kl_divergence_from_logits(EXTREME, EXTREME[::-1]) == pytest.approx(BIG, rel=1e-15)
        assert js_divergence_from_logits(EXTREME, EXTREME) == 0.0
        assert js_divergence_from_logits(EXTREME, EXTREME[::-1]) == pytest.approx(LN2, rel=1e-15)
        # P = (1, 0, 0), Q uniform, M = (2/3, 1/6, 1/6)
        js = 0.5 * (math.log(1.5) + (math.log(0.5) + 2 * math.log(2.0)) / 3)
        assert js_divergence_from_logits(EXTREME, uniform) == pytest.approx(js, rel=1e-14)


def test_log_probabilities_near_the_float64_maximum():
    with no_runtime_warnings():
        got = token_logprobs([EXTREME] * 3, [0, 1, 2])
        lsm = log_softmax(EXTREME)
        sm = softmax(EXTREME)
    assert got.tolist() == [0.0, -math.inf, -BIG]  # -3.4e308 is beyond the float range
    assert lsm.tolist() == [0.0, -math.inf, -BIG]
    assert sm.tolist() == [1.0, 0.0, 0.0]
    assert perplexity([EXTREME], [2]) == math.inf


def test_distillation_near_the_float64_maximum():
    uniform = [[0.0, 0.0, 0.0]]
    with no_runtime_warnings():
        assert distillation_loss([EXTREME], [EXTREME], temperature=2.0) == 0.0
        assert distillation_loss(uniform, [EXTREME], temperature=1.0) == pytest.approx(
            math.log(3.0)
        )
        # the soft term is 0; the hard term 0.5 * (lse - z_2) = 0.5 * 1.7e308
        assert distillation_loss(
            [EXTREME], [EXTREME], temperature=2.0, target=[2], alpha=0.5
        ) == pytest.approx(BIG / 2, rel=1e-15)


def test_kl_towards_huge_negative_log_probabilities_is_finite():
    """D(uniform || Q) with log q = (0, -3.4e308, -1.7e308) is
    -log 3 + (3.4e308 + 1.7e308) / 3 = 1.7e308 - log 3: a finite number, not inf."""
    uniform = [0.0, 0.0, 0.0]
    with no_runtime_warnings():
        kl = kl_divergence_from_logits(uniform, EXTREME)
        soft = distillation_loss([EXTREME], [uniform], temperature=1.0)  # teacher uniform
        big = float(np.float32(3.4e38))
        row = np.array([big, -big, 0.0], dtype=np.float32)
        kl32 = kl_divergence_from_logits(np.zeros(3, np.float32), row)  # float64: 3.4e38
    assert kl == pytest.approx(BIG, rel=1e-15)
    assert soft == pytest.approx(BIG, rel=1e-15)
    assert kl32 == pytest.approx(big, rel=1e-7)


def test_float32_kl_whose_logit_difference_leaves_float32():
    """D((1, 0) || (0, 1)) for logits (big, -big) and (-big, big) is 2 big = 6.8e38: beyond
    float32, but the result is float64 (the cross-entropy of the same rows gives 6.8e38)."""
    big = float(np.float32(3.4e38))
    a = np.array([big, -big], dtype=np.float32)
    with no_runtime_warnings():
        kl = kl_divergence_from_logits(a, a[::-1])
        ce = cross_entropy_from_logits(a[::-1], np.asarray(0), reduction="none")
    assert ce == pytest.approx(2 * big, rel=1e-15)
    assert kl == pytest.approx(2 * big, rel=1e-7)


def test_float32_near_its_maximum():
    big = float(np.float32(3.4e38))
    row = np.array([big, -big, 0.0], dtype=np.float32)
    rows = np.stack([row] * 3)
    with no_runtime_warnings():
        ce = cross_entropy_from_logits(rows, [0, 1, 2], reduction="none")
        smoothed = cross_entropy_from_logits(
            rows, [0, 1, 2], label_smoothing=0.1, reduction="none"
        )
        logp = token_logprobs(rows, [0, 1, 2])
        h = entropy_from_logits(row)
        h2 = entropy_from_logits(np.array([big, big, -big], dtype=np.float32))
        kl_self = kl_divergence_from_logits(row, row)
        kl_rev = kl_divergence_from_logits(row, row[::-1])
        kl_uniform = kl_divergence_from_logits(row, np.zeros(3, np.float32))
        js = js_divergence_from_logits(row, row[::-1])
        lsm = log_softmax(row)
    # the results are float64, where 6.8e38 is an ordinary number
    np.testing.assert_allclose(ce, [0.0, 2 * big, big], rtol=1e-15)
    np.testing.assert_allclose(smoothed, [0.1 * big, 0.9 * 2 * big + 0.1 * big, big], rtol=1e-7)
    np.testing.assert_allclose(logp, [0.0, -2 * big, -big], rtol=1e-15)
    assert h == 0.0 and h2 == pytest.approx(LN2, rel=1e-7)
    assert kl_self == 0.0 and js == pytest.approx(LN2, rel=1e-15)
    assert kl_rev == pytest.approx(big, rel=1e-7)
    assert kl_uniform == pytest.approx(math.log(3.0), rel=1e-7)
    assert lsm.dtype == np.float32 and lsm.tolist() == [0.0, -math.inf, -big]


# ------------------------------------------------------------------ temperature

TEMPERED = {
    "softmax": lambda x, y, t, p, **k: softmax(x, **k),
    "log_softmax": lambda x, y, t, p, **k: log_softmax(x, **k),
    "entropy": lambda x, y, t, p, **k: entropy_from_logits(x, **k),
    "kl": lambda x, y, t, p, **k: kl_divergence_from_logits(x, y, **k),
    "js": lambda x, y, t, p, **k: js_divergence_from_logits(x, y, **k),
    "cross_entropy": lambda x, y, t, p, **k: cross_entropy_from_logits(
        x, t, label_smoothing=0.1, reduction="none", **k
    ),
    "cross_entropy_probs": lambda x, y, t, p, **k: cross_entropy_from_logits(
        x, p, reduction="none", **k
    ),
    "cross_entropy_and_entropy": lambda x, y, t, p, **k: np.stack(
        cross_entropy_and_entropy_from_logits(x, t, reduction="none", **k)
    ),
    "token_logprobs": lambda x, y, t, p, **k: token_logprobs(x, t, **k),
    "perplexity": lambda x, y, t, p, **k: perplexity(x, t, **k),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(TEMPERED))
def test_temperature_is_dividing_the_logits(rng, name, dtype):
    f = TEMPERED[name]
    x = (rng.standard_normal((3, 20, 30)) * 4).astype(dtype)
    y = (rng.standard_normal((3, 20, 30)) * 4).astype(dtype)
    t = rng.integers(0, 30, (3, 20))
    p = probabilities(rng, (3, 20, 30)).astype(dtype)
    for temperature in (0.25, 0.9, 2.0, 7.5):
        got = f(x, y, t, p, temperature=temperature)
        expected = f(x / temperature, y / temperature, t, p)
        np.testing.assert_allclose(got, expected, rtol=RTOL[dtype], atol=RTOL[dtype])


def test_temperature_against_the_reference(rng):
    x = rng.standard_normal((6, 9)) * 5
    y = rng.standard_normal((6, 9)) * 5
    t = rng.integers(0, 9, 6)
    for temperature in (0.3, 4.0):
        z, w = x / temperature, y / temperature
        np.testing.assert_allclose(
            entropy_from_logits(x, temperature=temperature),
            ref_entropy_from_logits(z),
            rtol=1e-12,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            js_divergence_from_logits(x, y, temperature=temperature),
            ref_js_from_logits(z, w),
            rtol=1e-12,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            kl_divergence_from_logits(x, y, temperature=temperature),
            ref_kl_from_logits(z, w),
            rtol=1e-12,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            cross_entropy_from_logits(x, t, temperature=temperature, reduction="none"),
            ref_cross_entropy_from_logits(z, t),
            rtol=1e-12,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            log_softmax(x, temperature=temperature), ref_log_softmax(z), rtol=1e-12
        )


WITH_TEMPERATURE = {
    **{
        name: functools.partial(
            lambda f, T: f(
                np.zeros((2, 3)), np.zeros((2, 3)), [0, 1], np.full((2, 3), 1 / 3), temperature=T
            ),
            f,
        )
        for name, f in TEMPERED.items()
    },
    "distillation": lambda T: distillation_loss(np.zeros((2, 3)), np.zeros((2, 3)), temperature=T),
}


@pytest.mark.parametrize("name", list(WITH_TEMPERATURE))
def test_invalid_temperatures(name):
    f = WITH_TEMPERATURE[name]
    for bad in (0.0, -1.0, -0.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="temperature"):
            f(bad)
    for bad in (True, "2", None, [2.0]):
        with pytest.raises(TypeError, match="temperature"):
            f(bad)
    f(np.float32(2.0))  # numpy scalars are real numbers
    f(3)


# ------------------------------------------------------------------ axis


def _classes(x, ax):
    """Class-0 targets of the batch shape for a valid axis (any shape for an invalid one)."""
    valid = isinstance(ax, (int, np.integer)) and not isinstance(ax, bool) and -3 <= ax < 3
    return np.zeros(np.delete(x.shape, int(ax)) if valid else x.shape[:-1], int)


WITH_AXIS = {
    "softmax": lambda x, ax: softmax(x, axis=ax),
    "log_softmax": lambda x, ax: log_softmax(x, axis=ax),
    "entropy": lambda x, ax: entropy_from_logits(x, axis=ax),
    "kl": lambda x, ax: kl_divergence_from_logits(x, x[::-1], axis=ax),
    "js": lambda x, ax: js_divergence_from_logits(x, x[::-1], axis=ax),
    "cross_entropy": lambda x, ax: cross_entropy_from_logits(
        x, _classes(x, ax), axis=ax, reduction="none"
    ),
    "cross_entropy_and_entropy": lambda x, ax: np.stack(
        cross_entropy_and_entropy_from_logits(x, _classes(x, ax), axis=ax, reduction="none")
    ),
    "token_logprobs": lambda x, ax: token_logprobs(x, _classes(x, ax), axis=ax),
    "perplexity": lambda x, ax: perplexity(x, _classes(x, ax), axis=ax),
    "distillation": lambda x, ax: distillation_loss(
        x, x[::-1], temperature=2.0, axis=ax, reduction="none"
    ),
}


@pytest.mark.parametrize("name", list(WITH_AXIS))
def test_axis_validation(rng, name):
    f = WITH_AXIS[name]
    x = rng.standard_normal((4, 3, 5))
    for bad in ((0,), (0, 1), 1.0, True, False, "1", None):
        with pytest.raises(TypeError, match="axis"):
            f(x, bad)
    for bad in (3, -4, 100):
        with pytest.raises(ValueError, match="axis"):
            f(x, bad)
    for ax in (0, 1, 2, -1, -3):
        np.testing.assert_array_equal(f(x, np.int64(ax)), f(x, ax))
        np.testing.assert_array_equal(f(x, np.uint8(ax % 3)), f(x, ax))


def test_axis_against_the_references(rng):
    x = rng.standard_normal((4, 7, 5)) * 3
    t = rng.integers(0, 7, (4, 5))
    xm = np.moveaxis(x, 1, -1)
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, axis=1, reduction="none"),
        ref_cross_entropy_from_logits(xm, t),
        rtol=1e-13,
    )
    np.testing.assert_allclose(token_logprobs(x, t, axis=1), ref_token_logprobs(xm, t), rtol=1e-13)
    assert perplexity(x, t, axis=1) == pytest.approx(
        math.exp(ref_cross_entropy_from_logits(xm, t).mean()), rel=1e-13
    )
    got = cross_entropy_and_entropy_from_logits(x, t, axis=-2)
    assert got.entropy == pytest.approx(ref_entropy_from_logits(xm).mean(), rel=1e-13)
    with pytest.raises(ValueError, match="target"):
        cross_entropy_from_logits(x, t.T, axis=1)  # the batch shape is (4, 5)


# ------------------------------------------------------------------ broadcasting


@pytest.mark.parametrize(
    "fn,ref",
    [
        (kl_divergence_from_logits, ref_kl_from_logits),
        (js_divergence_from_logits, ref_js_from_logits),
    ],
    ids=["kl", "js"],
)
def test_one_reference_row_against_a_batch(rng, fn, ref):
    batch = rng.standard_normal((8, 6)) * 3
    row = rng.standard_normal((1, 6)) * 3
    full = np.repeat(row, 8, axis=0)
    for a, b, fa, fb in ((batch, row, batch, full), (row, batch, full, batch)):
        got = fn(a, b)
        assert got.shape == (8,)
        np.testing.assert_allclose(got, ref(fa, fb), rtol=1e-12, atol=1e-14)
        assert fn(a, b, reduction="sum") == pytest.approx(ref(fa, fb).sum(), rel=1e-12)
    a = rng.standard_normal((3, 1, 6)) * 3
    b = rng.standard_normal((1, 4, 6)) * 3
    fa, fb = np.broadcast_arrays(a, b)
    got = fn(a, b)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, ref(fa, fb), rtol=1e-12, atol=1e-14)
    got = fn(a, b, temperature=2.0, reduction="mean")
    assert got == pytest.approx(ref(fa / 2.0, fb / 2.0).mean(), rel=1e-12)


def test_distillation_broadcasts_the_teacher(rng):
    s = rng.standard_normal((3, 4, 6)) * 2
    teacher = rng.standard_normal((1, 4, 6)) * 2
    y = rng.integers(0, 6, (3, 4))
    got = distillation_loss(s, teacher, temperature=3.0, target=y, alpha=0.6, reduction="none")
    full = np.broadcast_to(teacher, s.shape)
    np.testing.assert_allclose(got, ref_distillation(s, full, y, 3.0, 0.6), rtol=1e-12)


@pytest.mark.parametrize(
    "fn",
    [
        kl_divergence_from_logits,
        js_divergence_from_logits,
        lambda a, b: distillation_loss(a, b, temperature=1.0),
    ],
    ids=["kl", "js", "distillation"],
)
def test_shapes_that_cannot_pair(fn):
    with pytest.raises(ValueError, match="number of classes"):
        fn(np.zeros((3, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="number of classes"):
        fn(np.zeros((3, 4)), np.zeros((1, 5)))
    with pytest.raises(ValueError, match="number of dimensions"):
        fn(np.zeros((3, 4)), np.zeros(4))
    with pytest.raises(ValueError, match="number of dimensions"):
        fn(np.zeros((2, 3, 4)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="broadcast"):
        fn(np.zeros((3, 4)), np.zeros((2, 4)))


# ------------------------------------------------------------------ probability targets


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
@pytest.mark.parametrize("eps", [0.0, 0.15, 1.0])
def test_one_hot_probabilities_equal_class_indices(rng, dtype, eps):
    x = (rng.standard_normal((4, 5, 9)) * 3).astype(dtype)
    t = rng.integers(0, 9, (4, 5))
    one_hot = (np.arange(9) == t[..., None]).astype(dtype)
    for red in ("none", "mean", "sum"):
        np.testing.assert_allclose(
            cross_entropy_from_logits(x, one_hot, label_smoothing=eps, reduction=red),
            cross_entropy_from_logits(x, t, label_smoothing=eps, reduction=red),
            rtol=RTOL[dtype],
        )
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, one_hot, label_smoothing=eps, reduction="none"),
        ref_cross_entropy_from_logits(x.astype(np.float64), t, label_smoothing=eps),
        rtol=RTOL[dtype],
    )


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.6, 1.0])
def test_soft_targets_with_label_smoothing(rng, eps):
    x = rng.standard_normal((5, 3, 12)) * 3
    x[0, 0, :4] = -np.inf  # masked classes with no target mass
    probs = probabilities(rng, (5, 3, 12))
    probs[0, 0, :4] = 0.0
    probs[0, 0] /= probs[0, 0].sum()
    got = cross_entropy_from_logits(x, probs, label_smoothing=eps, reduction="none")
    expected = ref_soft_cross_entropy(x, probs, eps)
    if eps > 0.0:
        expected[0, 0] = np.inf  # smoothing puts mass on the masked classes
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    kept = np.isfinite(expected)
    assert cross_entropy_from_logits(
        x[kept], probs[kept], label_smoothing=eps, base=2
    ) == pytest.approx(expected[kept].mean() / LN2, rel=1e-12)


def test_probability_targets_that_do_not_sum_to_one():
    x = np.zeros((2, 3))
    bad = [[0.5, 0.4, 0.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match="tol="):
        cross_entropy_from_logits(x, bad)
    assert cross_entropy_from_logits(x, bad, tol=0.2, reduction="none") == pytest.approx(
        [0.9 * math.log(3.0), math.log(3.0)], rel=1e-14
    )
    with pytest.raises(ValueError, match="tol="):
        cross_entropy_from_logits(x, bad, tol=0.05)
    with pytest.raises(ValueError, match="negative"):
        cross_entropy_from_logits(x, [[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]], tol=1.0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        cross_entropy_from_logits(x, [[np.nan, 0.5, 0.5], [1.0, 0.0, 0.0]])
    for bad_tol in (-1e-3, math.inf, math.nan):
        with pytest.raises(ValueError, match="tol"):
            cross_entropy_from_logits(x, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]], tol=bad_tol)
    with pytest.raises(TypeError, match="tol"):
        cross_entropy_from_logits(x, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]], tol=True)
    with pytest.raises(ValueError, match="ignore_index"):
        cross_entropy_from_logits(x, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]], ignore_index=-100)
    with pytest.raises(ValueError, match="shape"):
        cross_entropy_from_logits(x, [[0.5, 0.5], [1.0, 0.0]])
    with pytest.raises(TypeError, match="integer class indices"):
        cross_entropy_and_entropy_from_logits(x, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(TypeError, match="integer class indices"):
        token_logprobs(x, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])


def test_float64_probabilities_for_float32_logits(rng):
    """The targets sum to 1 in their own dtype (float64): they must be accepted."""
    x = rng.standard_normal((50, 40)).astype(np.float32)
    probs = ref_softmax(rng.standard_normal((50, 40)))
    got = cross_entropy_from_logits(x, probs, reduction="none")
    np.testing.assert_allclose(got, ref_soft_cross_entropy(x.astype(np.float64), probs), rtol=1e-6)


# ------------------------------------------------------------------ Jensen-Shannon


def test_js_symmetric_bounded_and_zero_on_equal_logits(rng):
    x = rng.standard_normal((200, 30)) * 5
    y = rng.standard_normal((200, 30)) * 5
    x[::3, ::4] = -np.inf
    y[1::3, ::5] = -np.inf
    for dtype in (np.float64, np.float32):
        a, b = x.astype(dtype), y.astype(dtype)
        d = js_divergence_from_logits(a, b)
        np.testing.assert_array_equal(d, js_divergence_from_logits(b, a))
        assert (d >= 0.0).all() and (d <= LN2).all()
        assert (js_divergence_from_logits(a, b, base=2) <= 1.0).all()
        np.testing.assert_allclose(
            d, ref_js_from_logits(a, b), rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-12
        )


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
def test_js_of_equal_logits_is_zero(rng, dtype):
    x = (rng.standard_normal((2000, 30)) * 5).astype(dtype)
    x[::3, ::4] = -np.inf
    same = js_divergence_from_logits(x, x.copy())
    assert (same >= 0.0).all() and not np.signbit(same).any()
    assert same.max() <= 4e-15  # float64 round-off of sums of log terms


def test_js_of_disjoint_supports_is_log_2():
    with no_runtime_warnings():
        assert js_divergence_from_logits([0.0, -np.inf], [-np.inf, 0.0]) == pytest.approx(
            LN2, rel=1e-15
        )
        assert js_divergence_from_logits([0.0, -np.inf], [-np.inf, 0.0], base=2) == 1.0
        got = js_divergence_from_logits(
            [[3.0, 1.0, -np.inf, -np.inf]], [[-np.inf, -np.inf, 2.0, 5.0]]
        )
        assert got[0] == pytest.approx(LN2, rel=1e-15)
        assert js_divergence_from_logits([1e4, -1e4], [-1e4, 1e4]) == pytest.approx(LN2, rel=1e-15)


def test_js_matches_scipy(rng):
    distance = pytest.importorskip("scipy.spatial").distance
    x = rng.standard_normal((20, 15)) * 3
    y = rng.standard_normal((20, 15)) * 3
    p, q = ref_softmax(x), ref_softmax(y)
    expected = [distance.jensenshannon(a, b) ** 2 for a, b in zip(p, q)]
    np.testing.assert_allclose(js_divergence_from_logits(x, y), expected, rtol=1e-10)
    expected2 = [distance.jensenshannon(a, b, base=2) ** 2 for a, b in zip(p, q)]
    np.testing.assert_allclose(js_divergence_from_logits(x, y, base=2), expected2, rtol=1e-10)


def test_js_is_accurate_when_p_is_close_to_q():
    """JS ~ 1e-10 is a small difference of sums of order 1: it must not be lost in them."""
    rng = np.random.default_rng(3)
    worst = 0.0
    for _ in range(40):
        v = int(rng.integers(2, 40))
        a = rng.standard_normal(v) * 3
        b = a + rng.standard_normal(v) * 3e-5
        expected = decimal_js(a, b)
        assert 1e-14 < expected < 1e-8
        worst = max(worst, abs(float(js_divergence_from_logits(a, b)) - expected) / expected)
    assert worst <= 1e-6


# ------------------------------------------------------------------ loss and entropy together


def test_cross_entropy_and_entropy_is_a_named_tuple(rng):
    x = rng.standard_normal((4, 6))
    got = cross_entropy_and_entropy_from_logits(x, [0, 1, 2, 3])
    assert isinstance(got, CrossEntropyAndEntropy) and isinstance(got, tuple)
    assert CrossEntropyAndEntropy._fields == ("cross_entropy", "entropy")
    ce, h = got
    assert ce is got.cross_entropy and h is got.entropy
    assert isinstance(ce, np.float64) and isinstance(h, np.float64)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"base": 2}, {"temperature": 1.8}, {"axis": 1}],
    ids=["nats", "bits", "temperature", "axis1"],
)
def test_cross_entropy_and_entropy_equals_the_two_calls(rng, reduction, kwargs):
    x = rng.standard_normal((5, 7, 9)) * 4
    axis = kwargs.get("axis", -1)
    batch = np.delete(x.shape, axis)
    t = rng.integers(0, x.shape[axis], batch)
    t[0, 0] = t[3, 2] = -1
    both = cross_entropy_and_entropy_from_logits(
        x, t, ignore_index=-1, reduction=reduction, **kwargs
    )
    ce = cross_entropy_from_logits(x, t, ignore_index=-1, reduction=reduction, **kwargs)
    h = entropy_from_logits(x, mask=t != -1, reduction=reduction, **kwargs)
    np.testing.assert_allclose(both.cross_entropy, ce, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(both.entropy, h, rtol=1e-13, atol=1e-15)
    if reduction == "none":
        assert both.entropy[0, 0] == 0.0 and both.cross_entropy[3, 2] == 0.0


# ------------------------------------------------------------------ token_logprobs


def test_token_logprobs_against_log_softmax(rng):
    x = rng.standard_normal((3, 6, 40)) * 4
    x[0, 0, 5:] = -np.inf
    t = rng.integers(0, 40, (3, 6))
    t[0, 0] = 2
    got = token_logprobs(x, t)
    assert got.shape == (3, 6) and got.dtype == np.float64
    np.testing.assert_allclose(got, ref_token_logprobs(x, t), rtol=1e-13)
    gathered = np.take_along_axis(log_softmax(x), t[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(got, gathered, rtol=1e-13)
    assert (got <= 0.0).all()
    one = token_logprobs(x[1, 2], np.asarray(t[1, 2]))
    assert isinstance(one, np.float64) and one == pytest.approx(got[1, 2], rel=1e-14)
    with no_runtime_warnings():
        assert token_logprobs(x[0, 0], np.asarray(7)) == -np.inf  # a masked class


def test_token_logprobs_ignore_index_and_temperature(rng):
    x = rng.standard_normal((4, 5, 12)) * 3
    t = rng.integers(0, 12, (4, 5))
    t[1] = -100
    t[2, 3] = 99  # any value may be the ignored one, even outside the classes
    with pytest.raises(ValueError, match="outside"):
        token_logprobs(x, t, ignore_index=-100)  # 99 is not ignored
    t[2, 3] = 4
    got = token_logprobs(x, t, ignore_index=-100)
    assert (got[1] == 0.0).all() and not np.signbit(got[1]).any()
    kept = t != -100
    got = token_logprobs(x, t, ignore_index=-100, temperature=2.5)
    np.testing.assert_allclose(
        got[kept], ref_token_logprobs(x / 2.5, np.where(kept, t, 0))[kept], rtol=1e-13
    )
    assert (got[~kept] == 0.0).all()
    t[1] = 0
    t[2, 3] = 99
    got = token_logprobs(x, t, ignore_index=99)
    assert got[2, 3] == 0.0
    with pytest.raises(TypeError, match="ignore_index"):
        token_logprobs(x, t, ignore_index=1.5)


# ------------------------------------------------------------------ perplexity


def test_perplexity_axis_temperature_and_bounds(rng):
    x = rng.standard_normal((3, 11, 6)) * 2
    t = rng.integers(0, 11, (3, 6))
    xm = np.moveaxis(x, 1, -1)
    assert perplexity(x, t, axis=1, temperature=3.0) == pytest.approx(
        math.exp(ref_cross_entropy_from_logits(xm / 3.0, t).mean()), rel=1e-13
    )
    assert perplexity(np.zeros((4, 37)), [0, 5, 9, 36]) == pytest.approx(37.0, rel=1e-14)
    assert perplexity(np.zeros((4, 37)), [0, 5, 9, 36], temperature=100.0) == pytest.approx(
        37.0, rel=1e-14
    )
    # a mean loss of 700 nats is finite; 709.79 and beyond is inf, without an error
    with no_runtime_warnings():
        assert perplexity([[0.0, -700.0]], [1]) == pytest.approx(math.exp(700.0), rel=1e-12)
        assert perplexity([[0.0, -709.0]], [1]) == pytest.approx(math.exp(709.0), rel=1e-12)
        assert perplexity([[0.0, -709.8]], [1]) == math.inf
        assert perplexity([[0.0, -1e4]], [1]) == math.inf
        assert perplexity(np.array([[0.0, -1e4]], dtype=np.float32), [1]) == math.inf
    value = perplexity([[0.0, -800.0], [0.0, 0.0]], [1, 0])
    assert isinstance(value, np.float64) and value == pytest.approx(
        math.exp(400.0 + LN2 / 2), rel=1e-12
    )


# ------------------------------------------------------------------ distillation_loss


@pytest.mark.parametrize("temperature", [1.0, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_distillation_against_the_reference(rng, temperature, alpha):
    s = rng.standard_normal((12, 10)) * 3
    teacher = rng.standard_normal((12, 10)) * 3
    y = rng.integers(0, 10, 12)
    expected = ref_distillation(s, teacher, y, temperature, alpha)
    got = distillation_loss(s, teacher, temperature=temperature, target=y, alpha=alpha)
    assert got == pytest.approx(expected.mean(), rel=1e-12)
    got = distillation_loss(
        s, teacher, temperature=temperature, target=y, alpha=alpha, reduction="none", base=2
    )
    np.testing.assert_allclose(got, expected / LN2, rtol=1e-12, atol=1e-14)
    soft = distillation_loss(s, teacher, temperature=temperature, reduction="sum")
    assert soft == pytest.approx(
        ref_distillation(s, teacher, None, temperature, 1.0).sum(), rel=1e-12
    )


def test_distillation_with_ignore_index(rng):
    s = rng.standard_normal((9, 7))
    teacher = rng.standard_normal((9, 7))
    y = rng.integers(0, 7, 9)
    y[[1, 4]] = -100
    s[1] = np.nan  # not read
    kept = y != -100
    expected = ref_distillation(s[kept], teacher[kept], y[kept], 2.0, 0.25)
    got = distillation_loss(s, teacher, temperature=2.0, target=y, alpha=0.25, ignore_index=-100)
    assert got == pytest.approx(expected.mean(), rel=1e-12)


def test_distillation_of_a_perfect_student_is_zero(rng):
    teacher = rng.standard_normal((6, 5, 9)) * 4
    for temperature in (0.5, 1.0, 4.0, 20.0):
        for red in ("mean", "sum"):
            assert (
                distillation_loss(teacher, teacher.copy(), temperature=temperature, reduction=red)
                == 0.0
            )
        none = distillation_loss(teacher, teacher, temperature=temperature, reduction="none")
        assert none.shape == (6, 5) and (none == 0.0).all() and not np.signbit(none).any()


def test_distillation_argument_errors(rng):
    s = rng.standard_normal((4, 6))
    teacher = rng.standard_normal((4, 6))
    y = rng.integers(0, 6, 4)
    for alpha in (-0.1, 1.5, math.nan, math.inf):
        with pytest.raises(ValueError, match="alpha"):
            distillation_loss(s, teacher, temperature=2.0, target=y, alpha=alpha)
    with pytest.raises(TypeError, match="alpha"):
        distillation_loss(s, teacher, temperature=2.0, target=y, alpha=True)
    with pytest.raises(ValueError, match="alpha"):
        distillation_loss(s, teacher, temperature=2.0, target=y)  # alpha missing
    for alpha in (0.0, 0.5):
        with pytest.raises(ValueError, match="target"):
            distillation_loss(s, teacher, temperature=2.0, alpha=alpha)
    with pytest.raises(ValueError, match="ignore_index"):
        distillation_loss(s, teacher, temperature=2.0, ignore_index=-100)
    with pytest.raises(TypeError):
        distillation_loss(s, teacher)  # the temperature has no default
    with pytest.raises(ValueError, match="target"):
        distillation_loss(s, teacher, temperature=2.0, target=y[:3], alpha=0.5)
    # alpha = 1 is the soft term alone, with or without a target
    alone = distillation_loss(s, teacher, temperature=2.0)
    assert distillation_loss(s, teacher, temperature=2.0, alpha=1.0) == alone
    assert distillation_loss(s, teacher, temperature=2.0, alpha=1, target=y) == pytest.approx(
        alone, rel=1e-14
    )


# ------------------------------------------------------------------ properties


@HYPOTHESIS
@given(st.integers(1, 24).flatmap(lambda n: st.tuples(logit_vectors(n=n), logit_vectors(n=n))))
def test_kl_is_non_negative_and_zero_on_itself(pair):
    a, b = pair
    with no_runtime_warnings():
        d = kl_divergence_from_logits(a, b)
        assert d >= 0.0 and not np.signbit(d)
        assert 0.0 <= kl_divergence_from_logits(a, a) <= 1e-12
        assert 0.0 <= kl_divergence_from_logits(a, a + 7.5) <= 1e-12
    expected = ref_kl_from_logits(a, b)
    if np.isinf(expected):
        assert d == np.inf
    else:
        assert d == pytest.approx(expected, rel=1e-9, abs=1e-11)


@HYPOTHESIS
@given(
    st.integers(1, 24).flatmap(
        lambda n: st.tuples(logit_vectors(n=n), logit_vectors(n=n, masks=False))
    )
)
def test_cross_entropy_is_entropy_plus_kl(pair):
    a, b = pair
    p = ref_softmax(a)  # float64 probability targets
    with no_runtime_warnings():
        ce = cross_entropy_from_logits(b, p, reduction="none")
        h = entropy_from_logits(a)
        d = kl_divergence_from_logits(a, b)
    assert ce == pytest.approx(h + d, rel=1e-9, abs=1e-11)


@HYPOTHESIS
@given(
    st.integers(1, 24).flatmap(lambda n: st.tuples(logit_vectors(n=n), logit_vectors(n=n))),
    st.floats(0.1, 10.0),
)
def test_js_is_symmetric_and_bounded(pair, temperature):
    a, b = pair
    with no_runtime_warnings():
        d = js_divergence_from_logits(a, b, temperature=temperature)
        assert d == js_divergence_from_logits(b, a, temperature=temperature)
    assert 0.0 <= d <= LN2 and not np.signbit(d)
    assert d == pytest.approx(
        ref_js_from_logits(a / temperature, b / temperature), rel=1e-9, abs=1e-12
    )


@HYPOTHESIS
@given(
    logit_vectors(min_size=2),
    st.floats(-100.0, 100.0),
    st.floats(-100.0, 100.0),
    st.integers(0, 1000),
)
def test_adding_a_constant_to_a_row_changes_nothing(x, c, d, seed):
    target = int(np.flatnonzero(np.isfinite(x))[seed % int(np.isfinite(x).sum())])
    rows = np.stack([x, x])
    shifted = rows + np.array([[c], [d]])
    atol = 1e-11
    np.testing.assert_allclose(entropy_from_logits(shifted), entropy_from_logits(rows), atol=atol)
    np.testing.assert_allclose(js_divergence_from_logits(shifted, rows), 0.0, atol=atol)
    np.testing.assert_allclose(kl_divergence_from_logits(shifted, rows), 0.0, atol=atol)
    np.testing.assert_allclose(
        token_logprobs(shifted, [target, target]),
        token_logprobs(rows, [target, target]),
        rtol=1e-10,
        atol=atol,
    )
    np.testing.assert_allclose(
        cross_entropy_from_logits(shifted, [target, target], reduction="none"),
        cross_entropy_from_logits(rows, [target, target], reduction="none"),
        rtol=1e-10,
        atol=atol,
    )
    np.testing.assert_allclose(log_softmax(shifted), log_softmax(rows), rtol=1e-10, atol=atol)
