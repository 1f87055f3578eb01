"""KL estimates and the DPO loss from the log-probabilities of sampled sequences.

Policy-optimisation code (RLHF with PPO or GRPO, DPO) rarely holds whole
distributions: it holds the log-probability that the policy and a reference
model give to each sampled token or completion. The functions here take
exactly that, as arrays of natural logarithms, and turn it into an estimate
of the KL divergence between the two models or into the DPO loss.

The module is long because its docstrings are the package's reference text (formula,
units, which argument is the truth, notes that teach, references, examples): they are
more than half of its lines.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_real_array, finish, log_of_base, positive_scalar

__all__ = ["dpo_loss", "kl_estimate"]

Result = np.float64 | NDArray[np.float64]
Reduction = Literal["mean", "sum", "none"]
Kind = Literal["k1", "k2", "k3"]

_KINDS = ("k1", "k2", "k3")

# Below this |log r|, expm1(x) - x loses more than a couple of ulps to cancellation (its
# relative error is about eps * |expm1(x)| / (expm1(x) - x), 2 eps / |x| for small x),
# and k3 is summed as its Taylor series instead.
_SERIES_BELOW = 0.5


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


#: Taylor coefficients of (exp(x) - 1 - x) / (x**2 / 2): 2 / (n + 2)! for n = 14, ..., 0.
_SERIES = tuple(2.0 / math.factorial(n + 2) for n in range(14, -1, -1))

#: (terms, bound): with ``|x| <= bound`` the first ``terms`` terms of the series reach
#: 1e-18 relative, since term ``n`` is ``2 |x|**n / (n + 2)!`` of the first.
_SERIES_TERMS = tuple(
    (
        terms,
        max(
            b
            for b in (0.5 / 2**j for j in range(40))
            if 2.0 * b**terms / math.factorial(terms + 2) < 1e-18
        ),
    )
    for terms in range(3, 16)
)

#: Elements per block of kl_estimate: 512 KiB of float64 per buffer, in cache.
_BLOCK = 1 << 16


def _exp_minus_one_minus(x: NDArray[np.float64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Elementwise ``exp(x) - 1 - x`` into `out`, accurate to a few ulps for every ``x``.

    ``np.expm1(x) - x`` is exact in the limit but cancels for small ``|x|``; there the
    series ``x**2/2 * (1 + x/3 + x**2/12 + ...)``, whose terms beyond ``x**16`` are below
    1e-18 relative for ``|x| < 0.5``, is evaluated by Horner's rule. ``exp`` overflows to
    ``inf`` for ``x > 709.78``, which is the honest value; ``x = -inf`` gives ``inf``.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        np.expm1(x, out=out)
        out -= x
    out[np.isposinf(x)] = np.inf  # inf - inf above
    small = np.abs(x) < _SERIES_BELOW
    if small.any():
        every = bool(small.all())
        s = x if every else x[small]
        # Terms below 1e-18 of the first are left out: fewer for a block of small |x|
        # (log-ratios of close models), all 15 up to |x| = 0.5.
        top = float(np.abs(s).max())
        terms = next((k for k, bound in _SERIES_TERMS if top <= bound), len(_SERIES))
        acc = out if every else np.empty_like(s)
        acc.fill(_SERIES[-terms])
        for c in _SERIES[len(_SERIES) - terms + 1 :]:
            acc *= s
            acc += c
        acc *= s
        acc *= s
        acc *= 0.5
        if not every:
            out[small] = acc
    return out


def _check_log_probs(values: NDArray[np.float64], name: str, *, allow_neg_inf: bool) -> None:
    if np.isfinite(values).all():
        return
    if np.isnan(values).any():
        raise ValueError(f"{name} contains NaN")
    if np.isposinf(values).any():
        raise ValueError(f"{name} contains +inf, which is not a log-probability")
    if not allow_neg_inf:
        raise ValueError(
            f"{name} contains -inf: a sample drawn from p has p(x) > 0, so its "
            "log-probability under p is finite"
        )


def kl_estimate(
    logp: ArrayLike,
    logq: ArrayLike,
    *,
    kind: Kind,
    mask: ArrayLike | None = None,
    reduction: Reduction = "mean",
    base: float | None = None,
) -> Result:
    r"""Monte Carlo estimate of :math:`D_{\mathrm{KL}}(P \| Q)` from samples of `P`.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \mathbb{E}_{x \sim P}[-\log r(x)],
        \qquad r(x) = \frac{q(x)}{p(x)}

    .. math::

        k_1 = -\log r, \qquad
        k_2 = \tfrac12 (\log r)^2, \qquad
        k_3 = (r - 1) - \log r

    Each sample contributes one value of the chosen estimator; their mean
    estimates the divergence.

    Parameters
    ----------
    logp : array_like
        :math:`\log p(x)` of each sample under `P`, the distribution the
        samples were drawn from (in RLHF: the policy :math:`\pi_\theta` that
        generated the tokens). Natural logarithms, finite.
    logq : array_like
        :math:`\log q(x)` of the same samples under `Q` (in RLHF: the
        reference model). Natural logarithms; ``-inf`` is allowed and means
        that `Q` gives the sample probability 0. Broadcasts against `logp`.
    kind : {"k1", "k2", "k3"}
        The estimator (required; see Notes for how to choose).
    mask : array_like of bool, optional
        True for the samples to use, with exactly the broadcast shape of
        `logp` and `logq` (for instance the attention mask of a batch of
        sequences, as booleans). Entries where the mask is False are never
        read: padding may hold anything, even NaN.
    reduction : {"mean", "sum", "none"}, optional
        The mean over the unmasked samples (default), their sum, or the
        per-sample values with the broadcast shape (0 at masked entries).
    base : float, optional
        Logarithm base of the result: ``None`` (default) gives nats, ``2``
        gives bits. The inputs are natural logarithms whatever `base` is.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The estimate, float64. ``k2`` and ``k3`` are never negative, ``k1``
        can be (per sample, and also its mean). ``inf`` if a sample has
        :math:`q(x) = 0`.

    Raises
    ------
    ValueError
        For an unknown `kind` or `reduction`; NaN or ``+inf`` in `logp` or
        `logq`, or ``-inf`` in `logp` (at unmasked entries); shapes that do not
        broadcast; a `mask` of the wrong shape; a mean over no samples (an
        empty input, or a mask that is False everywhere); an invalid `base`.
    TypeError
        For a `mask` that is not boolean (convert an integer attention mask
        with ``mask == 1``), or inputs that are not real numbers.

    See Also
    --------
    kl_divergence, kl_divergence_from_logits, dpo_loss

    Notes
    -----
    **Bias.** :math:`k_1` is the definition of the divergence, sampled: it is
    unbiased. :math:`k_3` adds :math:`r - 1`, whose expectation under `P` is
    :math:`\sum_x q(x) - 1 = 0`, so it is unbiased too. :math:`k_2` is
    biased: its expectation :math:`\mathbb{E}_P[\frac12 (\log r)^2]` agrees
    with :math:`D_{\mathrm{KL}}(P \| Q)` only to second order as
    :math:`Q \to P`, and is a different quantity when they are far apart
    (it has the form :math:`\mathbb{E}_P[f(q/p)]` of an f-divergence with
    :math:`f(t) = \frac12 \log^2 t`, although this `f` is convex only for
    :math:`t \le e`).

    **Sign and variance.** A KL divergence is never negative, but a single
    :math:`k_1` is negative whenever :math:`q(x) > p(x)`, which happens for
    a large share of the samples when the models are close: the positive
    and negative values cancel on average, so the estimate is noisy. Since
    :math:`e^y \ge 1 + y`, every single :math:`k_3` is :math:`\ge 0`. And
    :math:`r - 1` is a control variate: to first order in
    :math:`\log r` it is the negative of :math:`k_1`, so
    :math:`k_3 \approx \frac12 (\log r)^2` is second order, and its variance
    is far smaller than that of :math:`k_1` when `P` and `Q` are close (the
    usual case for a KL penalty). When they are far apart, `r` can be huge
    on rare samples and :math:`k_3` can be the noisier one. :math:`k_3` is
    the KL term of GRPO [2]_, with the policy as `P` and the reference as `Q`.

    **Why a negative mean of k1 is returned as is.** With few samples, or
    models that are very close, the mean of :math:`k_1` can come out
    negative. Clamping it at 0 would replace an unbiased estimate by one
    that is biased upwards (:math:`\mathbb{E}[\max(X, 0)] > \mathbb{E}[X]`
    whenever `X` can be negative), and would hide the information that the
    estimate is dominated by noise. :math:`k_2` and :math:`k_3` are
    non-negative by construction; only round-off is clamped.

    **Samples outside Q's support.** ``logq = -inf`` means `Q` gives
    probability 0 to a sample that `P` produced, so
    :math:`D_{\mathrm{KL}}(P \| Q) = \infty` exactly, and all three
    estimators are ``inf`` for that sample (:math:`-\log r = \infty`,
    :math:`r - 1 = -1`); any mean or sum that includes it is ``inf``. A
    finite but very large :math:`\log r` (over about 709) makes
    :math:`r` overflow: :math:`k_3` is then ``inf`` too, without a warning.

    The estimates are only meaningful for samples drawn from `P`. If the
    full distributions are available (for instance next-token logits), the
    exact per-token divergence of :func:`kl_divergence_from_logits` has no
    sampling noise at all. Also, an unbiased estimate of the divergence is
    not an unbiased estimate of its gradient, if the estimate is
    differentiated through in an autodiff framework.

    :math:`k_3` is computed as ``np.expm1(log_r) - log_r``, and as its
    Taylor series for :math:`|\log r| < 0.5`, where that difference cancels,
    so it is accurate to a few ulps even when `P` and `Q` agree to 1e-8.

    References
    ----------
    .. [1] J. Schulman, "Approximating KL Divergence", 2020,
       http://joschu.net/blog/kl-approx.html
    .. [2] Z. Shao et al., "DeepSeekMath: Pushing the Limits of Mathematical
       Reasoning in Open Language Models", arXiv:2402.03300, 2024.

    Examples
    --------
    Take :math:`P = (0.75, 0.25)` and :math:`Q = (0.5, 0.5)`, whose exact
    divergence is 0.1308 nats, and a sample of four draws from `P` whose
    frequencies happen to be exactly those of `P`:

    >>> import numpy as np
    >>> from infotheory import kl_divergence, kl_estimate
    >>> round(float(kl_divergence([0.75, 0.25], [0.5, 0.5])), 4)
    0.1308
    >>> x = np.array([0, 0, 0, 1])
    >>> logp, logq = np.log([0.75, 0.25])[x], np.log([0.5, 0.5])[x]

    Then the unbiased estimators hit the divergence exactly, and the biased
    one does not:

    >>> [round(float(kl_estimate(logp, logq, kind=k)), 4) for k in ("k1", "k2", "k3")]
    [0.1308, 0.1217, 0.1308]

    Per sample, :math:`k_1` is negative where :math:`q(x) > p(x)`, while
    every :math:`k_3` is positive:

    >>> kl_estimate(logp, logq, kind="k1", reduction="none").round(4)
    array([ 0.4055,  0.4055,  0.4055, -0.6931])
    >>> kl_estimate(logp, logq, kind="k3", reduction="none").round(4)
    array([0.0721, 0.0721, 0.0721, 0.3069])

    In a batch of sequences, the mask leaves out padding, whatever it holds
    (here NaN), and the mean runs over the real tokens only:

    >>> logp = np.array([[-0.2, -1.1, -0.7], [-0.5, np.nan, np.nan]])
    >>> logq = np.array([[-0.3, -0.9, -0.8], [-0.4, np.nan, np.nan]])
    >>> mask = np.array([[True, True, True], [True, False, False]])
    >>> kl_estimate(logp, logq, kind="k3", mask=mask, reduction="none").round(5)
    array([[0.00484, 0.0214 , 0.00484],
           [0.00517, 0.     , 0.     ]])
    >>> round(float(kl_estimate(logp, logq, kind="k3", mask=mask, base=2)), 5)
    0.01307

    A sample that `Q` rules out makes the divergence infinite, and the
    estimate says so:

    >>> float(kl_estimate([-0.1, -2.0], [-0.2, -np.inf], kind="k3"))
    inf
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of 'k1', 'k2', 'k3', got {kind!r}")
    _check_reduction(reduction)
    divisor = log_of_base(base)
    lp = as_real_array(logp, "logp")
    lq = as_real_array(logq, "logq")
    try:
        shape = np.broadcast_shapes(lp.shape, lq.shape)
    except ValueError:
        raise ValueError(
            f"logp and logq have shapes {lp.shape} and {lq.shape}, which do not broadcast"
        ) from None
    if mask is None:
        keep = None
        a = np.broadcast_to(lp, shape).reshape(-1)  # a view when lp is contiguous
        b = np.broadcast_to(lq, shape).reshape(-1)
    else:
        keep = np.asarray(mask)
        if keep.dtype != np.bool_:
            raise TypeError(
                f"mask must be boolean, got dtype {keep.dtype} "
                "(for a 0/1 attention mask, pass mask == 1)"
            )
        if keep.shape != shape:
            raise ValueError(
                f"mask must have the broadcast shape of logp and logq, {shape}, got {keep.shape}"
            )
        a = np.broadcast_to(lp, shape)[keep]
        b = np.broadcast_to(lq, shape)[keep]
    n = a.size
    values = np.empty(n) if reduction == "none" else None
    total = 0.0
    buf_a, buf_b, buf_v = np.empty(min(n, _BLOCK)), np.empty(min(n, _BLOCK)), None
    # One block of samples at a time, in float64, in place: the extra memory is three
    # blocks whatever n, and each block is read once while it is in cache.
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        ab, bb = buf_a[: hi - lo], buf_b[: hi - lo]
        np.copyto(ab, a[lo:hi])
        np.copyto(bb, b[lo:hi])
        _check_log_probs(ab, "logp", allow_neg_inf=False)
        _check_log_probs(bb, "logq", allow_neg_inf=True)
        v = values[lo:hi] if values is not None else buf_b[: hi - lo]
        with np.errstate(over="ignore"):
            log_r = np.subtract(bb, ab, out=ab)  # -inf where logq is
            if kind == "k1":
                np.negative(log_r, out=v)
                v += 0.0  # turns -0.0 into 0.0
            elif kind == "k2":
                np.multiply(log_r, log_r, out=v)
                v *= 0.5
            else:
                if buf_v is None:
                    buf_v = np.empty(min(n, _BLOCK))
                np.maximum(_exp_minus_one_minus(log_r, buf_v[: hi - lo]), 0.0, out=v)
                v += 0.0
            if values is None:
                total += float(v.sum())
    if values is not None:
        out = values.reshape(shape) if keep is None else np.zeros(shape)
        if keep is not None:
            out[keep] = values
        return finish(out / divisor)
    if reduction == "sum":
        return np.float64(total / divisor)
    if n == 0:
        raise ValueError(
            "there are no samples to average (an empty input, or a mask that is "
            "False everywhere); use reduction='sum' or 'none'"
        )
    return np.float64(total / n / divisor)


def _as_log_probs(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """Validate one of DPO's inputs: real, finite, at most one-dimensional."""
    arr = as_real_array(values, name)
    if arr.ndim > 1:
        raise ValueError(
            f"{name} must be 1-D, one summed log-probability per completion, got shape "
            f"{arr.shape} (sum per-token log-probabilities over each sequence first)"
        )
    if not np.isfinite(arr).all():
        problem = "NaN" if np.isnan(arr).any() else "infinite values"
        raise ValueError(f"{name} contains {problem}")
    return arr.astype(np.float64, copy=False)


def dpo_loss(
    policy_chosen: ArrayLike,
    policy_rejected: ArrayLike,
    reference_chosen: ArrayLike,
    reference_rejected: ArrayLike,
    *,
    beta: float,
    reduction: Reduction = "mean",
) -> Result:
    r"""The Direct Preference Optimization (DPO) loss of a batch of preference pairs.

    .. math::

        \ell = -\log \sigma(z), \qquad
        z = \beta \Big[\big(\log \pi_\theta(y_w) - \log \pi_{\mathrm{ref}}(y_w)\big)
              - \big(\log \pi_\theta(y_l) - \log \pi_{\mathrm{ref}}(y_l)\big)\Big]

    where :math:`y_w` is the chosen (preferred) completion of a prompt,
    :math:`y_l` the rejected one, and :math:`\sigma` the logistic function.

    Parameters
    ----------
    policy_chosen : array_like, shape (batch,)
        :math:`\log \pi_\theta(y_w \mid x)`: the log-probability of each chosen
        completion under the policy being trained, summed over its tokens.
    policy_rejected : array_like, shape (batch,)
        :math:`\log \pi_\theta(y_l \mid x)` of each rejected completion.
    reference_chosen : array_like, shape (batch,)
        :math:`\log \pi_{\mathrm{ref}}(y_w \mid x)` under the frozen reference
        model (usually the supervised fine-tuned starting point).
    reference_rejected : array_like, shape (batch,)
        :math:`\log \pi_{\mathrm{ref}}(y_l \mid x)`. All four are natural
        logarithms, finite, and broadcast together (a scalar is a batch of one).
        The human preference is encoded by which argument is which: the
        chosen completion is the truth the loss pushes towards.
    beta : float
        :math:`\beta > 0`, the strength of the implicit KL penalty that keeps
        the policy near the reference (typically 0.1 to 0.5); required.
    reduction : {"mean", "sum", "none"}, optional
        The mean over the batch (default), the sum, or the per-pair losses.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The loss in nats, ``>= 0``, float64. On an empty batch, ``"sum"``
        gives 0.0 and ``"none"`` an empty array.

    Raises
    ------
    ValueError
        For NaN or infinite inputs, inputs of more than one dimension, shapes
        that do not broadcast, a `beta` that is not a finite number > 0, an
        unknown `reduction`, or the mean of an empty batch (torch returns NaN
        there).
    TypeError
        For inputs that are not real numbers, or a non-numeric `beta`.

    See Also
    --------
    kl_estimate, cross_entropy_from_logits

    Notes
    -----
    DPO [1]_ fits a policy to preference pairs without training a reward
    model: :math:`\hat r(y) = \beta \log(\pi_\theta(y) / \pi_{\mathrm{ref}}(y))`
    plays the role of the reward, and the loss is the negative
    log-likelihood of the observed preference under the Bradley-Terry model
    :math:`P(y_w \succ y_l) = \sigma(\hat r(y_w) - \hat r(y_l))`. So `z` is the
    implicit reward margin, and the loss is a logistic loss on it.

    At initialisation the policy is the reference, every log-ratio is 0, so
    :math:`z = 0` and the loss is :math:`\log 2 \approx 0.693` for every pair,
    whatever the data: a loss that starts elsewhere means the policy and
    the reference differ, or the log-probabilities were computed
    differently. The loss falls towards 0 only as the margin grows without
    bound, and is :math:`\approx -z = |z|` for a pair ranked the wrong way
    round by a wide margin. The gradient of each pair is weighted by :math:`\sigma(-z)`: pairs
    that the implicit reward already orders confidently barely count.

    Only the difference of the two log-ratios enters, so the loss can also
    fall while the log-probability of the chosen completion falls, as long
    as that of the rejected one falls faster; this is commonly observed in
    practice and is worth monitoring.

    It is computed as :math:`\operatorname{softplus}(-z) = \log(1 + e^{-z})`,
    as ``max(-z, 0) + log1p(exp(-|z|))``, which neither overflows for a hugely
    negative margin (it returns :math:`\approx -z`) nor rounds to
    :math:`\log 1 = 0` too early for a large positive one. It equals
    ``-torch.nn.functional.logsigmoid(z)``.

    References
    ----------
    .. [1] R. Rafailov, A. Sharma, E. Mitchell, S. Ermon, C. D. Manning and
       C. Finn, "Direct Preference Optimization: Your Language Model is
       Secretly a Reward Model", NeurIPS 2023, arXiv:2305.18290.

    Examples
    --------
    Before training, the policy is the reference and the loss is
    :math:`\log 2`:

    >>> import numpy as np
    >>> from infotheory import dpo_loss
    >>> ref_chosen, ref_rejected = np.array([-42.0, -17.5]), np.array([-40.0, -19.0])
    >>> round(float(dpo_loss(ref_chosen, ref_rejected, ref_chosen, ref_rejected, beta=0.1)), 4)
    0.6931

    A policy that raised the chosen completions' log-probabilities by 5 nats
    and lowered the rejected ones by 5 has an implicit margin of
    :math:`\beta \cdot 10 = 1` on every pair:

    >>> losses = dpo_loss(ref_chosen + 5, ref_rejected - 5, ref_chosen, ref_rejected,
    ...                   beta=0.1, reduction="none")
    >>> losses.round(4)
    array([0.3133, 0.3133])

    A pair ranked the wrong way round by a huge margin costs about the
    margin, without overflow:

    >>> round(float(dpo_loss(-1e4, 0.0, 0.0, 0.0, beta=1.0)), 1)
    10000.0
    """
    b = positive_scalar(beta, "beta")
    _check_reduction(reduction)
    names = ("policy_chosen", "policy_rejected", "reference_chosen", "reference_rejected")
    pc, pr, rc, rr = (
        _as_log_probs(v, n)
        for v, n in zip(
            (policy_chosen, policy_rejected, reference_chosen, reference_rejected), names
        )
    )
    try:
        np.broadcast_shapes(pc.shape, pr.shape, rc.shape, rr.shape)
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, (pc, pr, rc, rr)))
        raise ValueError(f"the four inputs do not broadcast together: {shapes}") from None
    with np.errstate(over="ignore"):
        z = b * ((pc - rc) - (pr - rr))
        # -log sigmoid(z) = max(-z, 0) + log1p(exp(-|z|)): np.logaddexp(0, -z), at a
        # third of its cost; exact for a huge margin either way (0, or about -z).
        losses = np.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0.0)
    if reduction == "none":
        return finish(losses)
    if reduction == "sum":
        return np.float64(losses.sum())
    if losses.size == 0:
        raise ValueError("the batch is empty, so the mean loss is undefined")
    return np.float64(losses.mean())
