"""Entropy, cross-entropy and divergences of discrete distributions.

Every function takes probability vectors lying along ``axis`` (default ``-1``,
the last axis, unlike :func:`scipy.stats.entropy`, which uses axis 0), so a
batch of distributions gives a batch of results. Arguments follow the
mathematical order: ``p`` is the truth, ``q`` the model.

Large inputs are walked in blocks of rows (:mod:`infotheory._rowwise`): each
block is read in float64, checked (finite, non-negative, summing to 1), and
reduced to one number per row before the next is read, so the extra memory is
a few MiB whatever the size of the input, and the data is read once.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import broadcast_pair, distribution_rows, finish, log_of_base
from ._rowwise import cross_entropy_rows, entropy_rows, js_rows, kl_rows, reduce_rows
from ._terms import clamp

__all__ = ["cross_entropy", "entropy", "js_divergence", "kl_divergence"]

Result = np.float64 | NDArray[np.float64]
Array = NDArray[np.float64]

# ------------------------------------------------------------------ public functions


def entropy(
    p: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Shannon entropy of a discrete distribution.

    .. math::

        H(P) = -\sum_i p_i \log p_i

    Parameters
    ----------
    p : array_like
        Probabilities, non-negative and summing to 1 along `axis`. numpy arrays
        of any real dtype, torch tensors and DLPack objects are read without a
        copy.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits. Any
        finite number ``> 1`` is accepted (below 1 every entropy would be negative).
    axis : int, optional
        The axis along which the distributions lie. Default ``-1`` (the last
        axis), unlike :func:`scipy.stats.entropy`, which defaults to 0. One
        integer: a tuple is an error (see :func:`joint_entropy` for tables).
    normalize : bool, optional
        If True, divide `p` by its sum first. By default a `p` that does not
        sum to 1 (within `tol`) is an error rather than being rescaled silently.
    tol : float, optional
        How far from 1 each sum may be. ``None`` (default) scales the tolerance
        to the dtype and length of `p`: about ``4 * sqrt(n)`` machine epsilons
        (at least 32, at most 1e-3), 7.1e-15 for a short float64 vector. Pass
        ``tol=1e-6`` for float32 probabilities that were widened to float64.
        Ignored when `normalize` is True.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The entropy, with `axis` removed from the shape; an empty float64 array
        for a batch of zero distributions.

    Raises
    ------
    ValueError
        If `p` has no outcomes, has negative, NaN or infinite entries, or does
        not sum to 1; if `base` is not a finite number ``> 1``, `tol` is negative
        or not finite, or `axis` is out of range.
    TypeError
        If `p` does not hold real numbers, is a tensor that requires grad, or if
        `axis` is not an integer or `normalize` not a bool.

    See Also
    --------
    cross_entropy, kl_divergence, entropy_from_logits

    Notes
    -----
    Entropy is the average surprise :math:`-\log p_i` of an outcome drawn
    from `p`. Outcomes of probability zero contribute nothing, by the
    convention :math:`0 \log 0 = 0`, which is the limit of
    :math:`x \log x` as :math:`x \to 0^+`.

    It is bounded: :math:`0 \le H(P) \le \log V` for `V` outcomes. The lower
    bound is reached by a point mass, the upper bound only by the uniform
    distribution. One nat is :math:`1/\ln 2 \approx 1.443` bits.

    Round-off can never make the result negative: it is clamped at 0.

    Large inputs are walked in blocks of rows, checked and reduced as they
    are read: the extra memory is a few MiB whatever the size, for any layout
    (strided views, Fortran order, `axis` not last). A batch of zero
    distributions (shape ``(0, n)``) gives an empty result, as numpy's
    reductions do; zero outcomes (shape ``(n, 0)``) are an error.

    References
    ----------
    .. [1] C. E. Shannon, "A Mathematical Theory of Communication",
       *Bell System Technical Journal* 27, pp. 379-423, 623-656, 1948.
    .. [2] T. M. Cover and J. A. Thomas, *Elements of Information Theory*,
       2nd ed., Wiley, 2006, chapter 2.

    Examples
    --------
    A uniform distribution over five outcomes has the largest possible
    entropy, :math:`\log 5`:

    >>> from infotheory import entropy
    >>> round(float(entropy([0.2, 0.2, 0.2, 0.2, 0.2])), 3)
    1.609
    >>> round(float(entropy([0.2] * 5, base=2)), 3)
    2.322

    A point mass carries no surprise at all:

    >>> float(entropy([1.0, 0.0, 0.0]))
    0.0

    Distributions along the last axis give one entropy each:

    >>> entropy([[0.5, 0.5], [0.9, 0.1]], base=2).round(3)
    array([1.   , 0.469])

    Counts must be normalized explicitly:

    >>> entropy([3, 1])
    Traceback (most recent call last):
    ...
    ValueError: p does not sum to 1 along axis -1 (a sum of 4.0, tolerance 7.1e-15); pass normalize=True to rescale it
    >>> round(float(entropy([3, 1], normalize=True)), 4)
    0.5623

    Probabilities computed in float32 sum to 1 only to float32 precision, and
    float64's tolerance rejects them; `tol` says how much to allow:

    >>> p = [0.2, 0.3, 0.5000003]
    >>> entropy(p)
    Traceback (most recent call last):
    ...
    ValueError: p does not sum to 1 along axis -1 (a sum of 1.0000003, tolerance 7.1e-15); it looks like a float32 softmax: pass tol=1e-6, or normalize=True to rescale it
    >>> round(float(entropy(p, tol=1e-6)), 4)
    1.0297

    An empty batch gives an empty result:

    >>> import numpy as np
    >>> entropy(np.zeros((0, 3)))
    array([], dtype=float64)
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    h = reduce_rows([pp], pp.batch_shape, entropy_rows, buffers=2)
    return finish(clamp(h) / divisor)


def cross_entropy(
    p: ArrayLike,
    q: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Cross-entropy of a model distribution `q` relative to the truth `p`.

    .. math::

        H(P, Q) = -\sum_i p_i \log q_i

    Parameters
    ----------
    p : array_like
        The true distribution, along `axis`.
    q : array_like
        The model distribution, along `axis`, with as many outcomes as `p`.
        Batch dimensions broadcast against those of `p`.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``), in both
        `p` and `q`.
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The cross-entropy, ``inf`` where `q` gives probability 0 to an outcome
        that `p` gives probability > 0.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    entropy, kl_divergence, cross_entropy_from_logits

    Notes
    -----
    :math:`H(P, Q)` is the average code length when outcomes come from `p`
    but the code was built for `q`. It decomposes as
    :math:`H(P, Q) = H(P) + D_{\mathrm{KL}}(P \| Q) \ge H(P)`, with equality
    only when :math:`Q = P`; it is not a distance, since
    :math:`H(P, P) = H(P)` is not 0 in general.

    Terms where :math:`p_i = 0` are 0 whatever :math:`q_i` is, including
    :math:`q_i = 0`. A term with :math:`p_i > 0` and :math:`q_i = 0` is
    :math:`+\infty`: the result is ``inf``, never NaN and never a clipped
    finite number. Round-off is clamped at 0. Large inputs are walked in
    blocks, as described in :func:`entropy`; a `q` broadcast against a batch
    of `p` is read in place, never copied.

    Examples
    --------
    A fair coin coded as if heads had probability 0.9 costs 1.737 bits per
    toss instead of 1:

    >>> from infotheory import cross_entropy
    >>> round(float(cross_entropy([0.5, 0.5], [0.9, 0.1], base=2)), 3)
    1.737

    A model that rules out something that happens pays an infinite price:

    >>> float(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf

    but an outcome the truth never produces costs nothing:

    >>> round(float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2)), 3)
    1.0
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    h = reduce_rows([pp, qq], broadcast_pair(pp, qq), cross_entropy_rows, buffers=3)
    return finish(clamp(h) / divisor)


def kl_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Kullback-Leibler divergence :math:`D_{\mathrm{KL}}(P \| Q)` of `q` from `p`.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \sum_i p_i \log \frac{p_i}{q_i}

    Parameters
    ----------
    p : array_like
        The true distribution, along `axis`.
    q : array_like
        The model distribution, along `axis`; batch dimensions broadcast.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``).
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, ``>= 0``, and ``inf`` where `q` is 0 on an outcome to
        which `p` gives mass.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    cross_entropy, js_divergence, kl_divergence_from_logits

    Notes
    -----
    The divergence is the extra cost of coding `p` with a code built for `q`:
    :math:`D_{\mathrm{KL}}(P \| Q) = H(P, Q) - H(P)`. Gibbs' inequality says
    it is never negative and is 0 only when the distributions are equal; the
    result is clamped at 0 so that round-off cannot break that.

    It is not symmetric, and does not satisfy the triangle inequality, so it
    is not a metric. The direction matters: the sum runs over outcomes of `p`,
    so a `q` that misses part of `p`'s support gives ``inf``, while the other
    direction may be finite.

    Each term is computed as :math:`p_i \operatorname{log1p}((p_i - q_i)/q_i)`,
    which keeps its relative accuracy when `p` and `q` are close (the ratio
    :math:`p_i / q_i` would round to within an epsilon of 1 and lose it). Large
    inputs are walked in blocks, as described in :func:`entropy`.

    This is ``scipy.stats.entropy(p, q)`` and ``scipy.special.rel_entr(p, q).sum()``,
    except that the distributions lie on the last axis and are not silently
    renormalized.

    References
    ----------
    .. [1] S. Kullback and R. A. Leibler, "On Information and Sufficiency",
       *Annals of Mathematical Statistics* 22(1), pp. 79-86, 1951.

    Examples
    --------
    >>> from infotheory import kl_divergence
    >>> round(float(kl_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.2263
    >>> round(float(kl_divergence([0.6, 0.4], [0.9, 0.1])), 4)
    0.3112

    A point mass against a spread-out model is finite in one direction only:

    >>> point, spread = [1, 0, 0, 0, 0], [0.6, 0.1, 0.1, 0.1, 0.1]
    >>> round(float(kl_divergence(point, spread)), 3)
    0.511
    >>> float(kl_divergence(spread, point))
    inf
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    d = reduce_rows([pp, qq], broadcast_pair(pp, qq), kl_rows, buffers=3)
    return finish(clamp(d) / divisor)


def js_divergence(
    p: ArrayLike,
    q: ArrayLike,
    *,
    base: float | None = None,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Jensen-Shannon divergence of two distributions.

    .. math::

        \mathrm{JS}(P, Q) = \tfrac12 D_{\mathrm{KL}}(P \| M)
                          + \tfrac12 D_{\mathrm{KL}}(Q \| M),
        \qquad M = \tfrac12 (P + Q)

    This is the divergence itself, not its square root (the Jensen-Shannon
    *distance* returned by :func:`scipy.spatial.distance.jensenshannon`).

    Parameters
    ----------
    p, q : array_like
        Two distributions along `axis`, with the same number of outcomes;
        batch dimensions broadcast.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    axis : int, optional
        The axis along which the distributions lie (default ``-1``).
    normalize : bool, optional
        If True, divide `p` and `q` by their sums first.
    tol : float, optional
        How far from 1 the sums may be: ``None`` (default) for a tolerance
        scaled to each argument's dtype and length (see :func:`entropy`).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, in :math:`[0, \log 2]`.

    Raises
    ------
    ValueError
        For invalid distributions (see :func:`entropy`), a different number of
        outcomes in `p` and `q`, or batch shapes that do not broadcast.
    TypeError
        As for :func:`entropy`.

    See Also
    --------
    kl_divergence

    Notes
    -----
    Unlike the KL divergence, JS is symmetric and always finite, because the
    mixture `M` gives mass wherever `P` or `Q` does. Its upper bound
    :math:`\log 2` (1 bit) is reached by distributions with disjoint
    supports. Round-off is clamped to that interval. Its square root is a
    metric.

    When `p` and `q` are close, JS is of the order of the squared difference
    and the two KL terms above nearly cancel: computed as written, the result
    would keep only about as many digits as JS is larger than the machine
    epsilon. Each outcome's term is computed instead from
    :math:`t = (p_i - q_i)/(p_i + q_i)`, whose numerator is exact, in a form
    accurate to a few epsilons relative however small JS is (``p == q`` gives
    exactly 0). Large inputs are walked in blocks, as described in
    :func:`entropy`.

    References
    ----------
    .. [1] J. Lin, "Divergence measures based on the Shannon entropy",
       *IEEE Transactions on Information Theory* 37(1), pp. 145-151, 1991.

    Examples
    --------
    >>> from infotheory import js_divergence
    >>> float(js_divergence([1.0, 0.0], [0.0, 1.0], base=2))
    1.0
    >>> round(float(js_divergence([0.9, 0.1], [0.6, 0.4])), 4)
    0.0633

    Close distributions keep their digits. Here JS is :math:`2^{-81}` (half
    the squared difference, to 24 digits), while each of the two KL terms in
    the definition is about :math:`2^{-41}`:

    >>> p, q = [0.5, 0.5], [0.5 + 2**-40, 0.5 - 2**-40]
    >>> round(float(js_divergence(p, q)) / 2.0**-81, 12)
    1.0
    """
    divisor = log_of_base(base)
    pp = distribution_rows(p, "p", axis=axis, normalize=normalize, tol=tol)
    qq = distribution_rows(q, "q", axis=axis, normalize=normalize, tol=tol)
    js = reduce_rows([pp, qq], broadcast_pair(pp, qq), js_rows, buffers=4)
    return finish(clamp(js, math.log(2.0)) / divisor)
