"""Shared strategies, settings and float64 reference implementations for the package tests.

The references here are written independently of :mod:`infotheory` (plain numpy in
float64, or the textbook formula), so comparing against them can actually fail.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Deterministic by default so CI never flakes; set INFOTHEORY_HYPOTHESIS_RANDOM=1 to explore.
HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    derandomize=not os.environ.get("INFOTHEORY_HYPOTHESIS_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LN2 = math.log(2.0)


@contextlib.contextmanager
def no_runtime_warnings():
    """Fail on any RuntimeWarning (numpy overflow/divide/invalid), whatever pytest's config."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def normalise(weights) -> np.ndarray:
    """Divide by the sum, then put the rounding residue on the largest entry."""
    w = np.asarray(weights, dtype=np.float64)
    p = w / w.sum()
    i = int(np.argmax(p))
    p[i] += 1.0 - p.sum()
    return p


# ---------------------------------------------------------------- strategies

_POSITIVE = st.floats(min_value=1e-9, max_value=1.0, allow_nan=False, allow_subnormal=False)
_WITH_ZERO = st.one_of(st.just(0.0), _POSITIVE, _POSITIVE)


@st.composite
def weight_vectors(draw, n: int, *, zeros: bool = True) -> np.ndarray:
    """``n`` non-negative weights, not all zero, with some exact zeros if ``zeros``."""
    w = draw(hnp.arrays(np.float64, n, elements=_WITH_ZERO if zeros else _POSITIVE))
    if not (w > 0).any():
        w[draw(st.integers(0, n - 1))] = draw(_POSITIVE)
    return w


@st.composite
def distributions(draw, *, min_size: int = 1, max_size: int = 24, zeros: bool = True):
    n = draw(st.integers(min_size, max_size))
    return normalise(draw(weight_vectors(n, zeros=zeros)))


@st.composite
def distribution_pairs(
    draw, *, min_size: int = 1, max_size: int = 24, zeros: bool = True, q_covers_p: bool = False
):
    """Two distributions with the same number of outcomes.

    With ``q_covers_p`` the model is positive wherever the truth is, so D(P||Q) is finite.
    """
    n = draw(st.integers(min_size, max_size))
    p = normalise(draw(weight_vectors(n, zeros=zeros)))
    wq = draw(weight_vectors(n, zeros=zeros))
    if q_covers_p:
        wq = np.where((p > 0) & (wq == 0), draw(_POSITIVE), wq)
    return p, normalise(wq)


@st.composite
def joint_tables(draw, *, max_side: int = 6, zeros: bool = True):
    nx = draw(st.integers(1, max_side))
    ny = draw(st.integers(1, max_side))
    return normalise(draw(weight_vectors(nx * ny, zeros=zeros))).reshape(nx, ny)


@st.composite
def logit_vectors(
    draw,
    *,
    min_size: int = 1,
    max_size: int = 30,
    bound: float = 30.0,
    masks: bool = True,
    n: int | None = None,
):
    """Finite logits in [-bound, bound], some entries -inf (masked) but never all of them."""
    if n is None:
        n = draw(st.integers(min_size, max_size))
    values = st.floats(min_value=-bound, max_value=bound, allow_nan=False, allow_infinity=False)
    if masks:
        values = st.one_of(values, values, values, st.just(-np.inf))
    x = draw(hnp.arrays(np.float64, n, elements=values))
    if np.isneginf(x).all():
        x[draw(st.integers(0, n - 1))] = draw(st.floats(-bound, bound))
    return x


# ------------------------------------------------------ float64 references


def ref_log_softmax(x, axis: int = -1) -> np.ndarray:
    """Stable float64 log-softmax; -inf logits give -inf."""
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=axis, keepdims=True)
    z = x - m
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def ref_softmax(x, axis: int = -1) -> np.ndarray:
    return np.exp(ref_log_softmax(x, axis))


def ref_entropy_from_logits(x, axis: int = -1) -> np.ndarray:
    lp = ref_log_softmax(x, axis)
    p = np.exp(lp)
    return -(p * np.where(p > 0, lp, 0.0)).sum(axis=axis)


def ref_kl_from_logits(a, b, axis: int = -1) -> np.ndarray:
    lp, lq = ref_log_softmax(a, axis), ref_log_softmax(b, axis)
    p = np.exp(lp)
    support = p > 0
    diff = np.where(support, lp, 0.0) - np.where(support, lq, 0.0)  # +inf where q masks p
    return (np.where(support, p, 0.0) * diff).sum(axis=axis)


def ref_cross_entropy_from_logits(
    x, target, *, label_smoothing: float = 0.0, ignore_index: int | None = None
) -> np.ndarray:
    """Per-row loss (ignored rows give 0), torch's eps/K label-smoothing convention."""
    lp = ref_log_softmax(x)
    k = lp.shape[-1]
    target = np.asarray(target)
    keep = np.ones(target.shape, bool) if ignore_index is None else target != ignore_index
    safe = np.where(keep, target, 0)
    picked = np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    loss = np.zeros(target.shape)
    if label_smoothing < 1.0:
        loss = loss - (1.0 - label_smoothing) * picked
    if label_smoothing > 0.0:
        loss = loss - label_smoothing / k * lp.sum(axis=-1)
    return np.where(keep, loss, 0.0)


def ref_entropy(p) -> float:
    """Textbook Shannon entropy in nats, with 0 log 0 = 0 (math.fsum, one distribution)."""
    return -math.fsum(v * math.log(v) for v in np.ravel(p) if v > 0)


def ref_kl(p, q) -> float:
    """Textbook D(P||Q) in nats for one pair (math.fsum); inf where q = 0 < p."""
    total = []
    for a, b in zip(np.ravel(p), np.ravel(q)):
        if a > 0:
            if b == 0:
                return math.inf
            total.append(a * (math.log(a) - math.log(b)))
    return math.fsum(total)
