"""The new features of the logits functions against torch (CPU), and torch tensors as input.

torch is the reference here: ``F.cross_entropy`` with probability targets and label
smoothing, ``F.cross_entropy`` on the (N, C, L) layout, the distillation recipe with
``F.kl_div(..., reduction="batchmean")``, and ``gather`` of ``F.log_softmax``. Tensors are
read without a copy: a 64 MB tensor costs well under 16 MiB of extra memory.
"""

from __future__ import annotations

import math
import tracemalloc
import zlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from infotheory import (  # noqa: E402
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

LIMIT = 16 * 2**20


@pytest.fixture
def gen(request):
    return torch.Generator().manual_seed(zlib.crc32(request.node.nodeid.encode()))


def randn(gen, *shape, dtype=torch.float64, scale=3.0):
    return torch.randn(*shape, generator=gen, dtype=dtype) * scale


def peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ probability targets


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.45, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_soft_targets_with_label_smoothing_match_torch(gen, eps, reduction):
    x = randn(gen, 6, 5, 20)
    probs = torch.softmax(randn(gen, 6, 5, 20), dim=-1)
    ours = cross_entropy_from_logits(x, probs, label_smoothing=eps, reduction=reduction)
    theirs = F.cross_entropy(
        x.movedim(-1, 1), probs.movedim(-1, 1), label_smoothing=eps, reduction=reduction
    ).numpy()
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)
    # torch's own layout, classes on axis 1
    ours = cross_entropy_from_logits(
        x.movedim(-1, 1), probs.movedim(-1, 1), axis=1, label_smoothing=eps, reduction=reduction
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)


def test_soft_targets_float32_match_torch(gen):
    x = randn(gen, 64, 300, dtype=torch.float32)
    probs = torch.softmax(randn(gen, 64, 300, dtype=torch.float32), dim=-1)
    for eps in (0.0, 0.2):
        ours = cross_entropy_from_logits(x, probs, label_smoothing=eps, reduction="none")
        theirs = F.cross_entropy(
            x.double(), probs.double(), label_smoothing=eps, reduction="none"
        ).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


# ------------------------------------------------------------------ axis, temperature


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_torch_layout_with_axis_1(gen, dtype):
    x = randn(gen, 4, 11, 7, dtype=dtype)
    y = torch.randint(0, 11, (4, 7), generator=gen)
    y[0, 0] = -100
    tol = 1e-12 if dtype == torch.float64 else 1e-6
    for red in ("mean", "sum", "none"):
        for eps in (0.0, 0.1):
            ours = cross_entropy_from_logits(
                x, y, axis=1, ignore_index=-100, reduction=red, label_smoothing=eps
            )
            theirs = F.cross_entropy(
                x.double(), y, ignore_index=-100, reduction=red, label_smoothing=eps
            ).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)
    lp = F.log_softmax(x.double(), dim=1)
    expected = lp.gather(1, y.clamp(min=0)[:, None]).squeeze(1).numpy()
    expected[0, 0] = 0.0
    np.testing.assert_allclose(
        token_logprobs(x, y, axis=1, ignore_index=-100), expected, rtol=tol, atol=tol
    )
    np.testing.assert_allclose(
        entropy_from_logits(x, axis=1), -(lp.exp() * lp).sum(dim=1).numpy(), rtol=tol, atol=tol
    )


@pytest.mark.parametrize("temperature", [0.5, 1.7, 4.0])
def test_temperature_matches_torch(gen, temperature):
    x = randn(gen, 5, 9, 13)
    y = torch.randint(0, 9, (5, 13), generator=gen)
    for eps in (0.0, 0.3):
        ours = cross_entropy_from_logits(
            x, y, axis=1, temperature=temperature, label_smoothing=eps
        )
        theirs = F.cross_entropy(x / temperature, y, label_smoothing=eps)
        assert ours == pytest.approx(float(theirs), rel=1e-12)
    assert perplexity(x, y, axis=1, temperature=temperature) == pytest.approx(
        math.exp(float(F.cross_entropy(x / temperature, y))), rel=1e-12
    )
    np.testing.assert_allclose(
        log_softmax(x, axis=1, temperature=temperature),
        F.log_softmax(x / temperature, dim=1).numpy(),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        softmax(x, axis=1, temperature=temperature),
        F.softmax(x / temperature, dim=1).numpy(),
        rtol=1e-12,
        atol=1e-15,
    )


# ------------------------------------------------------------------ token_logprobs


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
def test_token_logprobs_match_torch_gather(gen, dtype):
    x = randn(gen, 3, 17, 50, dtype=dtype)
    y = torch.randint(0, 50, (3, 17), generator=gen)
    expected = F.log_softmax(x.double(), dim=-1).gather(-1, y[..., None]).squeeze(-1).numpy()
    tol = 1e-12 if dtype == torch.float64 else 1e-6
    got = token_logprobs(x, y)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    y[:, -1] = -100
    got = token_logprobs(x, y, ignore_index=-100)
    assert (got[:, -1] == 0.0).all()
    np.testing.assert_allclose(got[:, :-1], expected[:, :-1], rtol=tol, atol=tol)


# ------------------------------------------------------------------ distillation


def torch_distillation(s, t, y, temperature, alpha):
    soft = F.kl_div(
        F.log_softmax(s / temperature, -1), F.softmax(t / temperature, -1), reduction="batchmean"
    )
    out = alpha * temperature**2 * soft
    if y is not None:
        out = out + (1 - alpha) * F.cross_entropy(s, y)
    return float(out)


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0, 10.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_distillation_matches_the_torch_recipe(gen, temperature, alpha):
    s = randn(gen, 32, 10)
    t = randn(gen, 32, 10)
    y = torch.randint(0, 10, (32,), generator=gen)
    ours = distillation_loss(s, t, temperature=temperature, target=y, alpha=alpha)
    assert isinstance(ours, np.float64)
    assert ours == pytest.approx(
        torch_distillation(s, t, y, temperature, alpha), rel=1e-12, abs=1e-15
    )
    if alpha == 1.0:
        ours = distillation_loss(s, t, temperature=temperature)
        assert ours == pytest.approx(torch_distillation(s, t, None, temperature, 1.0), rel=1e-12)


def test_distillation_with_ignore_index_matches_torch(gen):
    s = randn(gen, 20, 8)
    t = randn(gen, 20, 8)
    y = torch.randint(0, 8, (20,), generator=gen)
    y[::4] = -100
    kept = y != -100
    temperature, alpha = 3.0, 0.4
    soft = F.kl_div(
        F.log_softmax(s[kept] / temperature, -1),
        F.softmax(t[kept] / temperature, -1),
        reduction="batchmean",
    )
    expected = alpha * temperature**2 * soft + (1 - alpha) * F.cross_entropy(
        s, y, ignore_index=-100
    )
    ours = distillation_loss(
        s, t, temperature=temperature, target=y, alpha=alpha, ignore_index=-100
    )
    assert ours == pytest.approx(float(expected), rel=1e-12)


def test_distillation_of_sequences_is_the_mean_over_tokens(gen):
    """For (B, S, V) the mean is over the B * S rows: torch's batchmean of the flattened
    (B * S, V) logits (``F.kl_div`` on the 3-D tensor would divide by B alone)."""
    s = randn(gen, 3, 6, 10)
    t = randn(gen, 3, 6, 10)
    ours = distillation_loss(s, t, temperature=2.0)
    assert ours == pytest.approx(
        torch_distillation(s.reshape(18, 10), t.reshape(18, 10), None, 2.0, 1.0), rel=1e-12
    )


def test_kl_and_js_match_torch(gen):
    a = randn(gen, 7, 4, 25)
    b = randn(gen, 1, 4, 25)  # broadcast against the batch
    la, lb = F.log_softmax(a, -1), F.log_softmax(b, -1).expand_as(a)
    kl = F.kl_div(lb, la, log_target=True, reduction="none").sum(-1).numpy()
    np.testing.assert_allclose(kl_divergence_from_logits(a, b), kl, rtol=1e-12, atol=1e-14)
    lm = torch.logaddexp(la, lb) - math.log(2.0)
    js = 0.5 * (
        F.kl_div(lm, la, log_target=True, reduction="none").sum(-1)
        + F.kl_div(lm, lb, log_target=True, reduction="none").sum(-1)
    )
    np.testing.assert_allclose(js_divergence_from_logits(a, b), js.numpy(), rtol=1e-11, atol=1e-14)


# ------------------------------------------------------------------ tensors as input


def test_a_64_mb_tensor_is_read_without_a_copy(gen):
    x = torch.randn(2048, 8192, generator=gen)  # 64 MiB of float32
    y = torch.randint(0, 8192, (2048,), generator=gen)
    assert x.numel() * 4 >= 4 * LIMIT
    peak, ours = peak_bytes(lambda: cross_entropy_from_logits(x, y))
    assert peak < LIMIT
    assert ours == cross_entropy_from_logits(x.numpy(), y.numpy())
    assert ours == pytest.approx(float(F.cross_entropy(x.double(), y)), rel=1e-6)
    view = x[:, :-1]  # a shifted, non-contiguous view
    peak, ours = peak_bytes(lambda: entropy_from_logits(view, reduction="mean"))
    assert peak < LIMIT
    assert ours == entropy_from_logits(view.numpy(), reduction="mean")


def test_tensors_that_require_grad_are_refused(gen):
    x = randn(gen, 3, 5).requires_grad_()
    y = torch.randint(0, 5, (3,), generator=gen)
    calls = [
        lambda: softmax(x),
        lambda: entropy_from_logits(x),
        lambda: kl_divergence_from_logits(x, x.detach()),
        lambda: js_divergence_from_logits(x.detach(), x),
        lambda: cross_entropy_from_logits(x, y),
        lambda: cross_entropy_and_entropy_from_logits(x, y),
        lambda: token_logprobs(x, y),
        lambda: perplexity(x, y),
        lambda: distillation_loss(x, x.detach(), temperature=2.0),
    ]
    for call in calls:
        with pytest.raises(TypeError, match=r"\.detach\(\)"):
            call()
    with pytest.raises(TypeError, match=r"target\.detach\(\)"):
        cross_entropy_from_logits(x.detach(), torch.softmax(x, -1))
    assert cross_entropy_from_logits(x.detach(), y) == pytest.approx(
        float(F.cross_entropy(x.detach(), y)), rel=1e-12
    )


def test_results_are_numpy(gen):
    x = randn(gen, 4, 6)
    y = torch.randint(0, 6, (4,), generator=gen)
    scalars = [
        cross_entropy_from_logits(x, y),
        entropy_from_logits(x, reduction="mean"),
        kl_divergence_from_logits(x, x.flip(0), reduction="sum"),
        js_divergence_from_logits(x, x.flip(0), reduction="mean"),
        perplexity(x, y),
        distillation_loss(x, x.flip(0), temperature=2.0),
        *cross_entropy_and_entropy_from_logits(x, y),
    ]
    for value in scalars:
        assert type(value) is np.float64
    arrays = [
        softmax(x),
        log_softmax(x),
        entropy_from_logits(x),
        token_logprobs(x, y),
        cross_entropy_from_logits(x, y, reduction="none"),
        *cross_entropy_and_entropy_from_logits(x, y, reduction="none"),
    ]
    for value in arrays:
        assert type(value) is np.ndarray


def test_bfloat16_tensors_and_their_shifted_views(gen):
    x = randn(gen, 3, 12, 40, dtype=torch.float32).bfloat16()
    z = randn(gen, 3, 12, 40, dtype=torch.float32).bfloat16()
    y = torch.randint(0, 40, (3, 11), generator=gen)
    view, other = x[:, :-1], z[:, :-1]
    assert not view.is_contiguous()
    wide, wide_other = view.float().numpy(), other.float().numpy()
    np.testing.assert_array_equal(
        cross_entropy_from_logits(view, y, reduction="none"),
        cross_entropy_from_logits(wide, y.numpy(), reduction="none"),
    )
    np.testing.assert_array_equal(token_logprobs(view, y), token_logprobs(wide, y.numpy()))
    np.testing.assert_array_equal(entropy_from_logits(view), entropy_from_logits(wide))
    np.testing.assert_array_equal(
        kl_divergence_from_logits(view, other), kl_divergence_from_logits(wide, wide_other)
    )
    np.testing.assert_array_equal(softmax(view), softmax(wide))
    np.testing.assert_array_equal(
        distillation_loss(view, other, temperature=2.0, target=y, alpha=0.5),
        distillation_loss(wide, wide_other, temperature=2.0, target=y.numpy(), alpha=0.5),
    )
    both = cross_entropy_and_entropy_from_logits(view, y)
    assert both == cross_entropy_and_entropy_from_logits(wide, y.numpy())
    theirs = F.cross_entropy(view.double().movedim(-1, 1), y)
    assert cross_entropy_from_logits(view, y) == pytest.approx(float(theirs), rel=1e-6)


def test_bfloat16_tensors_in_float64_company(gen):
    """JS is computed in float64, and KL widens to float64 next to a float64 tensor."""
    x = randn(gen, 5, 30, dtype=torch.float32).bfloat16()
    d = randn(gen, 5, 30)
    wide = x.float().numpy()
    np.testing.assert_array_equal(
        js_divergence_from_logits(x, x.flip(0)), js_divergence_from_logits(wide, wide[::-1])
    )
    np.testing.assert_array_equal(
        kl_divergence_from_logits(x, d), kl_divergence_from_logits(wide, d.numpy())
    )
    probs = torch.tensor([[0.5, 0.25, 0.25], [0.0, 1.0, 0.0]]).bfloat16()
    logits = randn(gen, 2, 3)
    np.testing.assert_allclose(
        cross_entropy_from_logits(logits, probs, reduction="none"),
        F.cross_entropy(logits, probs.double(), reduction="none"),
        rtol=1e-12,
    )


def test_half_precision_tensors_match_torch_in_float32(gen):
    for dtype in (torch.float16, torch.bfloat16):
        x = randn(gen, 64, 100, dtype=torch.float32).to(dtype)
        y = torch.randint(0, 100, (64,), generator=gen)
        theirs = F.cross_entropy(x.float(), y, label_smoothing=0.1)
        ours = cross_entropy_from_logits(x, y, label_smoothing=0.1)
        assert ours == pytest.approx(float(theirs), rel=1e-6)
