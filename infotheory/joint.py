"""Joint entropy, conditional entropy and mutual information of two variables.

Each function takes a joint probability table ``joint[x, y]``: rows are the
values of X, columns the values of Y. Leading dimensions, if any, are a batch
of tables, so ``joint`` has shape ``(..., n_x, n_y)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_joint_table, finish, log_of_base
from ._terms import clamp, p_log_p, weighted_log_ratio

__all__ = ["conditional_entropy", "joint_entropy", "mutual_information"]

Result = np.float64 | NDArray[np.float64]


def joint_entropy(
    joint: ArrayLike,
    *,
    base: float | None = None,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Joint entropy :math:`H(X, Y)` of a joint probability table.

    .. math::

        H(X, Y) = -\sum_{x, y} p(x, y) \log p(x, y)

    Parameters
    ----------
    joint : array_like, shape (..., n_x, n_y)
        Joint probabilities ``joint[x, y]``, summing to 1 over the last two
        axes.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    normalize : bool, optional
        If True, divide the table by its sum first (e.g. to pass counts).
    tol : float, optional
        How far from 1 each table's sum may be. ``None`` (default) scales the
        tolerance to the dtype and size of the table (see :func:`entropy`);
        ignored when `normalize` is True.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The joint entropy, one per table (an empty array for a batch of zero
        tables).

    Raises
    ------
    ValueError
        If `joint` has fewer than two dimensions, has no entries (``n_x`` or
        ``n_y`` is 0), has negative, NaN or infinite entries, or does not sum
        to 1; if `base` or `tol` is invalid.
    TypeError
        If `joint` does not hold real numbers (or is a tensor that requires
        grad), or `normalize` is not a bool.

    See Also
    --------
    conditional_entropy, mutual_information, entropy

    Notes
    -----
    The joint entropy is the entropy of the pair :math:`(X, Y)` seen as one
    variable. It is at most :math:`H(X) + H(Y)`, with equality exactly when
    X and Y are independent; the gap is the mutual information.

    A batch of zero tables (shape ``(0, n_x, n_y)``) gives an empty result.
    Tables are held whole in memory, as one float64 copy (unlike the
    functions of :mod:`infotheory.discrete`, which walk large inputs in
    blocks): pass a very large table to :func:`entropy` as ``joint.reshape(-1)``
    when only :math:`H(X, Y)` is needed.

    Examples
    --------
    Two independent fair coins carry two bits:

    >>> from infotheory import joint_entropy
    >>> float(joint_entropy([[0.25, 0.25], [0.25, 0.25]], base=2))
    2.0

    Two perfectly correlated coins carry one:

    >>> float(joint_entropy([[0.5, 0.0], [0.0, 0.5]], base=2))
    1.0
    """
    divisor = log_of_base(base)
    table = as_joint_table(joint, "joint", normalize=normalize, tol=tol)
    h = clamp(-p_log_p(table).sum(axis=(-2, -1)))
    return finish(h / divisor)


def conditional_entropy(
    joint: ArrayLike,
    *,
    base: float | None = None,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Conditional entropy :math:`H(Y \mid X)` of a joint table ``joint[x, y]``.

    .. math::

        H(Y \mid X) = -\sum_{x, y} p(x, y) \log \frac{p(x, y)}{p(x)}
                    = H(X, Y) - H(X)

    Parameters
    ----------
    joint : array_like, shape (..., n_x, n_y)
        Joint probabilities with X on the rows and Y on the columns. To get
        :math:`H(X \mid Y)` pass the transpose, ``joint.T`` (or
        ``np.swapaxes(joint, -1, -2)`` for a batch).
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    normalize : bool, optional
        If True, divide the table by its sum first.
    tol : float, optional
        How far from 1 each table's sum may be. ``None`` (default) scales the
        tolerance to the dtype and size of the table (see :func:`entropy`);
        ignored when `normalize` is True.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The conditional entropy, between 0 and :math:`H(Y)`.

    Raises
    ------
    ValueError, TypeError
        As for :func:`joint_entropy`.

    See Also
    --------
    joint_entropy, mutual_information

    Notes
    -----
    :math:`H(Y \mid X)` is the uncertainty left in Y once X is known,
    averaged over X. It is 0 when Y is a function of X and equals
    :math:`H(Y)` when the two are independent. Rows with
    :math:`p(x) = 0` contribute nothing. It is computed term by term rather
    than as the difference :math:`H(X, Y) - H(X)`, which loses accuracy when
    both are large and close.

    Examples
    --------
    Knowing X leaves half a bit of Y's uncertainty here:

    >>> from infotheory import conditional_entropy
    >>> joint = [[0.5, 0.0], [0.25, 0.25]]
    >>> float(conditional_entropy(joint, base=2))
    0.5
    """
    divisor = log_of_base(base)
    table = as_joint_table(joint, "joint", normalize=normalize, tol=tol)
    p_x = table.sum(axis=-1, keepdims=True)
    h = clamp(-weighted_log_ratio(table, table, p_x).sum(axis=(-2, -1)))
    return finish(h / divisor)


def mutual_information(
    joint: ArrayLike,
    *,
    base: float | None = None,
    normalize: bool = False,
    tol: float | None = None,
) -> Result:
    r"""Mutual information :math:`I(X; Y)` of a joint table ``joint[x, y]``.

    .. math::

        I(X; Y) = \sum_{x, y} p(x, y) \log \frac{p(x, y)}{p(x)\, p(y)}
                = D_{\mathrm{KL}}(P_{XY} \| P_X P_Y)
                = H(Y) - H(Y \mid X)

    Parameters
    ----------
    joint : array_like, shape (..., n_x, n_y)
        Joint probabilities, summing to 1 over the last two axes.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    normalize : bool, optional
        If True, divide the table by its sum first (e.g. to pass counts).
    tol : float, optional
        How far from 1 each table's sum may be. ``None`` (default) scales the
        tolerance to the dtype and size of the table (see :func:`entropy`);
        ignored when `normalize` is True.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The mutual information, ``>= 0`` and at most
        :math:`\min(H(X), H(Y))`.

    Raises
    ------
    ValueError, TypeError
        As for :func:`joint_entropy`.

    See Also
    --------
    joint_entropy, conditional_entropy, kl_divergence

    Notes
    -----
    Mutual information is how much knowing one variable reduces the
    uncertainty about the other, and it is symmetric in X and Y. Written as
    the KL divergence of the joint distribution from the product of its
    marginals, it is 0 exactly when X and Y are independent. It is computed
    in that form, term by term, and clamped at 0, so that round-off cannot
    make it negative.

    Examples
    --------
    A noisy copy: Y equals X nine times in ten.

    >>> from infotheory import mutual_information
    >>> joint = [[0.45, 0.05], [0.05, 0.45]]
    >>> round(float(mutual_information(joint, base=2)), 4)
    0.531

    Independent variables share nothing:

    >>> float(mutual_information([[0.125, 0.375], [0.125, 0.375]]))
    0.0
    """
    divisor = log_of_base(base)
    table = as_joint_table(joint, "joint", normalize=normalize, tol=tol)
    # p(x, y) / (p(x) p(y)) as p(y | x) / p(y): the product of two small
    # marginals could underflow to 0 where the joint entry is positive
    p_x = table.sum(axis=-1, keepdims=True)
    p_y = table.sum(axis=-2, keepdims=True)
    with np.errstate(under="ignore"):
        p_y_given_x = np.divide(table, p_x, where=table > 0, out=np.zeros_like(table))
    i = clamp(weighted_log_ratio(table, p_y_given_x, p_y).sum(axis=(-2, -1)))
    return finish(i / divisor)
