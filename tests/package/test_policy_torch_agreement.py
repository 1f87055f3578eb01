"""dpo_loss and kl_estimate agree with their usual torch implementations in float64."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from infotheory import dpo_loss, kl_estimate  # noqa: E402

from ._helpers import no_runtime_warnings  # noqa: E402


def torch_dpo(pc, pr, rc, rr, beta, reduction):
    """The DPO recipe as written in torch training code."""
    pc, pr, rc, rr = (torch.as_tensor(np.asarray(v, dtype=np.float64)) for v in (pc, pr, rc, rr))
    losses = -F.logsigmoid(beta * ((pc - rc) - (pr - rr)))
    if reduction == "mean":
        losses = losses.mean()
    elif reduction == "sum":
        losses = losses.sum()
    return losses.numpy()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [0.01, 0.1, 0.5, 5.0])
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3])
def test_dpo_loss_matches_torch(rng, reduction, beta, scale):
    n = 64
    pc, pr, rc, rr = (rng.normal(-10 * scale, scale, n) for _ in range(4))
    ours = dpo_loss(pc, pr, rc, rr, beta=beta, reduction=reduction)
    theirs = torch_dpo(pc, pr, rc, rr, beta, reduction)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300)


def test_dpo_loss_matches_torch_for_huge_margins():
    margins = np.array([-1e6, -745.0, -40.0, -1e-9, 0.0, 1e-9, 40.0, 745.0, 1e6])
    zero = np.zeros_like(margins)
    with no_runtime_warnings():
        ours = dpo_loss(margins, zero, zero, zero, beta=1.0, reduction="none")
    theirs = torch_dpo(margins, zero, zero, zero, 1.0, "none")
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300)


def test_dpo_loss_at_initialisation_matches_torch(rng):
    c, r = rng.normal(-50, 10, 8), rng.normal(-50, 10, 8)
    assert dpo_loss(c, r, c, r, beta=0.1) == pytest.approx(
        float(torch_dpo(c, r, c, r, 0.1, "mean")), rel=1e-15
    )


def torch_k(kind, logp, logq):
    """The per-token estimators as RLHF code writes them (policy logp, reference logq)."""
    log_r = torch.as_tensor(logq) - torch.as_tensor(logp)
    if kind == "k1":
        return (-log_r).numpy()
    if kind == "k2":
        return (0.5 * log_r**2).numpy()
    return (torch.expm1(log_r) - log_r).numpy()


@pytest.mark.parametrize("kind", ["k1", "k2", "k3"])
def test_kl_estimate_matches_torch(rng, kind):
    logp = rng.normal(-3.0, 1.0, (8, 32))
    logq = logp + rng.normal(0.0, 1.0, (8, 32))
    mask = rng.random((8, 32)) < 0.8
    ours = kl_estimate(logp, logq, kind=kind, mask=mask, reduction="none")
    theirs = np.where(mask, torch_k(kind, logp, logq), 0.0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    t_mask = torch.as_tensor(mask)
    t_values = torch.as_tensor(torch_k(kind, logp, logq))
    masked_mean = float((t_values * t_mask).sum() / t_mask.sum())
    assert kl_estimate(logp, logq, kind=kind, mask=mask) == pytest.approx(masked_mean, rel=1e-12)
