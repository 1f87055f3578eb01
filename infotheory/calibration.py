"""Calibration of classifiers: expected calibration error, Brier score, temperature scaling.

A classifier is calibrated when its probabilities can be taken at face value:
of all the predictions it makes with confidence 0.8, about 80% are right.
Accuracy says nothing about this, and modern networks trained with the
cross-entropy are typically overconfident on held-out data. The functions
here measure miscalibration (:func:`expected_calibration_error`, and the
proper scoring rule :func:`brier_score`) and fix much of it with a single
parameter (:func:`fit_temperature`). Probabilities lie along ``axis``
(default the last); targets are integer class indices.

The module is long because its docstrings are the package's reference text (formula,
units, which argument is the truth, notes that teach, references, examples): they are
more than half of its lines.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_distribution, as_logits, finish, positive_scalar
from ._terms import clamp
from .logits import cross_entropy_from_logits

__all__ = ["TemperatureFit", "brier_score", "expected_calibration_error", "fit_temperature"]

Result = np.float64 | NDArray[np.float64]
Reduction = Literal["mean", "sum", "none"]


def _check_target(target: ArrayLike, shape: tuple[int, ...], n_classes: int) -> NDArray[np.intp]:
    """Validate integer class targets of the given shape, each in ``[0, n_classes)``."""
    tgt = np.asarray(target)
    if tgt.dtype.kind not in "iu":
        raise TypeError(f"target must hold integer class indices, got dtype {tgt.dtype}")
    if tgt.shape != shape:
        raise ValueError(
            f"target must have the shape of probs without its class axis, {shape}, got {tgt.shape}"
        )
    bad = (tgt < 0) | (tgt >= n_classes)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"target has class indices outside [0, {n_classes}): "
            f"{int(tgt[where])} at index {where}"
        )
    return tgt.astype(np.intp)


def _check_n_bins(n_bins: int) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral):
        raise TypeError(f"n_bins must be an integer, got {type(n_bins).__name__}")
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    return int(n_bins)


def expected_calibration_error(
    probs: ArrayLike, target: ArrayLike, *, n_bins: int = 15, axis: int = -1
) -> np.float64:
    r"""Expected calibration error (ECE) of the top-label confidence.

    .. math::

        \mathrm{ECE} = \sum_{b=1}^{B} \frac{n_b}{N}
                       \big|\mathrm{acc}_b - \mathrm{conf}_b\big|

    Each prediction's confidence is its largest probability,
    :math:`\max_k p_k`, and its predicted class the one that has it. The
    predictions are sorted into `B` bins of equal width by confidence;
    :math:`\mathrm{acc}_b` is the fraction of the :math:`n_b` predictions in
    bin `b` that are right, and :math:`\mathrm{conf}_b` their mean confidence.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities (the model), non-negative and summing to 1
        along `axis`; every other axis is a batch axis, and all predictions
        are pooled.
    target : array_like of int
        The true class of each prediction (the truth), in ``[0, K)``, with the
        shape of `probs` without `axis`.
    n_bins : int, optional
        The number of bins `B` (default 15, as in [1]_).
    axis : int, optional
        The class axis of `probs` (default ``-1``).

    Returns
    -------
    numpy.float64
        The ECE, in :math:`[0, 1]`: 0 is perfect calibration on every bin.

    Raises
    ------
    ValueError
        If `probs` is empty or not a valid distribution along `axis`, `target`
        has the wrong shape or a class out of range, `n_bins` is below 1, or
        `axis` is out of range.
    TypeError
        If `target` does not hold integers, or `n_bins` is not an integer.

    See Also
    --------
    brier_score, fit_temperature

    Notes
    -----
    The bins are of equal width, with edges at :math:`b / B`. Each bin is
    :math:`(\frac{b-1}{B}, \frac{b}{B}]`, closed on the right, except the
    first, :math:`[0, \frac1B]`; so a confidence of exactly 1 goes into the
    last bin, and one exactly on an edge into the bin below it. When several
    classes share the largest probability, the first of them is the
    prediction (as ``np.argmax`` does).

    The ECE hides a good deal:

    - It depends on the number of bins, and on a finite sample it is biased
      upwards: every bin with few predictions has a noisy accuracy, and the
      absolute value turns noise into error, so even a perfectly calibrated
      model scores above 0, more so with more bins. Report `n_bins` with it,
      and compare models only on the same data and bins.
    - Equal-width bins of a confident network are very uneven: most
      predictions sit in the top bin, and the ECE is mostly the gap there.
      Equal-mass (adaptive) bins are one answer [2]_.
    - It looks only at the top label, not at the probabilities of the
      other classes.
    - It measures calibration, not usefulness: a model that ignores its
      input and always predicts the class frequencies is perfectly
      calibrated. Pair it with a proper scoring rule, such as the
      cross-entropy or :func:`brier_score`, which reward both.

    Computed as :math:`\frac1N \sum_b \big|\sum_{i \in b} (c_i - s_i)\big|`,
    with :math:`c_i` 1 for a correct prediction and 0 otherwise and
    :math:`s_i` its confidence; this equals the formula above.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017, arXiv:1706.04599.
    .. [2] J. Nixon, M. W. Dusenberry, L. Zhang, G. Jerfel and D. Tran,
       "Measuring Calibration in Deep Learning", CVPR Workshops 2019,
       arXiv:1904.01685.
    .. [3] M. P. Naeini, G. F. Cooper and M. Hauskrecht, "Obtaining Well
       Calibrated Probabilities Using Bayesian Binning", AAAI 2015.

    Examples
    --------
    Four predictions, in five bins of width 0.2:

    >>> import numpy as np
    >>> from infotheory import expected_calibration_error
    >>> probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.65, 0.35], [0.2, 0.8]])
    >>> target = np.array([0, 1, 0, 1])
    >>> round(float(expected_calibration_error(probs, target, n_bins=5)), 4)
    0.0625

    The first prediction, confidence 0.9, is right and alone in the bin
    (0.8, 1]: a gap of 0.1. The other three (confidences 0.7, 0.65 and 0.8,
    since 0.8 is the right edge of its bin) share (0.6, 0.8], where two of
    three are right: :math:`|2/3 - 0.7167| = 0.05`. Weighted by the counts,
    :math:`\frac14 \cdot 0.1 + \frac34 \cdot 0.05 = 0.0625`.

    A coin-flip predictor that always says 50-50 is perfectly calibrated on
    balanced labels, and useless:

    >>> float(expected_calibration_error(np.full((4, 2), 0.5), [0, 1, 1, 0]))
    0.0
    """
    bins = _check_n_bins(n_bins)
    p = as_distribution(probs, "probs", axis=axis)
    n_classes = p.shape[-1]
    tgt = _check_target(target, p.shape[:-1], n_classes)
    rows, y = p.reshape(-1, n_classes), tgt.reshape(-1)
    predicted = rows.argmax(axis=1)
    confidence = rows[np.arange(rows.shape[0]), predicted]
    correct = (predicted == y).astype(np.float64)
    inner_edges = np.arange(1, bins) / bins
    which = np.searchsorted(inner_edges, confidence, side="left")  # (lo, hi]
    gaps = np.bincount(which, weights=correct - confidence, minlength=bins)
    return np.float64(clamp(np.abs(gaps).sum() / rows.shape[0], 1.0))


def brier_score(
    probs: ArrayLike, target: ArrayLike, *, axis: int = -1, reduction: Reduction = "mean"
) -> Result:
    r"""Multi-class Brier score: the squared distance of the prediction from the one-hot truth.

    .. math::

        \mathrm{BS} = \sum_{k=1}^{K} \big(p_k - [k = y]\big)^2

    per prediction, where :math:`[k = y]` is 1 for the true class `y` and 0
    for the others.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities (the model), non-negative and summing to 1
        along `axis`.
    target : array_like of int
        The true class of each prediction (the truth), in ``[0, K)``, with the
        shape of `probs` without `axis`.
    axis : int, optional
        The class axis of `probs` (default ``-1``).
    reduction : {"mean", "sum", "none"}, optional
        The mean over all predictions (default), their sum, or the score of
        each, with the shape of `target`.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The score, float64, each in :math:`[0, 2]`: 0 for a certain, correct
        prediction, 2 for a certain, wrong one. Lower is better.

    Raises
    ------
    ValueError
        If `probs` is empty or not a valid distribution, `target` has the
        wrong shape or a class out of range, `reduction` is unknown, or
        `axis` is out of range.
    TypeError
        If `target` does not hold integers.

    See Also
    --------
    expected_calibration_error, cross_entropy_from_logits

    Notes
    -----
    The Brier score is a strictly proper scoring rule [2]_: its expectation
    over the true distribution of `y` is lowest exactly when `probs` is that
    distribution, so a forecaster cannot gain by reporting anything but its
    real beliefs. The cross-entropy (log loss) is one too; the Brier score
    differs in being bounded, so a single confident mistake costs at most 2
    instead of an unbounded amount. Its mean splits into reliability
    (miscalibration), minus resolution (how much the predictions vary with
    the outcome), plus the uncertainty of the labels themselves [3]_, so,
    unlike the ECE, it cannot be made small by calibration alone.

    Conventions differ by a factor: with two classes this is twice the
    binary score :math:`(p_1 - y)^2` computed from the probability of the
    positive class only, which is also common.

    Computed from the differences :math:`p_k - [k = y]` directly rather than
    as :math:`\sum_k p_k^2 - 2 p_y + 1`, which cancels for good predictions.

    References
    ----------
    .. [1] G. W. Brier, "Verification of Forecasts Expressed in Terms of
       Probability", *Monthly Weather Review* 78(1), pp. 1-3, 1950.
    .. [2] T. Gneiting and A. E. Raftery, "Strictly Proper Scoring Rules,
       Prediction, and Estimation", *Journal of the American Statistical
       Association* 102(477), pp. 359-378, 2007.
    .. [3] A. H. Murphy, "A New Vector Partition of the Probability Score",
       *Journal of Applied Meteorology* 12(4), pp. 595-600, 1973.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import brier_score
    >>> probs = np.array([[1.0, 0.0, 0.0], [0.5, 0.25, 0.25], [0.0, 1.0, 0.0]])
    >>> brier_score(probs, [0, 0, 0], reduction="none")
    array([0.   , 0.375, 2.   ])

    A certain, correct prediction scores 0; a hedged one
    :math:`0.5^2 + 0.25^2 + 0.25^2 = 0.375`; a certain, wrong one 2. The
    mean over the three:

    >>> round(float(brier_score(probs, [0, 0, 0])), 4)
    0.7917
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    p = as_distribution(probs, "probs", axis=axis)
    tgt = _check_target(target, p.shape[:-1], p.shape[-1])
    diff = p.copy()  # p may be the caller's array
    idx = tgt[..., None]
    np.put_along_axis(diff, idx, np.take_along_axis(diff, idx, axis=-1) - 1.0, axis=-1)
    scores = clamp(np.square(diff).sum(axis=-1), 2.0)
    if reduction == "none":
        return finish(scores)
    if reduction == "sum":
        return np.float64(scores.sum())
    return np.float64(scores.mean())


class TemperatureFit(NamedTuple):
    """A fitted temperature, and the mean cross-entropy (in nats) at it and at 1."""

    temperature: float
    loss: float
    loss_at_one: float


_GOLDEN = 0.5 * (3.0 - math.sqrt(5.0))
_SQRT_EPS = math.sqrt(np.finfo(np.float64).eps)


def _minimize_bounded(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xatol: float = 1e-10,
    max_iter: int = 500,
) -> tuple[float, float]:
    """Brent's method for a unimodal ``f`` on ``[a, b]``: golden sections and parabolas.

    The algorithm of Brent (1973, chapter 5), as in :func:`scipy.optimize.fminbound`:
    stops when ``x`` is within ``2 * (sqrt(eps) * |x| + xatol / 3)`` of the minimum's
    bracket. The ends themselves are never evaluated. Returns ``(x, f(x))``.
    """
    x = w = v = a + _GOLDEN * (b - a)
    fx = fw = fv = f(x)
    d = e = 0.0
    for _ in range(max_iter):
        m = 0.5 * (a + b)
        tol1 = _SQRT_EPS * abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - m) <= tol2 - 0.5 * (b - a):
            return x, fx
        golden = True
        if abs(e) > tol1:  # try a parabola through x, w and v
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r, e = e, d
            if abs(p) < abs(0.5 * q * r) and q * (a - x) < p < q * (b - x):
                d = p / q
                u = x + d
                if u - a < tol2 or b - u < tol2:  # too close to an end
                    d = tol1 if x < m else -tol1
                golden = False
        if golden:
            e = (b - x) if x < m else (a - x)
            d = _GOLDEN * e
        u = x + (d if abs(d) >= tol1 else math.copysign(tol1, d))
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    raise RuntimeError(f"the minimisation did not converge in {max_iter} iterations")


def _check_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    try:
        lower, upper = bounds
    except (TypeError, ValueError):
        raise TypeError(f"bounds must be a pair (lower, upper), got {bounds!r}") from None
    lo = positive_scalar(lower, "bounds[0]")
    hi = positive_scalar(upper, "bounds[1]")
    if not lo < hi:
        raise ValueError(f"bounds must satisfy lower < upper, got {bounds!r}")
    return lo, hi


def fit_temperature(
    logits: ArrayLike,
    target: ArrayLike,
    *,
    ignore_index: int | None = None,
    bounds: tuple[float, float] = (0.05, 20.0),
) -> TemperatureFit:
    r"""Temperature scaling: the `T` that minimises the cross-entropy of ``softmax(logits / T)``.

    .. math::

        T^\star = \operatorname*{arg\,min}_{T > 0} \; \frac1N \sum_{i=1}^{N}
                  -\log \operatorname{softmax}(z_i / T)_{y_i}

    Parameters
    ----------
    logits : array_like, shape (..., K)
        The model's scores for `K` classes on the last axis, on held-out
        (validation) data; ``-inf`` masks a class.
    target : array_like
        The truth: the class of each row (integers, shape ``logits.shape[:-1]``),
        or `ignore_index`; or probabilities over the classes (soft labels, the
        shape of `logits`), as :func:`cross_entropy_from_logits` accepts.
    ignore_index : int, optional
        Rows with this target are left out, as in
        :func:`cross_entropy_from_logits`.
    bounds : (float, float), optional
        The range searched, ``0 < lower < upper``, finite. Default
        ``(0.05, 20.0)``.

    Returns
    -------
    TemperatureFit
        ``(temperature, loss, loss_at_one)``: the fitted :math:`T^\star`, the
        mean cross-entropy in nats at it, and at :math:`T = 1` (the model as
        it is). When `bounds` contains 1, ``loss <= loss_at_one`` always.

    Raises
    ------
    ValueError
        As for :func:`cross_entropy_from_logits` (invalid logits, a `target`
        of the wrong shape or out of range, every row ignored); for invalid
        `bounds`; or if a target class has a ``-inf`` logit, which makes the
        loss infinite at every temperature.
    TypeError
        For targets that are neither integers nor floats, or `bounds` that are
        not two real numbers.

    See Also
    --------
    expected_calibration_error, cross_entropy_from_logits, softmax

    Notes
    -----
    Temperature scaling [1]_ divides every logit by the same :math:`T > 0`.
    Since :math:`z \mapsto z / T` is increasing, the largest logit of each
    row stays the largest: the predicted classes, hence the accuracy, do not
    change at all; only the confidence does. :math:`T > 1` softens
    overconfident predictions (the usual case for modern networks),
    :math:`T < 1` sharpens underconfident ones. With a single parameter it
    can hardly overfit, so a modest validation set is enough; for the same
    reason it cannot fix a model that is overconfident on some inputs and
    underconfident on others. It minimises the cross-entropy, not the ECE,
    though the ECE usually falls with it.

    Fit it on held-out data, never on the training set: there a network is
    usually right with high confidence, and the fitted temperature comes out
    far too small (at the lower bound if every training example is right).

    The mean cross-entropy is convex in :math:`1/T` (a log-sum-exp minus a
    linear term), so every local minimum is a global one. It is found by
    Brent's method [2]_ on :math:`\log T` over `bounds`, to about 1e-8
    relative, with one evaluation of :func:`cross_entropy_from_logits` per
    step (typically 15 to 25, up to about 50 when the minimum is at a
    bound), plus one at each bound. If the minimum lies at or beyond a
    bound, that bound is returned exactly, so ``fit.temperature in bounds``
    shows that the search was cut off: widen `bounds` if the true optimum
    is wanted. This happens at the lower bound when every prediction is
    right, since the loss then keeps falling towards 0 as :math:`T \to 0`,
    and at the upper bound when the logits carry (almost) no information
    about the targets, so that the uniform prediction
    (:math:`T \to \infty`) is best. If the loss at :math:`T = 1`
    is not above that of the minimum found (a flat loss), 1 is returned.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017, arXiv:1706.04599.
    .. [2] R. P. Brent, *Algorithms for Minimization without Derivatives*,
       Prentice-Hall, 1973, chapter 5.

    Examples
    --------
    A binary classifier says 81/82 = 98.8% for class 1 on ten examples, and
    is right on nine of them:

    >>> import numpy as np
    >>> from infotheory import expected_calibration_error, fit_temperature, softmax
    >>> logits = np.tile([0.0, 2 * np.log(9.0)], (10, 1))
    >>> target = np.array([1] * 9 + [0])
    >>> round(float(softmax(logits)[0, 1]), 4)
    0.9878
    >>> round(float(expected_calibration_error(softmax(logits), target)), 4)
    0.0878

    Halving the logits turns 98.8% into 90%, the observed accuracy, so the
    fitted temperature is 2:

    >>> fit = fit_temperature(logits, target)
    >>> round(fit.temperature, 4), round(fit.loss, 4), round(fit.loss_at_one, 4)
    (2.0, 0.3251, 0.4517)
    >>> calibrated = softmax(logits, temperature=fit.temperature)
    >>> round(float(expected_calibration_error(calibrated, target)), 4)
    0.0

    The predictions themselves, and so the accuracy, are unchanged:

    >>> bool((calibrated.argmax(axis=-1) == softmax(logits).argmax(axis=-1)).all())
    True

    A model that is right every time would like :math:`T \to 0`; the fit
    stops at the lower bound and returns it exactly:

    >>> fit_temperature(logits, np.ones(10, dtype=int)).temperature
    0.05
    """
    lo, hi = _check_bounds(bounds)
    x = as_logits(logits, "logits")  # converted once (a view where possible), not per step
    t = np.asarray(target) if isinstance(target, (list, tuple)) else target
    loss_at_one = float(cross_entropy_from_logits(x, t, ignore_index=ignore_index))
    if math.isinf(loss_at_one):
        raise ValueError(
            "the loss is infinite at every temperature: some target class has a -inf "
            "logit (probability 0)"
        )

    def loss(temperature: float) -> float:
        return float(
            cross_entropy_from_logits(x, t, temperature=temperature, ignore_index=ignore_index)
        )

    a, b = math.log(lo), math.log(hi)
    u, best = _minimize_bounded(lambda s: loss(math.exp(s)), a, b)
    best_t = math.exp(u)
    # Brent never evaluates the ends, where the minimum may be (or beyond them). The loss
    # can also be flat there: it rounds to exactly 0 at small T when every row is right.
    for end_t in (lo, hi):
        at_end = loss(end_t)
        if at_end <= best:
            best_t, best = end_t, at_end
    if lo <= 1.0 <= hi and loss_at_one <= best:
        best_t, best = 1.0, loss_at_one
    return TemperatureFit(best_t, best, loss_at_one)
