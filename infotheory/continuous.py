"""KL divergence between continuous distributions, and Gaussian fits by KL.

The forward-vs-reverse KL story is told with a Gaussian mixture `P` (the
truth) and a single Gaussian `Q` (the model): minimising the forward
divergence :math:`D(P \\| Q)` matches moments and covers all of `P`'s mass,
minimising the reverse one :math:`D(Q \\| P)` locks onto a mode.

A divergence is defined between probability densities, so the functions that
integrate (:func:`kl_divergence_continuous`, :func:`kl_divergence_on_grid`)
check that both densities integrate to 1 over the domain they are given, to
within 1e-6, and refuse them otherwise: the integral of
:math:`p \\log(p/q)` for densities that do not is not a divergence, and can
be negative. ``normalize=True`` asks instead for the divergence between the
two densities restricted to the domain and rescaled to integrate to 1 there.

The module is long because its docstrings are the package's reference text (formula,
units, which argument is the truth, notes that teach, references, examples): they are
about half of its lines.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import finish, log_of_base, sum_tolerance
from ._numerics import integrate, minimize
from ._terms import clamp, weighted_log_ratio

__all__ = [
    "Gaussian",
    "GaussianFit",
    "GaussianMixture",
    "fit_gaussian_forward_kl",
    "fit_gaussian_reverse_kl",
    "kl_divergence_continuous",
    "kl_divergence_gaussian",
    "kl_divergence_on_grid",
]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)

# How far from 1 the integral of a density over the domain may be (absolute). A mass
# defect of eps moves a divergence by about eps nats, so below 1e-6 it is invisible in
# any digit worth quoting; it is also far above the error of the mass integral itself
# (1e-9 relative or better), so a normalised density is never refused, while a window
# that cuts off 1e-6 or more of either density is.
_MASS_TOLERANCE = 1e-6

# A Gaussian component is integrated in its own coordinates u = (x - mean) / std,
# split at u = +-_SPLIT when the domain is not the whole line; another component
# narrower than _NARROW times its scale gets a piece of its own, so that the
# integrator cannot step over it.
_SPLIT = 8.0
_NARROW = 0.25
_REACH = 40.0  # exp(-40**2 / 2) underflows: nothing beyond 40 std devs is visible


@runtime_checkable
class Distribution(Protocol):
    """Anything with vectorised ``pdf`` and ``logpdf`` methods (scipy's frozen ones too)."""

    def pdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...
    def logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...


Density = Distribution | Callable[[NDArray[np.float64]], ArrayLike]


def _real_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """``values`` as float64, refusing ragged lists, booleans, complex numbers and text."""
    try:
        arr = np.asarray(values)
    except ValueError:
        raise ValueError(f"{name} is ragged: its rows have different lengths") from None
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must hold real numbers, got booleans")
    if kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def _finite_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = _real_array(values, name)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def _positive_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = _finite_array(values, name)
    if (arr <= 0).any():
        raise ValueError(f"{name} must be > 0")
    return arr


def _real_number(value: object, name: str) -> float:
    """A real scalar (``+-inf`` allowed, NaN not), refusing booleans, text and arrays."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    out = float(value)
    if math.isnan(out):
        raise ValueError(f"{name} is NaN")
    return out


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def _log_sum_exp(terms: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(sum(exp(terms)))`` over the last axis, ``-inf`` where every term is ``-inf``."""
    top = terms.max(axis=-1)
    finite = np.isfinite(top)  # False where every term is -inf (x = +-inf, or far out)
    with np.errstate(under="ignore"):
        shifted = np.exp(terms - np.where(finite, top, 0.0)[..., None]).sum(axis=-1)
    return np.where(finite, top + np.log(np.where(finite, shifted, 1.0)), -np.inf)


@dataclass(frozen=True)
class GaussianMixture:
    r"""A mixture of one-dimensional Gaussians, :math:`\sum_k w_k \mathcal N(\mu_k, \sigma_k^2)`.

    Parameters
    ----------
    weights : array_like
        Mixture weights, positive and summing to 1 up to round-off (the
        tolerance the discrete functions allow a probability vector: a few
        machine epsilons, growing like the square root of the number of
        weights).
    means : array_like
        Component means, finite, one per weight.
    stds : array_like
        Component standard deviations, finite and > 0.

    Raises
    ------
    ValueError
        For non-finite parameters, weights or standard deviations ``<= 0``,
        weights that do not sum to 1, or lengths that differ.
    TypeError
        For booleans, complex numbers or text.

    Notes
    -----
    The log-density is a log-sum-exp over the components, so it stays finite
    (and accurate) far in the tails where the density itself underflows to 0.
    The moments are computed so that they neither cancel nor overflow: the
    variance as :math:`\sum_k w_k \sigma_k^2 + \sum_k w_k (\mu_k - \mu)^2`,
    not as :math:`E[x^2] - \mu^2` (which is 0 for two unit Gaussians at
    :math:`10^8`), and the standard deviation from scaled terms, so that it is
    right for standard deviations of :math:`10^{200}` or :math:`10^{-200}`
    whose squares leave the float range.

    Examples
    --------
    The bimodal truth used on the forward-vs-reverse page:

    >>> from infotheory import GaussianMixture
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> round(p.mean, 6), round(p.std, 4)
    (0.0, 2.3087)
    >>> round(float(p.pdf(0.0)), 4)
    0.0041

    Far in the tails the density underflows, the log-density does not:

    >>> float(p.pdf(40.0)), round(float(p.logpdf(40.0)), 2)
    (0.0, -1459.26)
    """

    weights: tuple[float, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    def __init__(self, weights: ArrayLike, means: ArrayLike, stds: ArrayLike) -> None:
        w = _finite_array(weights, "weights").ravel()
        mu = _finite_array(means, "means").ravel()
        sd = _positive_array(stds, "stds").ravel()
        if not w.size == mu.size == sd.size or w.size == 0:
            raise ValueError(
                "weights, means and stds must be non-empty and of equal length, "
                f"got {w.size}, {mu.size} and {sd.size}"
            )
        if (w <= 0).any():
            raise ValueError(f"weights must be > 0, got {float(w.min())!r}")
        total, tol = float(w.sum()), sum_tolerance(np.dtype(np.float64), w.size)
        if abs(total - 1.0) > tol:
            raise ValueError(
                f"weights must sum to 1, got a sum of {total!r} (tolerance {tol:.1e})"
            )
        object.__setattr__(self, "weights", tuple(w.tolist()))
        object.__setattr__(self, "means", tuple(mu.tolist()))
        object.__setattr__(self, "stds", tuple(sd.tolist()))

    def _weights(self) -> NDArray[np.float64]:
        # divided by their sum (1 up to round-off), so that the moments are those of a
        # distribution: with weights summing to 1 + 4e-15, the mean of two components at
        # 1e300 would lie 4e285 beyond both, and that "deviation" would enter the variance
        w = np.asarray(self.weights)
        return w / math.fsum(self.weights)

    @property
    def mean(self) -> float:
        """The mixture's mean, :math:`\\mu = \\sum_k w_k \\mu_k`."""
        w, mu = self._weights(), np.asarray(self.means)
        with np.errstate(over="ignore", invalid="ignore"):
            out = float(np.dot(w, mu))
        if not math.isfinite(out):  # w_k mu_k summed past the float range: scale first
            top = float(np.abs(mu).max())
            out = top * float(np.dot(w, mu / top))
        return out

    def _halved(self) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
        """``(f, sd / f, (mu - mean) / f)`` with ``f`` 2 if the deviations overflow, else 1."""
        mu, sd = np.asarray(self.means), np.asarray(self.stds)
        with np.errstate(over="ignore", invalid="ignore"):
            dev = mu - self.mean
        if np.isfinite(dev).all():
            return 1.0, sd, dev
        return 2.0, 0.5 * sd, 0.5 * mu - 0.5 * self.mean  # means spanning the float range

    @property
    def var(self) -> float:
        """The mixture's variance, :math:`\\sum_k w_k \\sigma_k^2 + \\sum_k w_k (\\mu_k - \\mu)^2`.

        ``inf`` if it exceeds the float range (standard deviations above about
        :math:`10^{154}`); :attr:`std` is then still finite.
        """
        w, (f, sd, dev) = self._weights(), self._halved()
        with np.errstate(over="ignore", under="ignore"):
            return float(f * f * (np.dot(w, sd * sd) + np.dot(w, dev * dev)))

    @property
    def std(self) -> float:
        """The mixture's standard deviation, computed without overflow or underflow."""
        w, (f, sd, dev) = self._weights(), self._halved()
        top = max(float(sd.max()), float(np.abs(dev).max()))
        with np.errstate(under="ignore"):
            inner = float(np.dot(w, (sd / top) ** 2) + np.dot(w, (dev / top) ** 2))
        return f * (top * math.sqrt(inner))

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Log-density at `x`, computed with log-sum-exp so it never underflows.

        ``-inf`` at ``x = +-inf`` (and where the true value is below the
        float range), NaN where `x` is NaN.
        """
        xx = _real_array(x, "x")[..., None]
        mu, sd = np.asarray(self.means), np.asarray(self.stds)
        with np.errstate(over="ignore", invalid="ignore"):
            z = (xx - mu) / sd  # +-inf far out, so that -z*z/2 is -inf, the right limit
            terms = np.log(self.weights) - 0.5 * z * z - np.log(sd) - _LOG_SQRT_2PI
        out = np.where(np.isnan(xx[..., 0]), np.nan, _log_sum_exp(terms))
        return out[()] if out.ndim == 0 else out

    def pdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Density at `x` (``inf`` only where it exceeds the float range)."""
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(self.logpdf(x))


class Gaussian(GaussianMixture):
    r"""A single Gaussian :math:`\mathcal N(\mu, \sigma^2)`, a one-component mixture.

    Parameters
    ----------
    mean : float
        The mean, finite.
    std : float
        The standard deviation, finite and > 0.

    Examples
    --------
    >>> from infotheory import Gaussian
    >>> q = Gaussian(0.0, 1.5)
    >>> round(float(q.pdf(0.0)), 4)
    0.266
    """

    def __init__(self, mean: float, std: float) -> None:
        for name, value in (("mean", mean), ("std", std)):
            if np.ndim(value) != 0:
                raise ValueError(
                    f"{name} must be a single number (for several components "
                    f"use GaussianMixture), got shape {np.shape(value)}"
                )
        super().__init__([1.0], [mean], [std])


class GaussianFit(NamedTuple):
    """The best Gaussian found by a fit, and the divergence it achieves (in nats)."""

    mean: float
    std: float
    kl: float


# 1/3, 1/5, ..., 1/33: the series of atanh(u) - u, to 1e-17 relative for |u| <= 0.28
_ATANH_TAIL = tuple(1.0 / k for k in range(3, 35, 2))


def _half_excess_of_log1p(rho: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(rho - log1p(rho)) / 2`` for ``-0.44 <= rho <= 0.57``, without cancellation.

    With ``u = rho / (2 + rho)``, ``rho = 2u / (1 - u)`` and ``log1p(rho) = 2 atanh(u)``,
    so the difference is ``u**2 / (1 - u) - (u**3/3 + u**5/5 + ...)``: two terms of which
    the second is at most a tenth of the first, where the direct formula subtracts two
    numbers that agree to all but the last few digits when ``rho`` is small.
    """
    u = rho / (2.0 + rho)
    u2 = u * u
    acc = np.full_like(u, _ATANH_TAIL[-1])
    for c in _ATANH_TAIL[-2::-1]:
        acc = acc * u2 + c
    return u2 / (1.0 - u) - u * u2 * acc


def kl_divergence_gaussian(
    mean_p: ArrayLike,
    std_p: ArrayLike,
    mean_q: ArrayLike,
    std_q: ArrayLike,
    *,
    base: float | None = None,
) -> np.float64 | NDArray[np.float64]:
    r"""Closed-form KL divergence between two normal distributions.

    .. math::

        D_{\mathrm{KL}}\big(\mathcal N(\mu_p, \sigma_p^2) \,\|\, \mathcal N(\mu_q, \sigma_q^2)\big)
        = \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2\sigma_q^2}
          - \frac12

    Parameters
    ----------
    mean_p, std_p : array_like
        Mean and standard deviation (> 0) of the truth `P`.
    mean_q, std_q : array_like
        Mean and standard deviation (> 0) of the model `Q`. All four
        broadcast together.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, ``>= 0``; ``inf`` only where the true value exceeds
        the float range.

    Raises
    ------
    ValueError
        For non-finite parameters, standard deviations ``<= 0``, or shapes
        that do not broadcast.
    TypeError
        For booleans, complex numbers or text.

    See Also
    --------
    kl_divergence_continuous

    Notes
    -----
    The divergence is 0 only when both parameters agree. It is asymmetric:
    a model narrower than the truth (:math:`\sigma_q < \sigma_p`) is punished
    more than one equally much wider, because the truth then puts mass where
    the model's density is tiny.

    The formula is evaluated as the sum of two non-negative parts,

    .. math::

        \tfrac12\big(r^2 - 1 - \log r^2\big) + \tfrac12 z^2,
        \qquad r = \frac{\sigma_p}{\sigma_q}, \quad z = \frac{\mu_p - \mu_q}{\sigma_q},

    with the ratios formed before squaring, :math:`\log r` taken as
    :math:`\log\sigma_p - \log\sigma_q` where :math:`r` leaves the float
    range, and the first part computed from :math:`\rho = r^2 - 1` by a
    series when :math:`r` is close to 1 (where the direct formula cancels).
    So standard deviations of :math:`10^{-300}` and :math:`10^{300}` give
    the right finite number, or ``inf`` when it is beyond the float range,
    never NaN, and nearly equal Gaussians keep their relative accuracy.

    Examples
    --------
    >>> from infotheory import kl_divergence_gaussian
    >>> round(float(kl_divergence_gaussian(0.0, 1.0, 1.0, 1.0)), 3)
    0.5
    >>> round(float(kl_divergence_gaussian(0.0, 1.0, 0.0, 2.0)), 4)
    0.3181
    >>> round(float(kl_divergence_gaussian(0.0, 2.0, 0.0, 1.0)), 4)
    0.8069

    Extreme scales, where the textbook formula overflows to NaN:

    >>> round(float(kl_divergence_gaussian(0.0, 1e-200, 0.0, 1e200)), 4)
    920.534
    >>> float(kl_divergence_gaussian(0.0, 1e300, 0.0, 1e-300))
    inf
    """
    divisor = log_of_base(base)
    mp, mq = _finite_array(mean_p, "mean_p"), _finite_array(mean_q, "mean_q")
    sp, sq = _positive_array(std_p, "std_p"), _positive_array(std_q, "std_q")
    try:
        mp, sp, mq, sq = np.broadcast_arrays(mp, sp, mq, sq)
    except ValueError:
        raise ValueError(
            "mean_p, std_p, mean_q and std_q must broadcast together, got shapes "
            f"{mp.shape}, {sp.shape}, {mq.shape} and {sq.shape}"
        ) from None
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        # spread: (r^2 - 1 - log r^2) / 2 >= 0
        r = sp / sq  # 0 or inf where the ratio leaves the float range
        normal = (r >= np.finfo(np.float64).tiny) & (r < np.inf)
        log_r = np.where(normal, np.log(np.where(normal, r, 1.0)), np.log(sp) - np.log(sq))
        delta = (sp - sq) / sq  # exact numerator when r is near 1 (Sterbenz)
        near = np.abs(delta) < 0.25
        rho = np.where(near, delta * (2.0 + delta), 0.0)
        spread = np.where(near, _half_excess_of_log1p(rho), (r * _SQRT_HALF) ** 2 - (0.5 + log_r))
        # location: z^2 / 2, with z = (mp - mq) / sq formed before squaring
        diff = mp - mq
        half_z = np.where(
            np.isfinite(diff),
            diff / sq * _SQRT_HALF,
            (0.5 * mp - 0.5 * mq) / sq * (2.0 * _SQRT_HALF),
        )
        d = clamp(spread) + half_z * half_z
        return finish(d / divisor)


def kl_divergence_on_grid(
    p: ArrayLike, q: ArrayLike, x: ArrayLike, *, base: float | None = None, normalize: bool = False
) -> np.float64 | NDArray[np.float64]:
    r"""KL divergence of two densities sampled on a grid, by the trapezoid rule.

    .. math::

        D_{\mathrm{KL}}(P \| Q) \approx \int_{x_0}^{x_{n-1}} p(x) \log\frac{p(x)}{q(x)}\,dx

    Parameters
    ----------
    p, q : array_like, shape (..., n)
        Density values at the points `x`, non-negative and finite. Leading
        dimensions are a batch and broadcast.
    x : array_like, shape (n,)
        Strictly increasing grid points, at least two.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    normalize : bool, optional
        If False (default), each density must integrate to 1 over the grid
        by the trapezoid rule, to within 1e-6. If True, each is divided by
        that integral first: the result is then the divergence between the
        densities restricted to ``[x[0], x[-1]]`` and renormalised there.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The divergence, ``>= 0``; ``inf`` where `q` is 0 at a point where
        `p` is positive.

    Raises
    ------
    ValueError
        If a density's trapezoid integral is not within 1e-6 of 1 (without
        `normalize`) or is 0 (with it); for negative or non-finite values,
        a grid that is not strictly increasing, or shapes that do not match.
    TypeError
        For booleans, complex numbers or text.

    See Also
    --------
    kl_divergence_continuous : adaptive integration to a tolerance.

    Notes
    -----
    With trapezoid weights :math:`c_i` the result is
    :math:`\sum_i c_i p_i \log(p_i / q_i)`, the divergence between the
    discrete distributions :math:`c_i p_i` and :math:`c_i q_i` -- which is
    why both must sum to 1, that is, why each density must integrate to 1 by
    the same rule: then Gibbs' inequality makes the result non-negative,
    while for densities that do not it can be negative. A density that
    integrates to 1 within the tolerance is used as it is, and any round-off
    below 0 is clamped.

    The masses are checked against the fixed 1e-6 and not against an
    estimate of the trapezoid rule's own error, because such estimates fail
    exactly when the grid does not resolve a density. For smooth densities
    that decay to about 0 at both ends of the grid the rule is far more
    accurate than 1e-6 (its error terms are the derivatives at the end
    points), so a grid that covers the mass passes; a grid that cuts off part
    of a density, or that is too coarse for a kink or a jump in it, gives a
    mass that is off by more, and an integral no more accurate than that.
    Refine or widen the grid, or pass ``normalize=True`` for the divergence
    of the densities the grid does see. The rule's error falls as the square
    of the spacing; halve the spacing to check the digits you quote.

    Examples
    --------
    Over a window that cuts off part of `Q`'s mass the densities must be
    renormalised, which is what ``normalize=True`` does:

    >>> import numpy as np
    >>> from infotheory import Gaussian, GaussianMixture, kl_divergence_on_grid
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> q = Gaussian(0.0, 1.5)
    >>> x = np.linspace(-6.0, 6.0, 4001)
    >>> kl_divergence_on_grid(p.pdf(x), q.pdf(x), x)
    Traceback (most recent call last):
    ...
    ValueError: q integrates to 0.99993666 over the grid [-6.0, 6.0] by the trapezoid rule, not to 1 (tolerance 1e-06), so the result would not be a divergence and could be negative; widen or refine the grid, or pass normalize=True for the divergence of the densities restricted to the domain and renormalised there
    >>> round(float(kl_divergence_on_grid(p.pdf(x), q.pdf(x), x, normalize=True)), 3)
    0.756

    A grid wide enough to hold both densities needs no renormalising:

    >>> x = np.linspace(-12.0, 12.0, 4001)
    >>> round(float(kl_divergence_on_grid(p.pdf(x), q.pdf(x), x)), 3)
    0.756
    """
    divisor = log_of_base(base)
    norm = _flag(normalize, "normalize")
    xx = _finite_array(x, "x")
    if xx.ndim != 1 or xx.size < 2:
        raise ValueError(f"x must be a 1-D grid of at least 2 points, got shape {xx.shape}")
    if (np.diff(xx) <= 0).any():
        raise ValueError("x must be strictly increasing")
    pp, qq = _finite_array(p, "p"), _finite_array(q, "q")
    for name, arr in (("p", pp), ("q", qq)):
        if arr.ndim == 0 or arr.shape[-1] != xx.size:
            raise ValueError(
                f"{name} must have {xx.size} values on its last axis, "
                f"one per grid point, got shape {arr.shape}"
            )
        if (arr < 0).any():
            raise ValueError(f"{name} has negative density values")
    try:
        pp, qq = np.broadcast_arrays(pp, qq)
    except ValueError:
        raise ValueError(
            f"p and q have batch shapes {pp.shape[:-1]} and {qq.shape[:-1]}, "
            "which do not broadcast"
        ) from None
    window = f"the grid [{float(xx[0])!r}, {float(xx[-1])!r}] by the trapezoid rule"
    scaled = []
    for name, arr in (("p", pp), ("q", qq)):
        with np.errstate(over="ignore"):
            mass = np.trapezoid(arr, xx, axis=-1)[..., None]
        if norm:
            if not ((mass > 0) & (mass < np.inf)).all():
                m = mass.ravel()
                bad = float(m[~((m > 0) & (m < np.inf))][0])
                raise ValueError(
                    f"{name} integrates to {bad!r} over {window}, so it cannot be normalized"
                )
            arr = arr / mass
        else:
            _check_mass(name, mass.ravel(), window, "widen or refine the grid, or ")
        scaled.append(arr)
    pp, qq = scaled
    d = np.trapezoid(weighted_log_ratio(pp, pp, qq), xx, axis=-1)
    with np.errstate(over="ignore"):
        return finish(clamp(d) / divisor)


def _check_mass(name: str, masses: NDArray[np.float64], where: str, advice: str) -> None:
    """Refuse a density whose integral is not within the tolerance of 1."""
    err = np.abs(masses - 1.0)
    if not (err <= _MASS_TOLERANCE).all():  # NaN-safe: a NaN mass is refused too
        worst = float(masses[np.argmax(np.where(np.isnan(err), np.inf, err))])
        raise ValueError(
            f"{name} integrates to {worst:.8g} over {where}, not to 1 (tolerance "
            f"{_MASS_TOLERANCE:g}), so the result would not be a divergence and could be "
            f"negative; {advice}pass normalize=True for the divergence of the densities "
            "restricted to the domain and renormalised there"
        )


def _values(out: object, name: str, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """What a density function returned, as float64 of the shape of its input."""
    arr = np.asarray(out)
    if arr.dtype.kind not in "biuf":  # booleans are a 0/1 density, as for an indicator
        raise TypeError(f"{name} returned values of dtype {arr.dtype}, not real numbers")
    if arr.shape != x.shape:
        raise ValueError(
            f"{name} must be vectorised: it returned shape {arr.shape} "
            f"for input of shape {x.shape}"
        )
    return arr.astype(np.float64, copy=False)


def _log_density(f: Density, name: str) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """A checked log-density from a distribution object or a density callable."""
    if isinstance(f, Distribution):

        def from_logpdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
            out = _values(f.logpdf(x), f"{name}.logpdf", x)
            if np.isnan(out).any() or (out == np.inf).any():
                raise ValueError(f"{name}.logpdf returned NaN or +inf")
            return out

        return from_logpdf
    if not callable(f):
        raise TypeError(f"{name} must be a callable density or have pdf/logpdf methods")

    def from_pdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = _values(f(x), name, x)
        if not np.isfinite(out).all() or (out < 0).any():
            raise ValueError(f"{name} returned a negative or non-finite density")
        with np.errstate(divide="ignore"):
            return np.log(out)

    return from_pdf


LogDensity = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _is_mixture(f: object) -> bool:
    """A GaussianMixture whose log-density is its own, so that its parameters describe it."""
    return isinstance(f, GaussianMixture) and type(f).logpdf is GaussianMixture.logpdf


def _components(f: object) -> list[tuple[float, float]]:
    """(mean, std) of each component of a mixture; nothing for other densities."""
    return list(zip(f.means, f.stds)) if _is_mixture(f) else []  # type: ignore[attr-defined]


def _in_frame(
    f: object, log_f: LogDensity, center: float, scale: float, lo: float, hi: float
) -> LogDensity:
    """The log-density of `f` at ``x = center + scale * u``, as a function of `u`.

    For a mixture, ``(x - mu_k) / sd_k`` is formed as ``(center - mu_k + scale * u) / sd_k``,
    never through `x`, so that a component of width 1e-6 at 1e6 keeps all its digits.
    """
    if _is_mixture(f):
        w, mu, sd = (np.asarray(v) for v in (f.weights, f.means, f.stds))  # type: ignore[attr-defined]
        offset = np.log(w) - np.log(sd) - _LOG_SQRT_2PI
        shift = center - mu

        def mixture(u: NDArray[np.float64]) -> NDArray[np.float64]:
            with np.errstate(over="ignore", invalid="ignore"):
                z = (shift + scale * u[..., None]) / sd
                return _log_sum_exp(offset - 0.5 * z * z)

        return mixture
    if center == 0.0 and scale == 1.0:
        return log_f

    def other(u: NDArray[np.float64]) -> NDArray[np.float64]:
        with np.errstate(over="ignore"):
            x = np.clip(center + scale * u, lo, hi)  # rounding must not leave the domain
        return log_f(x)

    return other


def _to_frame(value: float, center: float, scale: float) -> float:
    """A bound in the coordinates ``(x - center) / scale``; a finite bound stays finite."""
    with np.errstate(over="ignore"):
        u = float((np.float64(value) - center) / scale)
    if math.isfinite(value) and not math.isfinite(u):
        u = math.copysign(np.finfo(np.float64).max, u)
    return u


def _frame_integral(
    g: LogDensity,
    center: float,
    scale: float,
    lo: float,
    hi: float,
    anchors: list[tuple[float, float]],
    rtol: float,
) -> float:
    """Integrate ``g(u)`` over the `u` of ``x = center + scale * u`` in ``[lo, hi]``, in pieces.

    Ranges that are not the whole line are split at ``u = +-_SPLIT`` (so that a long
    window does not hide the mass between the integrator's first nodes), and so is the
    neighbourhood of every anchor (a component) much narrower than `scale`, which the
    integrator could otherwise step over.
    """
    ua, ub = _to_frame(lo, center, scale), _to_frame(hi, center, scale)
    breaks = set() if (ua == -math.inf and ub == math.inf) else {-_SPLIT, _SPLIT}
    for mu, sd in anchors:
        if sd < _NARROW * scale:
            for edge in (mu - _SPLIT * sd, mu + _SPLIT * sd):
                u = (edge - center) / scale
                if abs(u) < _REACH:
                    breaks.add(u)
    edges = [ua, *sorted(b for b in breaks if ua < b < ub), ub]
    total = 0.0
    for a, b in zip(edges, edges[1:]):
        total += integrate(g, a, b, rtol=rtol)
        if total == math.inf:
            break
    return total


def _divergence(
    p: object,
    q: object,
    log_p: LogDensity,
    log_q: LogDensity,
    lo: float,
    hi: float,
    rtol: float,
    log_zp: float = 0.0,
    log_zq: float = 0.0,
) -> float:
    """The integral of ``p log(p / q)`` over ``[lo, hi]`` in nats, for ``p / exp(log_zp)``
    and ``q / exp(log_zq)``, unchecked.

    A mixture `p` is integrated as the weighted sum of integrals against its components,
    each in that component's own coordinates ``u = (x - mu_k) / sd_k``, so that where
    the mass lies and at what scale does not matter; any other `p` is integrated in `x`,
    infinite ranges being mapped onto finite ones at unit scale around 0.
    """
    if _is_mixture(p):
        frames = [(math.log(w), mu, sd) for w, mu, sd in zip(p.weights, p.means, p.stds)]  # type: ignore[attr-defined]
    else:
        frames = [(0.0, 0.0, 1.0)]
    anchors = _components(p) + _components(q)
    total = 0.0
    for log_w, center, scale in frames:
        lp = _in_frame(p, log_p, center, scale, lo, hi)
        lq = _in_frame(q, log_q, center, scale, lo, hi)
        if _is_mixture(p):
            # one component's density times the scale: exp(log w_k - u^2 / 2) / sqrt(2 pi)
            weight_offset = log_w - _LOG_SQRT_2PI - log_zp

            def log_weight(
                u: NDArray[np.float64], c: float = weight_offset
            ) -> NDArray[np.float64]:
                with np.errstate(over="ignore"):  # u^2 beyond the float range: -inf
                    return c - 0.5 * u * u
        else:

            def log_weight(u: NDArray[np.float64], lp: LogDensity = lp) -> NDArray[np.float64]:
                return lp(u) - log_zp

        def g(
            u: NDArray[np.float64],
            lp: LogDensity = lp,
            lq: LogDensity = lq,
            log_weight: LogDensity = log_weight,
        ) -> NDArray[np.float64]:
            lw, lpu, lqu = log_weight(u), lp(u), lq(u)
            support = lw > -np.inf
            with np.errstate(invalid="ignore", under="ignore", over="ignore"):
                ratio = np.where(support, (lpu - log_zp) - (lqu - log_zq), 0.0)
                terms = np.where(support, np.exp(lw) * ratio, 0.0)
            # p > 0 where q = 0 makes the integral infinite, even if exp(lw) underflowed
            return np.where(support & (ratio == np.inf), np.inf, terms)

        total += _frame_integral(g, center, scale, lo, hi, anchors, rtol)
        if total == math.inf:
            break
    return total


def _log_normal_mass(a: float, b: float, rtol: float) -> float:
    """``log P(a < Z < b)`` for a standard normal `Z`, accurate far in the tails too."""
    if b <= 0.0:
        a, b = -b, -a
    if a <= 1.0:  # the window reaches the bulk of the distribution

        def phi(u: NDArray[np.float64]) -> NDArray[np.float64]:
            with np.errstate(under="ignore", over="ignore"):
                return np.exp(-0.5 * u * u - _LOG_SQRT_2PI)

        mass = _frame_integral(phi, 0.0, 1.0, a, b, [], rtol) if b > a else 0.0
        return math.log(mass) if mass > 0.0 else -math.inf

    # upper tail: u = a + w / a, so that the integrand exp(-w - (w / a)^2 / 2) has unit
    # scale however far out the window lies
    def tail(w: NDArray[np.float64]) -> NDArray[np.float64]:
        with np.errstate(under="ignore", over="ignore"):
            return np.exp(-w - 0.5 * (w / a) ** 2)

    with np.errstate(over="ignore"):
        width = float(np.float64(a) * (np.float64(b) - a))
    inner = _frame_integral(tail, 0.0, 1.0, 0.0, width, [], rtol)
    if inner == 0.0:
        return -math.inf
    with np.errstate(over="ignore"):
        return float(-0.5 * np.float64(a) * a) - math.log(a) - _LOG_SQRT_2PI + math.log(inner)


def _probe_max(log_f: LogDensity, lo: float, hi: float) -> float:
    """The largest finite log-density at interior points spread over ``[lo, hi]``."""
    t = (np.arange(64) + 0.5) / 64
    if math.isfinite(lo) and math.isfinite(hi):
        x = lo + (hi - lo) * t
    elif math.isfinite(lo):
        x = lo + t / (1.0 - t)
    elif math.isfinite(hi):
        x = hi - t / (1.0 - t)
    else:
        t = 2.0 * t - 1.0
        x = t / (1.0 - t * t)
    values = log_f(x)
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else 0.0


def _log_mass(f: object, log_f: LogDensity, lo: float, hi: float, rtol: float) -> float:
    """``log`` of the integral of `f` over ``[lo, hi]``, robust to underflow."""
    if _is_mixture(f):
        if lo == -math.inf and hi == math.inf:
            return math.log(math.fsum(f.weights))
        logs = []
        for w, mu, sd in zip(f.weights, f.means, f.stds):
            logs.append(
                math.log(w) + _log_normal_mass(_to_frame(lo, mu, sd), _to_frame(hi, mu, sd), rtol)
            )
        top = max(logs)
        if top == -math.inf:
            return top
        return top + math.log(math.fsum(math.exp(v - top) for v in logs))
    # Scaled by the largest value seen at a few points, so that a density that underflows
    # in a far-out window still has a mass (with normalize=True); unscaled if that
    # overflows, which happens when those points missed the mass by far.
    for shift in (_probe_max(log_f, lo, hi), 0.0):

        def scaled(x: NDArray[np.float64], shift: float = shift) -> NDArray[np.float64]:
            values = log_f(x)
            with np.errstate(under="ignore", over="ignore"):
                return np.exp(values - shift)

        mass = _frame_integral(scaled, 0.0, 1.0, lo, hi, [], rtol)
        if mass < math.inf:
            break
    return math.log(mass) + shift if mass > 0 else -math.inf


def kl_divergence_continuous(
    p: Density,
    q: Density,
    *,
    lower: float = -math.inf,
    upper: float = math.inf,
    base: float | None = None,
    rtol: float = 1e-10,
    normalize: bool = False,
) -> np.float64:
    r"""KL divergence between two continuous densities, by adaptive integration.

    .. math::

        D_{\mathrm{KL}}(P \| Q) = \int_{a}^{b} p(x) \log\frac{p(x)}{q(x)}\,dx

    Parameters
    ----------
    p, q : callable or distribution
        Either vectorised density functions, or objects with vectorised
        ``pdf`` and ``logpdf`` methods (:class:`Gaussian`,
        :class:`GaussianMixture`, scipy's frozen distributions). With
        ``logpdf`` the log-ratio is taken from log-densities, which stays
        accurate far in the tails where densities underflow to 0.
    lower, upper : float, optional
        The domain :math:`[a, b]`; the whole real line by default.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    rtol : float, optional
        Relative accuracy requested of the integral, in ``(0, 1)``.
    normalize : bool, optional
        If False (default), `p` and `q` must each integrate to 1 over the
        domain, to within 1e-6 (see Notes). If True, each is divided by its
        integral over the domain first: the result is then the divergence
        between the two distributions truncated to :math:`[a, b]`.

    Returns
    -------
    numpy.float64
        The divergence, ``>= 0``; ``inf`` if `q` vanishes where `p` does not.

    Raises
    ------
    ValueError
        If `p` or `q` does not integrate to 1 over the domain within 1e-6
        (without `normalize`) or integrates to 0 (with it); if ``lower >=
        upper`` or either is NaN; if `rtol` is not in ``(0, 1)``; if a density
        is negative, NaN or not vectorised.
    TypeError
        If `p` or `q` is neither callable nor a distribution, or a bound,
        `rtol` or `normalize` has the wrong type.
    RuntimeError
        If an integral does not converge.

    See Also
    --------
    kl_divergence_on_grid, kl_divergence_gaussian

    Notes
    -----
    Only for probability densities is the integral a divergence: Gibbs'
    inequality, which makes it non-negative, needs both to integrate to 1.
    For a density that integrates to :math:`Z \ne 1` it is not, and can be
    negative; half of a normal density against the normal itself gives
    :math:`-\tfrac12 \log 2`. So both masses are integrated first, and must
    be within 1e-6 of 1. That tolerance is absolute: a mass defect of
    :math:`\epsilon` moves the result by about :math:`\epsilon` nats, which
    below 1e-6 no quoted digit shows, and it is far above the error of the
    mass integrals themselves (done to ``min(rtol, 1e-9)``), so no
    normalised density is refused.

    A finite window usually cuts off some mass, and then the densities must
    be renormalised to it, which ``normalize=True`` does:

    .. math::

        D(\tilde P \| \tilde Q) = \int_a^b \frac{p}{Z_p}
        \log\frac{p / Z_p}{q / Z_q}\,dx, \qquad Z_f = \int_a^b f\,dx .

    A window that holds all but less than 1e-6 of both densities needs no
    renormalising, and gives the same value either way to that accuracy.
    Within the tolerance the densities are used as given, and any round-off
    below 0 is clamped.

    The integration is globally adaptive Gauss-Legendre (10- and 21-point
    rules on each interval), with infinite ranges mapped onto finite ones.
    When `p` is a :class:`GaussianMixture`, the integral is the weighted sum
    of integrals against its components, each done in that component's own
    coordinates :math:`(x - \mu_k)/\sigma_k`, and components (of `p` or `q`)
    much narrower than the one being integrated get an interval of their
    own: so where the mass lies, and at what scale, does not matter. Other
    densities are integrated in `x`, with an infinite range mapped at unit
    scale around 0, so a density whose mass lies far from 0 or at a scale far
    from 1 may not be seen there; the mass check then reports it, and finite
    bounds around the mass, or a :class:`Gaussian`, fix it.

    Examples
    --------
    The bimodal truth against a broad Gaussian, in both directions, over the
    window [-6, 6] that the demo plots. `Q` has 6.3e-5 of its mass outside
    the window, which is too much to ignore:

    >>> from infotheory import Gaussian, GaussianMixture, kl_divergence_continuous
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> q = Gaussian(0.0, 1.5)
    >>> kl_divergence_continuous(p, q, lower=-6, upper=6)
    Traceback (most recent call last):
    ...
    ValueError: q integrates to 0.99993666 over [-6.0, 6.0], not to 1 (tolerance 1e-06), so the result would not be a divergence and could be negative; pass normalize=True for the divergence of the densities restricted to the domain and renormalised there

    Truncated to the window and renormalised:

    >>> round(float(kl_divergence_continuous(p, q, lower=-6, upper=6, normalize=True)), 3)
    0.756
    >>> round(float(kl_divergence_continuous(q, p, lower=-6, upper=6, normalize=True)), 3)
    1.243

    Over the whole line the reverse direction is a little larger:

    >>> round(float(kl_divergence_continuous(q, p)), 4)
    1.2438

    The result does not depend on where the densities sit or on their scale:

    >>> round(float(kl_divergence_continuous(Gaussian(1e6, 1e-6), Gaussian(1e6, 2e-6))), 4)
    0.3181
    """
    divisor = log_of_base(base)
    lo, hi = _real_number(lower, "lower"), _real_number(upper, "upper")
    if lo >= hi:
        raise ValueError(f"lower must be < upper, got {lower} and {upper}")
    tol = _real_number(rtol, "rtol")
    if not 0.0 < tol < 1.0:
        raise ValueError(f"rtol must be in (0, 1), got {rtol!r}")
    norm = _flag(normalize, "normalize")
    log_p, log_q = _log_density(p, "p"), _log_density(q, "q")

    window = f"[{lo!r}, {hi!r}]"
    where = "(-inf, inf)" if lo == -math.inf and hi == math.inf else window
    logs = []
    for name, f, log_f in (("p", p, log_p), ("q", q, log_q)):
        log_z = _log_mass(f, log_f, lo, hi, min(tol, 1e-9))
        if norm:
            if not -math.inf < log_z < math.inf:
                raise ValueError(
                    f"{name} integrates to {math.exp(min(log_z, 0.0)):g} over "
                    f"{where}, so it cannot be normalized"
                )
            logs.append(log_z)
        else:
            advice = (
                (
                    "if it is normalised, its mass lies where the integrator does not look "
                    "(far from 0, or at a scale far from 1): give lower and upper around "
                    "it; "
                )
                if abs(log_z) > 1.0 and not _is_mixture(f)
                else ""
            )
            _check_mass(
                name, np.array([math.exp(log_z) if log_z < 709.0 else math.inf]), where, advice
            )
            logs.append(0.0)
    d = _divergence(p, q, log_p, log_q, lo, hi, tol, *logs)
    with np.errstate(over="ignore"):
        return np.float64(clamp(np.float64(d)) / divisor)


def _reverse_kl(
    mixture: GaussianMixture, log_mixture: LogDensity, mean: float, std: float
) -> float:
    """:math:`D(Q \\| P)` in nats for ``Q = N(mean, std^2)``, over the whole line."""
    q = Gaussian(mean, std)
    return _divergence(q, mixture, _log_density(q, "q"), log_mixture, -math.inf, math.inf, 1e-12)


def fit_gaussian_forward_kl(p: GaussianMixture) -> GaussianFit:
    r"""The Gaussian `Q` that minimises the forward divergence :math:`D(P \| Q)`.

    Parameters
    ----------
    p : GaussianMixture
        The truth.

    Returns
    -------
    GaussianFit
        ``(mean, std, kl)``: the moment-matched Gaussian and the divergence
        :math:`D(P \| Q)` it leaves, in nats, over the whole line.

    Raises
    ------
    TypeError
        If `p` is not a :class:`GaussianMixture`.

    See Also
    --------
    fit_gaussian_reverse_kl

    Notes
    -----
    :math:`D(P \| Q) = -H(P) - E_P[\log q]`, and only the second term depends
    on `Q`. For a Gaussian `Q` it is minimised by matching `P`'s mean and
    variance: the fit is *mass-covering*. For a bimodal `P` it sits between
    the modes, where `P` has almost no mass, and spreads over both. This is
    the direction maximum-likelihood training minimises, with `P` the data.

    The divergence is integrated component by component of `P`, each in its
    own coordinates (see :func:`kl_divergence_continuous`), so the fit is the
    same wherever `P` lies and at whatever scale.

    Examples
    --------
    >>> from infotheory import GaussianMixture, fit_gaussian_forward_kl
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> fit = fit_gaussian_forward_kl(p)
    >>> round(fit.mean, 3), round(fit.std, 3), round(fit.kl, 3)
    (0.0, 2.309, 0.503)
    """
    if not isinstance(p, GaussianMixture):
        raise TypeError(f"p must be a GaussianMixture, got {type(p).__name__}")
    mean, std = p.mean, p.std
    q = Gaussian(mean, std)
    kl = _divergence(p, q, _log_density(p, "p"), _log_density(q, "q"), -math.inf, math.inf, 1e-10)
    return GaussianFit(mean, std, max(kl, 0.0))


def fit_gaussian_reverse_kl(
    p: GaussianMixture, *, start: tuple[float, float] | None = None
) -> GaussianFit:
    r"""A Gaussian `Q` that minimises the reverse divergence :math:`D(Q \| P)`.

    Parameters
    ----------
    p : GaussianMixture
        The truth.
    start : (float, float), optional
        Initial ``(mean, std)``. The reverse objective can have several local
        minima; from a given start, the minimum reached from there is
        returned. By default the search starts from each component and from
        the moment-matched Gaussian, and the best result is returned.

    Returns
    -------
    GaussianFit
        ``(mean, std, kl)``, with :math:`D(Q \| P)` in nats over the whole
        line.

    Raises
    ------
    TypeError
        If `p` is not a :class:`GaussianMixture`, or `start` is not a pair.
    ValueError
        If `start` is not a finite mean and a finite std > 0.

    See Also
    --------
    fit_gaussian_forward_kl

    Notes
    -----
    :math:`D(Q \| P) = E_Q[\log q - \log p]` is an average over `Q`'s own
    samples, so `Q` pays heavily for putting mass where `P` has none and
    nothing for ignoring part of `P`: the fit is *mode-seeking*. For well
    separated modes it settles on one of them, while a start between the
    modes can stay in a local minimum there. Variational inference and
    KL-regularised reinforcement learning minimise this direction.

    The objective is integrated adaptively (see
    :func:`kl_divergence_continuous`) and minimised over
    :math:`(\mu, \log\sigma)` by the Nelder-Mead method. Gauss-Hermite
    quadrature would be cheaper but is not accurate enough here: for a wide
    `Q`, :math:`\log p` bends sharply between the modes. The search runs in
    the coordinates :math:`(x - \mu_P)/\sigma_P` that standardise `P`, in
    which the divergence is the same (it does not change under an affine
    change of variable), so its steps and tolerances are relative to `P`'s
    spread and the fit does not depend on `P`'s location or scale.

    Examples
    --------
    >>> from infotheory import GaussianMixture, fit_gaussian_reverse_kl
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> fit = fit_gaussian_reverse_kl(p)
    >>> round(abs(fit.mean), 3), round(fit.std, 3), round(fit.kl, 3)
    (2.193, 0.71, 0.691)

    The fit is slightly wider than one component and pulled a little towards
    the other, and its divergence is just under :math:`\log 2 \approx 0.693`,
    the price of ignoring half of `P`. Started between the modes, the search
    stays in a local minimum there, a wide Gaussian with a larger divergence:

    >>> local = fit_gaussian_reverse_kl(p, start=(0.0, 2.0))
    >>> round(abs(local.mean), 3), round(local.std, 3), round(local.kl, 3)
    (0.0, 1.992, 0.963)
    """
    if not isinstance(p, GaussianMixture):
        raise TypeError(f"p must be a GaussianMixture, got {type(p).__name__}")
    if start is None:
        starts = [(m, s) for m, s in zip(p.means, p.stds)] + [(p.mean, p.std)]
    else:
        try:
            pair = tuple(start)
        except TypeError:
            raise TypeError(f"start must be a (mean, std) pair, got {start!r}") from None
        if len(pair) != 2:
            raise ValueError(f"start must be a (mean, std) pair, got {start!r}")
        mean0 = float(_finite_array(pair[0], "start mean"))
        std0 = float(_positive_array(pair[1], "start std"))
        starts = [(mean0, std0)]
    center, spread = p.mean, p.std
    unit = GaussianMixture(
        p.weights, [(m - center) / spread for m in p.means], [s / spread for s in p.stds]
    )
    log_unit = _log_density(unit, "p")

    def objective(v: NDArray[np.float64]) -> float:
        if not abs(float(v[1])) < 700.0:  # exp(v[1]) would leave the float range
            return math.inf
        return _reverse_kl(unit, log_unit, float(v[0]), math.exp(float(v[1])))

    best: GaussianFit | None = None
    for mean0, std0 in starts:
        v0 = np.array([(mean0 - center) / spread, math.log(std0) - math.log(spread)])
        v = minimize(objective, v0, step=0.05, xtol=1e-8, ftol=1e-13)
        fit = GaussianFit(
            center + spread * float(v[0]), spread * math.exp(float(v[1])), max(objective(v), 0.0)
        )
        if best is None or fit.kl < best.kl:
            best = fit
    assert best is not None
    return best
