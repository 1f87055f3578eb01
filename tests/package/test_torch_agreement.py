"""Agreement with torch (CPU) to float precision: the functions ML code would otherwise call.

torch puts the class dimension second ((N, C) or (B, C, T)); infotheory puts it last, so
(B, T, V) logits are permuted to (B, V, T) for torch.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from infotheory import (  # noqa: E402
    cross_entropy_from_logits,
    entropy_from_logits,
    kl_divergence_from_logits,
    kl_divergence_gaussian,
    log_softmax,
    perplexity,
    softmax,
)

RTOL = {np.float64: 1e-12, np.float32: 1e-5}
ATOL = {np.float64: 1e-13, np.float32: 1e-6}
DTYPES = [np.float64, np.float32]
IGNORE = -100  # torch's default ignore_index


def torch_ce(x, t, *, label_smoothing=0.0, reduction="mean"):
    """torch's cross-entropy for logits with the classes on the last axis."""
    xt = torch.from_numpy(np.ascontiguousarray(x))
    if xt.ndim > 2:
        xt = xt.movedim(-1, 1)
    out = F.cross_entropy(
        xt,
        torch.from_numpy(np.asarray(t)),
        ignore_index=IGNORE,
        label_smoothing=label_smoothing,
        reduction=reduction,
    )
    return out.double().numpy()


def make_batch(rng, shape, dtype, scale=3.0, ignored=0.2):
    x = (rng.standard_normal(shape) * scale).astype(dtype)
    t = rng.integers(0, shape[-1], shape[:-1])
    if ignored:
        t = np.where(rng.random(shape[:-1]) < ignored, IGNORE, t)
        t.flat[0] = 0  # at least one row counts
    return x, t


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", [(5,), (16, 7), (4, 6, 50), (2, 3, 4, 9)], ids=str)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 0.37, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch(rng, dtype, shape, label_smoothing, reduction):
    x, t = make_batch(rng, shape, dtype, ignored=0.0 if len(shape) == 1 else 0.2)
    if len(shape) == 1:
        t = np.asarray(t)  # a 0-d target for a single row
    ours = cross_entropy_from_logits(
        x, t, label_smoothing=label_smoothing, ignore_index=IGNORE, reduction=reduction
    )
    theirs = torch_ce(x, t, label_smoothing=label_smoothing, reduction=reduction)
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL[dtype], atol=ATOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_cross_entropy_language_model_shapes(rng, dtype, label_smoothing):
    x, t = make_batch(rng, (3, 64, 1000), dtype, scale=2.0, ignored=0.1)
    for reduction in ("mean", "sum", "none"):
        np.testing.assert_allclose(
            cross_entropy_from_logits(
                x, t, label_smoothing=label_smoothing, ignore_index=IGNORE, reduction=reduction
            ),
            torch_ce(x, t, label_smoothing=label_smoothing, reduction=reduction),
            rtol=RTOL[dtype],
            atol=ATOL[dtype],
        )


@pytest.mark.parametrize("threads", ["1", "2", "4"])
def test_cross_entropy_big_float32_matches_torch(monkeypatch, threads):
    monkeypatch.setenv("INFOTHEORY_NUM_THREADS", threads)
    rng = np.random.default_rng(7)
    x, t = make_batch(rng, (4, 80, 5000), np.float32, scale=3.0, ignored=0.1)  # 1.6M elements
    for eps in (0.0, 0.1):
        np.testing.assert_allclose(
            cross_entropy_from_logits(
                x, t, label_smoothing=eps, ignore_index=IGNORE, reduction="none"
            ),
            torch_ce(x, t, label_smoothing=eps, reduction="none"),
            rtol=1e-5,
            atol=1e-6,
        )
        assert cross_entropy_from_logits(
            x, t, label_smoothing=eps, ignore_index=IGNORE
        ) == pytest.approx(float(torch_ce(x, t, label_smoothing=eps)), rel=1e-5)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("offset", [200.0, -200.0])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_at_large_offsets_matches_torch(rng, dtype, offset, label_smoothing):
    x, t = make_batch(rng, (32, 40), dtype, scale=2.0)
    x = x + dtype(offset)
    np.testing.assert_allclose(
        cross_entropy_from_logits(
            x, t, label_smoothing=label_smoothing, ignore_index=IGNORE, reduction="none"
        ),
        torch_ce(x, t, label_smoothing=label_smoothing, reduction="none"),
        rtol=RTOL[dtype],
        atol=ATOL[dtype],
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("offset", [1e4, -1e4])
def test_cross_entropy_at_1e4_without_smoothing_matches_torch(rng, dtype, offset):
    x, t = make_batch(rng, (32, 40), dtype, scale=2.0)
    x = x + dtype(offset)
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, ignore_index=IGNORE, reduction="none"),
        torch_ce(x, t, reduction="none"),
        rtol=RTOL[dtype],
        atol=ATOL[dtype],
    )


@pytest.mark.parametrize("offset", [1e4, -1e4])
def test_cross_entropy_at_1e4_with_smoothing_float32_matches_torch(rng, offset):
    """Regression: (1 - eps) * picked was rounded in float32 (~3e-4 relative error)."""
    x, t = make_batch(rng, (32, 40), np.float32, scale=1.0, ignored=0.0)
    x = x + np.float32(offset)
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, label_smoothing=0.1, reduction="none"),
        torch_ce(x, t, label_smoothing=0.1, reduction="none"),
        rtol=1e-5,
        atol=1e-6,
    )


def test_cross_entropy_at_1e4_with_smoothing_float64_matches_torch(rng):
    for offset in (1e4, -1e4):
        x, t = make_batch(rng, (32, 40), np.float64, scale=1.0, ignored=0.0)
        x = x + offset
        np.testing.assert_allclose(
            cross_entropy_from_logits(x, t, label_smoothing=0.1, reduction="none"),
            torch_ce(x, t, label_smoothing=0.1, reduction="none"),
            rtol=1e-11,
        )


def test_cross_entropy_with_masked_logits_matches_torch(rng):
    x, t = make_batch(rng, (10, 12), np.float64, ignored=0.0)
    x[:, 5] = -np.inf
    t = np.where(t == 5, 4, t)
    np.testing.assert_allclose(
        cross_entropy_from_logits(x, t, reduction="none"),
        torch_ce(x, t, reduction="none"),
        rtol=1e-12,
    )
    # with smoothing, a masked class makes every loss infinite in both
    assert np.isinf(cross_entropy_from_logits(x, t, label_smoothing=0.1, reduction="none")).all()
    assert np.isinf(torch_ce(x, t, label_smoothing=0.1, reduction="none")).all()


def test_perplexity_matches_torch(rng):
    x, t = make_batch(rng, (2, 30, 100), np.float64, ignored=0.1)
    expected = float(np.exp(torch_ce(x, t)))
    assert perplexity(x, t, ignore_index=IGNORE) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("scale", [0.1, 3.0, 1e4])
def test_softmax_and_log_softmax_match_torch(rng, dtype, scale):
    x = (rng.standard_normal((5, 6, 33)) * scale).astype(dtype)
    xt = torch.from_numpy(x)
    for axis in (-1, 0, 1):
        np.testing.assert_allclose(
            softmax(x, axis=axis),
            torch.softmax(xt, dim=axis).numpy(),
            rtol=RTOL[dtype],
            atol=ATOL[dtype],
        )
        np.testing.assert_allclose(
            log_softmax(x, axis=axis),
            torch.log_softmax(xt, dim=axis).numpy(),
            rtol=RTOL[dtype],
            atol=ATOL[dtype] * max(1.0, scale),
        )
    np.testing.assert_allclose(
        softmax(x, temperature=0.7),
        torch.softmax(xt / 0.7, dim=-1).numpy(),
        rtol=RTOL[dtype] * 10,
        atol=ATOL[dtype],
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_entropy_from_logits_matches_torch_categorical(rng, dtype):
    x = (rng.standard_normal((4, 8, 300)) * 3).astype(dtype)
    x[0, 0, ::4] = -np.inf
    expected = (
        torch.distributions.Categorical(logits=torch.from_numpy(x.astype(np.float64)))
        .entropy()
        .numpy()
    )
    np.testing.assert_allclose(
        entropy_from_logits(x), expected, rtol=RTOL[dtype], atol=ATOL[dtype]
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_kl_from_logits_matches_torch_kl_div(rng, dtype):
    a = (rng.standard_normal((6, 5, 200)) * 3).astype(dtype)
    b = (rng.standard_normal((6, 5, 200)) * 3).astype(dtype)
    lp = torch.log_softmax(torch.from_numpy(a.astype(np.float64)), dim=-1)
    lq = torch.log_softmax(torch.from_numpy(b.astype(np.float64)), dim=-1)
    # F.kl_div(input, target) is D(target || input), with log-probabilities here
    expected = F.kl_div(lq, lp, log_target=True, reduction="none").sum(-1).numpy()
    np.testing.assert_allclose(
        kl_divergence_from_logits(a, b), expected, rtol=RTOL[dtype], atol=ATOL[dtype]
    )
    expected_dist = torch.distributions.kl_divergence(
        torch.distributions.Categorical(logits=lp), torch.distributions.Categorical(logits=lq)
    )
    np.testing.assert_allclose(
        kl_divergence_from_logits(a, b), expected_dist.numpy(), rtol=RTOL[dtype], atol=ATOL[dtype]
    )


def test_gaussian_kl_matches_torch(rng):
    mp, mq = rng.normal(0, 2, (2, 50))
    sp, sq = rng.uniform(0.2, 4, (2, 50))
    Normal = torch.distributions.Normal
    expected = torch.distributions.kl_divergence(
        Normal(torch.from_numpy(mp), torch.from_numpy(sp)),
        Normal(torch.from_numpy(mq), torch.from_numpy(sq)),
    ).numpy()
    np.testing.assert_allclose(
        kl_divergence_gaussian(mp, sp, mq, sq), expected, rtol=1e-12, atol=1e-15
    )
