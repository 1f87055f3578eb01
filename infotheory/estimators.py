"""Entropy and mutual information estimated from samples rather than known distributions.

The other modules take the probabilities as given. Here only a finite sample
drawn from the distribution is known, and the entropy of the *source* has to
be estimated from it. Plugging the sample's frequencies into the formula
underestimates the entropy (and overestimates mutual information), and the
smaller the sample is next to the number of outcomes, the worse; these
functions offer the plug-in estimate and three standard bias corrections.

The module is long because its docstrings are the package's reference text (formula,
units, which argument is the truth, notes that teach, references, examples): they are
more than half of its lines.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import log_of_base
from ._terms import clamp, p_log_p

__all__ = ["entropy_from_samples", "mutual_information_from_samples"]

Estimator = Literal["plugin", "miller_madow", "chao_shen", "grassberger"]

ESTIMATORS: tuple[str, ...] = ("plugin", "miller_madow", "chao_shen", "grassberger")

# Correctly rounded: Euler's gamma = -psi(1), psi(1/2) = -gamma - 2 ln 2, and psi(3/2) =
# psi(1/2) + 2, stored too: computed as psi(1/2) + 2 it would be 10 ulps off.
_EULER_GAMMA = 0.5772156649015329
_PSI_HALF = -1.9635100260214235
_PSI_THREE_HALVES = 0.03648997397857652

# Below this argument digamma is read from a table built by the exact recurrences; from it on,
# the asymptotic series truncated after x**-14 is exact to float precision (the first omitted
# term, 3617 / (8160 x**16), is below 5e-17 at x = 10).
_ASYMPTOTIC_FROM = 10


def _digamma_table(size: int) -> NDArray[np.float64]:
    """``table[m] = psi(m / 2)`` for ``m = 1 .. size - 1``, by the exact finite sums."""
    table = np.full(size, np.nan)
    for m in range(1, size):
        if m % 2 == 0:  # psi(n) = -gamma + sum_{k=1}^{n-1} 1/k
            n = m // 2
            table[m] = math.fsum([-_EULER_GAMMA] + [1.0 / k for k in range(1, n)])
        elif m == 1:
            table[m] = _PSI_HALF
        else:  # psi(n + 1/2) = psi(1/2) + sum_{k=1}^{n} 2/(2k - 1), summed from psi(3/2)
            n = (m - 1) // 2
            table[m] = math.fsum(
                [_PSI_THREE_HALVES] + [2.0 / (2 * k - 1) for k in range(2, n + 1)]
            )
    return table


_DIGAMMA_TABLE = _digamma_table(2 * _ASYMPTOTIC_FROM)


def _digamma(x: ArrayLike) -> NDArray[np.float64]:
    """Digamma function psi(x) for positive integers and half-integers, elementwise.

    Small arguments come from a table of the exact sums ``psi(n) = -gamma + sum_{k<n} 1/k``
    and ``psi(n + 1/2) = -gamma - 2 ln 2 + sum_{k=1}^{n} 2/(2k - 1)``; large ones from the
    asymptotic (Stirling) series, so the cost per element does not grow with ``x``.
    """
    xx = np.asarray(x, dtype=np.float64)
    twice = 2.0 * xx
    if not (np.isfinite(twice).all() and (twice >= 1).all() and (twice == np.round(twice)).all()):
        raise ValueError("_digamma takes positive integers and half-integers only")
    small = xx < _ASYMPTOTIC_FROM
    big = np.where(small, float(_ASYMPTOTIC_FROM), xx)
    z = 1.0 / (big * big)
    series = z * (
        1 / 12
        - z
        * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12)))))
    )
    asymptotic = np.log(big) - 0.5 / big - series
    table = _DIGAMMA_TABLE[np.where(small, twice, 1.0).astype(np.intp)]
    return np.where(small, table, asymptotic)


def _grassberger_g(n: NDArray[np.int64]) -> NDArray[np.float64]:
    """``G(n) = psi(n) + (1/2) (-1)^n (psi((n + 1)/2) - psi(n/2))`` (Grassberger 2003)."""
    nf = n.astype(np.float64)
    psi_n, psi_up, psi_down = _digamma(np.stack([nf, (nf + 1.0) / 2.0, nf / 2.0]))
    return psi_n + np.where(n % 2 == 0, 0.5, -0.5) * (psi_up - psi_down)


def _check_estimator(estimator: object) -> str:
    if not isinstance(estimator, str) or estimator not in ESTIMATORS:
        choices = ", ".join(repr(e) for e in ESTIMATORS)
        raise ValueError(f"estimator must be one of {choices}, got {estimator!r}")
    return estimator


def _is_nan(value: object) -> bool:
    return isinstance(value, (float, complex, np.inexact)) and value != value


def _labels_of_column(column: NDArray, name: str) -> NDArray[np.intp]:
    """Integer labels ``0 .. K-1`` of the distinct values of a 1-D array, one per entry."""
    if column.dtype.kind == "O":
        index: dict[object, int] = {}
        labels = np.empty(column.shape[0], dtype=np.intp)
        for i, value in enumerate(column):
            if _is_nan(value):
                raise ValueError(f"{name} contains NaN")
            try:
                labels[i] = index.setdefault(value, len(index))
            except TypeError:
                raise TypeError(
                    f"{name} holds an unhashable value of type {type(value).__name__}"
                ) from None
        return labels
    # np.unique's inverse had the input's shape in numpy 2.0.0 and is 1-D since 2.0.1
    return np.unique(column, return_inverse=True)[1].reshape(-1)


def _combine(a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.intp]:
    """Labels of the pairs ``(a[i], b[i])``, renumbered ``0 .. K-1``.

    The pair code is formed in int64, which cannot overflow (both labels are below the
    sample size) even where ``intp`` has 32 bits, as in WebAssembly.
    """
    pair = a.astype(np.int64) * (int(b.max()) + 1) + b
    return np.unique(pair, return_inverse=True)[1].reshape(-1)


def _as_labels(samples: ArrayLike, name: str) -> NDArray[np.intp]:
    """Validate a sample and return one integer label per observation (entry or row)."""
    try:
        arr = np.asarray(samples)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(f"{name} could not be converted to an array: {err}") from None
    if arr.dtype.kind not in "biufcUSO":
        raise TypeError(
            f"{name} must hold discrete values (integers, booleans, strings, floats or "
            f"hashable objects), got dtype {arr.dtype}"
        )
    if arr.ndim not in (1, 2):
        got = "a scalar" if arr.ndim == 0 else f"{arr.ndim}-D"
        raise ValueError(
            f"{name} must be 1-D (one outcome per entry) or 2-D (one joint outcome per row), "
            f"got {got}"
        )
    if arr.ndim == 2 and arr.shape[1] == 0 and arr.shape[0] > 0:
        raise ValueError(f"{name} is 2-D with rows of length 0 (shape {arr.shape})")
    if arr.dtype.kind in "fc" and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if arr.ndim == 1:
        return _labels_of_column(arr, name)
    if arr.shape[0] == 0:
        return np.empty(0, dtype=np.intp)
    labels = _labels_of_column(arr[:, 0], name)
    for j in range(1, arr.shape[1]):
        labels = _combine(labels, _labels_of_column(arr[:, j], name))
    return labels


def _check_size(n: int, name: str) -> None:
    if n < 2:
        raise ValueError(f"{name} must hold at least 2 samples, got {n}")


def _counts(samples: ArrayLike, name: str) -> NDArray[np.int64]:
    """The positive counts of the distinct values of a sample (in no particular order).

    Small non-negative integers, the usual case (token ids, class labels, dice), are
    counted directly by ``np.bincount`` in one pass; anything else is labelled first
    (:func:`_as_labels`, a sort).
    """
    arr = samples if isinstance(samples, np.ndarray) else None
    if arr is not None and arr.ndim == 1 and arr.dtype.kind in "iu" and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if low >= 0 and high <= 4 * arr.size + 65536:  # the count table stays small
            counts = np.bincount(arr.astype(np.intp, copy=False)).astype(np.int64)
            return counts[counts > 0]
    return np.bincount(_as_labels(samples, name)).astype(np.int64)


def _estimate(labels: NDArray[np.intp], estimator: str) -> float:
    """Entropy estimate in nats from one label per observation (not yet clamped)."""
    return _estimate_counts(np.bincount(labels).astype(np.int64), estimator)


def _estimate_counts(counts: NDArray[np.int64], estimator: str) -> float:
    """Entropy estimate in nats from the positive counts of the values seen."""
    n = int(counts.sum())
    k = int(counts.shape[0])
    if k == 1:  # one value seen: every estimator says 0 (see the Notes on Grassberger)
        return 0.0
    freq = counts / n
    if estimator == "plugin":
        return float(-p_log_p(freq).sum())
    if estimator == "miller_madow":
        return float(-p_log_p(freq).sum()) + (k - 1) / (2.0 * n)
    if estimator == "chao_shen":
        singletons = int(np.count_nonzero(counts == 1))
        if singletons == n:  # all singletons: coverage 0 would break the estimator
            singletons = n - 1
        coverage = 1.0 - singletons / n
        pa = coverage * freq
        # probability that outcome i appears at least once: 1 - (1 - pa)^n, computed stably
        seen = -np.expm1(n * np.log1p(-pa))
        return float(-(p_log_p(pa) / seen).sum())
    # grassberger
    return math.log(n) - float((counts * _grassberger_g(counts)).sum()) / n


def _finish(nats: float, divisor: float) -> np.float64:
    return np.float64(clamp(np.float64(nats)) / divisor)


def entropy_from_samples(
    samples: ArrayLike, *, estimator: Estimator = "plugin", base: float | None = None
) -> np.float64:
    r"""Estimate the entropy of a discrete distribution from a sample drawn from it.

    With :math:`n_i` the number of times the :math:`i`-th distinct value
    occurs among the :math:`N` observations and :math:`K` the number of
    distinct values, the estimators are

    .. math::

        \begin{aligned}
        \hat H_{\mathrm{plugin}} &= -\sum_{i=1}^{K} \hat p_i \log \hat p_i,
            \qquad \hat p_i = \frac{n_i}{N} \\
        \hat H_{\mathrm{MM}} &= \hat H_{\mathrm{plugin}} + \frac{K - 1}{2N} \\
        \hat H_{\mathrm{CS}} &= -\sum_{i=1}^{K}
            \frac{C \hat p_i \log (C \hat p_i)}{1 - (1 - C \hat p_i)^N},
            \qquad C = 1 - \frac{f_1}{N} \\
        \hat H_{\mathrm{G}} &= \log N - \frac{1}{N} \sum_{i=1}^{K} n_i\, G(n_i),
            \qquad G(n) = \psi(n) + \tfrac12 (-1)^n
            \left[\psi\!\left(\tfrac{n+1}{2}\right) - \psi\!\left(\tfrac{n}{2}\right)\right]
        \end{aligned}

    where :math:`f_1` is the number of values seen exactly once and
    :math:`\psi` is the digamma function.

    Parameters
    ----------
    samples : array_like, 1-D or 2-D
        The observations. A 1-D array holds one outcome per entry: integers,
        booleans, strings, floats (compared exactly; NaN is refused) or, in
        an object array, any hashable Python values (compared as dictionary
        keys, so ``1``, ``1.0`` and ``True`` are the same outcome). A 2-D
        array holds one joint outcome per row, so ``np.column_stack([x, y])``
        estimates the joint entropy :math:`H(X, Y)`. Only which observations
        are equal matters, never the values themselves. A Python list is
        converted with :func:`numpy.asarray`, which turns a list mixing
        numbers and strings into strings.
    estimator : {'plugin', 'miller_madow', 'chao_shen', 'grassberger'}, optional
        The estimator (see Notes). Default ``'plugin'``, the entropy of the
        empirical frequencies (the maximum-likelihood estimate).
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.float64
        The estimated entropy, ``>= 0``; exactly 0 whatever the estimator
        when every observation is the same.

    Raises
    ------
    ValueError
        If `estimator` is not one of the four names; if `samples` is a
        scalar or has more than two dimensions, holds fewer than 2
        observations, or contains NaN; if `base` is not a finite number
        ``> 1``.
    TypeError
        If `samples` has a dtype that is not a discrete value (e.g.
        datetimes) or holds unhashable objects, or `base` is not a number.

    See Also
    --------
    entropy : the entropy of a known distribution.
    mutual_information_from_samples : the same estimators for :math:`I(X; Y)`.
    mutual_information

    Notes
    -----
    **Why the plug-in estimate is too low.** The empirical frequencies are
    unbiased, :math:`E[\hat p_i] = p_i`, but entropy is a strictly concave
    function of the distribution, so by Jensen's inequality
    :math:`E[H(\hat P)] < H(E[\hat P]) = H(P)`: on average a sample looks
    more concentrated than its source. Outcomes never seen contribute nothing
    at all, and those seen are spread unevenly by chance. Expanding :math:`H`
    to second order around :math:`P`, Miller (1955) [1]_ found the bias

    .. math::

        E[\hat H_{\mathrm{plugin}}] - H(P) = -\frac{K - 1}{2N} + O(N^{-2}),

    with :math:`K` the number of outcomes of positive probability. It does
    not depend on how those :math:`K` are weighted, and it is large when
    :math:`N` is not much larger than :math:`K`.

    **Miller-Madow** adds that first-order term back, with :math:`K`
    estimated by the number of distinct values seen. It removes most of the
    bias once every outcome has been seen several times (:math:`N \gg K`).
    It helps less when :math:`K` is comparable to :math:`N`: outcomes not
    yet seen are not counted in :math:`K`, and the neglected
    :math:`O(N^{-2})` terms are no longer small.

    **Chao-Shen** [2]_ targets the unseen outcomes. The Good-Turing estimate
    :math:`C = 1 - f_1/N` of the sample *coverage*, the total probability of
    the values seen, shrinks the frequencies to :math:`C \hat p_i`, leaving
    :math:`1 - C` for what was not seen. Each term is then divided by
    :math:`1 - (1 - C\hat p_i)^N`, the probability that the outcome appears in
    a sample of size :math:`N` at all (a Horvitz-Thompson weight), so that
    rarely seen outcomes also stand for the similar ones that were missed.
    When every observation is distinct, :math:`f_1 = N` would make
    :math:`C = 0`; as is standard, :math:`f_1` is then replaced by
    :math:`N - 1`. It works well when many outcomes are rare, but it is still
    an extrapolation from the singletons: a long tail of outcomes too rare to
    appear even once is invisible to it, and with :math:`N \ll K` its
    variance is large. At the other extreme it does little: once no value is
    seen only once, :math:`C = 1`, the weights are close to 1 and the
    estimate is close to the plug-in one, keeping most of its
    :math:`-(K - 1)/(2N)` bias (for 100 draws from 16 equally likely
    outcomes, Miller-Madow is the better of the two).

    **Grassberger** [3]_ writes the plug-in estimate as
    :math:`\log N - \frac1N \sum_i n_i \log n_i` and replaces
    :math:`\log n_i` by :math:`G(n_i)`, a function of the count whose
    expectation is much closer to the logarithm of the *expected* count, the
    term that the true entropy needs. Its bias is smaller than Miller-Madow's
    when counts are small, but it too only corrects the terms of the values
    seen. (:math:`G(2m + 1) = G(2m)`, so for a sample of a single repeated
    value the formula would give :math:`\log N - G(N) \ne 0`, about
    :math:`1/N` for odd :math:`N`; here, as for the other estimators, the
    estimate is 0 then.)

    **What no estimator can do.** Paninski (2003) [4]_ showed that no
    estimator is unbiased for every distribution, and that when :math:`N`
    is small next to :math:`K` the worst-case bias of every estimator stays
    large: outcomes that never appear leave no trace in the sample. The
    corrections help most in the middle regime, :math:`N` from a few times
    :math:`K` down to about :math:`K`; with more data all estimators agree,
    with much less none is reliable.

    The estimate is clamped at 0, so that no entropy this package returns
    is negative.

    References
    ----------
    .. [1] G. A. Miller, "Note on the bias of information estimates", in
       H. Quastler (ed.), *Information Theory in Psychology: Problems and
       Methods*, Free Press, 1955, pp. 95-100.
    .. [2] A. Chao and T.-J. Shen, "Nonparametric estimation of Shannon's
       index of diversity when there are unseen species in sample",
       *Environmental and Ecological Statistics* 10, pp. 429-443, 2003.
    .. [3] P. Grassberger, "Entropy Estimates from Insufficient Samplings",
       arXiv:physics/0307138, 2003.
    .. [4] L. Paninski, "Estimation of Entropy and Mutual Information",
       *Neural Computation* 15(6), pp. 1191-1253, 2003.

    Examples
    --------
    Fifty rolls of a fair eight-sided die. The true entropy is
    :math:`\log_2 8 = 3` bits, but the plug-in estimate is well below it:

    >>> import numpy as np
    >>> from infotheory import entropy_from_samples
    >>> rolls = np.random.default_rng(0).integers(1, 9, size=50)
    >>> round(float(entropy_from_samples(rolls, base=2)), 3)
    2.813

    Each correction moves the estimate back up, closer to 3 bits:

    >>> for name in ["miller_madow", "chao_shen", "grassberger"]:
    ...     print(name, round(float(entropy_from_samples(rolls, estimator=name, base=2)), 3))
    miller_madow 2.914
    chao_shen 2.858
    grassberger 2.931

    Only equality between observations matters, so strings work as well as
    numbers, and relabelling changes nothing:

    >>> float(entropy_from_samples(["heads", "tails", "tails", "heads"], base=2))
    1.0

    A 2-D array holds one joint outcome per row:

    >>> pairs = [[0, "a"], [0, "b"], [1, "a"], [1, "a"]]
    >>> round(float(entropy_from_samples(pairs, base=2)), 3)
    1.5
    """
    est = _check_estimator(estimator)
    divisor = log_of_base(base)
    counts = _counts(samples, "samples")
    _check_size(int(counts.sum()), "samples")
    return _finish(_estimate_counts(counts, est), divisor)


def mutual_information_from_samples(
    x: ArrayLike, y: ArrayLike, *, estimator: Estimator = "plugin", base: float | None = None
) -> np.float64:
    r"""Estimate the mutual information :math:`I(X; Y)` from paired samples.

    .. math::

        \hat I(X; Y) = \max\left(0,\ \hat H(X) + \hat H(Y) - \hat H(X, Y)\right)

    with the same entropy estimator :math:`\hat H` (see
    :func:`entropy_from_samples`) applied to the sample of `x`, that of `y`
    and that of the pairs ``(x[i], y[i])``.

    Parameters
    ----------
    x, y : array_like, 1-D or 2-D
        Paired observations: ``(x[i], y[i])`` is one draw of :math:`(X, Y)`.
        Each is a sample as accepted by :func:`entropy_from_samples` (a 2-D
        array holds one joint outcome per row, for a vector-valued variable),
        and both must have the same length.
    estimator : {'plugin', 'miller_madow', 'chao_shen', 'grassberger'}, optional
        The entropy estimator used for all three entropies. Default
        ``'plugin'``.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.float64
        The estimated mutual information, ``>= 0``.

    Raises
    ------
    ValueError
        If `estimator` is not one of the four names; if `x` and `y` have
        different lengths; if either is a scalar or has more than two
        dimensions, holds fewer than 2 observations, or contains NaN; if
        `base` is not a finite number ``> 1``.
    TypeError
        As for :func:`entropy_from_samples`.

    See Also
    --------
    mutual_information : the mutual information of a known joint distribution.
    entropy_from_samples
    entropy

    Notes
    -----
    The plug-in estimate of mutual information is biased *upwards*. All
    three plug-in entropies are too low, but :math:`\hat H(X, Y)`, spread
    over the most outcomes, is the most too low. To first order (Miller's
    :math:`-(K - 1)/(2N)` for each) the bias is

    .. math::

        \frac{K_{XY} - K_X - K_Y + 1}{2N},

    which for independent variables with all :math:`K_X K_Y` pairs possible
    is :math:`(K_X - 1)(K_Y - 1)/(2N) > 0`: in a finite sample, independent
    variables look dependent. The corrected estimators remove most of that
    bias, with the same limits as for entropy (see
    :func:`entropy_from_samples`): they fail when :math:`N` is not large
    next to the number :math:`K_X K_Y` of possible pairs.

    A bias-corrected estimate subtracts the corrections, so when the true
    mutual information is 0 or close to it, the difference
    :math:`\hat H(X) + \hat H(Y) - \hat H(X, Y)` comes out slightly negative
    by chance about as often as positive. The result is clamped at 0, since
    no entropy or divergence this package returns is negative. The price is
    a small upward bias near 0: the mean of many clamped estimates of a zero
    mutual information is positive.

    The mutual information of a sample with itself is its entropy, for
    every estimator.

    References
    ----------
    .. [1] G. A. Miller, "Note on the bias of information estimates", in
       H. Quastler (ed.), *Information Theory in Psychology: Problems and
       Methods*, Free Press, 1955, pp. 95-100.
    .. [2] L. Paninski, "Estimation of Entropy and Mutual Information",
       *Neural Computation* 15(6), pp. 1191-1253, 2003.

    Examples
    --------
    Two independent fair four-sided dice share no information, yet 100
    paired rolls suggest they do, by about the first-order bias
    :math:`9/200` nats:

    >>> import numpy as np
    >>> from infotheory import entropy_from_samples, mutual_information_from_samples
    >>> rng = np.random.default_rng(1)
    >>> x, y = rng.integers(0, 4, size=100), rng.integers(0, 4, size=100)
    >>> round(float(mutual_information_from_samples(x, y)), 3)
    0.042

    The corrections bring the estimate down. Miller-Madow's and Grassberger's
    overshoot here, to a negative number, which is reported as 0:

    >>> for name in ["miller_madow", "chao_shen", "grassberger"]:
    ...     print(name, round(float(mutual_information_from_samples(x, y, estimator=name)), 3))
    miller_madow 0.0
    chao_shen 0.021
    grassberger 0.0

    A variable shares all of its information with itself:

    >>> coin = ["H", "T", "T", "H", "T", "H", "H", "H"]
    >>> round(float(mutual_information_from_samples(coin, coin, base=2)), 3)
    0.954
    >>> round(float(entropy_from_samples(coin, base=2)), 3)
    0.954
    """
    est = _check_estimator(estimator)
    divisor = log_of_base(base)
    lx = _as_labels(x, "x")
    ly = _as_labels(y, "y")
    if lx.shape[0] != ly.shape[0]:
        raise ValueError(f"x and y must have the same length, got {lx.shape[0]} and {ly.shape[0]}")
    _check_size(lx.shape[0], "x")
    joint = _combine(lx, ly)
    mi = _estimate(lx, est) + _estimate(ly, est) - _estimate(joint, est)
    return _finish(mi, divisor)
