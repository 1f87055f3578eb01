"""KL divergence between continuous distributions, and Gaussian fits by KL.

The forward-vs-reverse KL story is told with a Gaussian mixture `P` (the
truth) and a single Gaussian `Q` (the model): minimising the forward
divergence :math:`D(P \\| Q)` matches moments and covers all of `P`'s mass,
minimising the reverse one :math:`D(Q \\| P)` locks onto a mode.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import finish, log_of_base
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


@runtime_checkable
class Distribution(Protocol):
    """Anything with vectorised ``pdf`` and ``logpdf`` methods (scipy's frozen ones too)."""

    def pdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...
    def logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...


Density = Distribution | Callable[[NDArray[np.float64]], ArrayLike]


def _finite_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def _positive_array(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = _finite_array(values, name)
    if (arr <= 0).any():
        raise ValueError(f"{name} must be > 0")
    return arr


@dataclass(frozen=True)
class GaussianMixture:
    r"""A mixture of one-dimensional Gaussians, :math:`\sum_k w_k \mathcal N(\mu_k, \sigma_k^2)`.

    Parameters
    ----------
    weights : array_like
        Mixture weights, positive and summing to 1.
    means : array_like
        Component means, one per weight.
    stds : array_like
        Component standard deviations, > 0.

    Examples
    --------
    The bimodal truth used on the forward-vs-reverse page:

    >>> from infotheory import GaussianMixture
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> round(p.mean, 6), round(p.std, 4)
    (0.0, 2.3087)
    >>> round(float(p.pdf(0.0)), 4)
    0.0041
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
        if (w <= 0).any() or abs(w.sum() - 1.0) > 1e-12 * max(1, w.size):
            raise ValueError(f"weights must be positive and sum to 1, got {w.tolist()}")
        object.__setattr__(self, "weights", tuple(w.tolist()))
        object.__setattr__(self, "means", tuple(mu.tolist()))
        object.__setattr__(self, "stds", tuple(sd.tolist()))

    @property
    def mean(self) -> float:
        """The mixture's mean, :math:`\\sum_k w_k \\mu_k`."""
        return float(np.dot(self.weights, self.means))

    @property
    def var(self) -> float:
        """The mixture's variance, :math:`\\sum_k w_k (\\sigma_k^2 + \\mu_k^2) - \\mu^2`."""
        w, mu, sd = (np.asarray(v) for v in (self.weights, self.means, self.stds))
        return float(np.dot(w, sd**2 + mu**2) - self.mean**2)

    @property
    def std(self) -> float:
        """The mixture's standard deviation."""
        return math.sqrt(self.var)

    def logpdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Log-density at `x`, computed with log-sum-exp so it never underflows."""
        xx = np.asarray(x, dtype=np.float64)[..., None]
        mu, sd = np.asarray(self.means), np.asarray(self.stds)
        z = (xx - mu) / sd
        terms = np.log(self.weights) - 0.5 * z * z - np.log(sd) - _LOG_SQRT_2PI
        top = terms.max(axis=-1)
        finite = np.isfinite(top)  # False at x = +-inf, where every term is -inf
        shifted = np.exp(terms - np.where(finite, top, 0.0)[..., None]).sum(axis=-1)
        out = np.where(finite, top + np.log(np.where(finite, shifted, 1.0)), -np.inf)
        return out[()] if out.ndim == 0 else out

    def pdf(self, x: ArrayLike) -> NDArray[np.float64]:
        """Density at `x`."""
        return np.exp(self.logpdf(x))


class Gaussian(GaussianMixture):
    r"""A single Gaussian :math:`\mathcal N(\mu, \sigma^2)`, a one-component mixture.

    Examples
    --------
    >>> from infotheory import Gaussian
    >>> q = Gaussian(0.0, 1.5)
    >>> round(float(q.pdf(0.0)), 4)
    0.266
    """

    def __init__(self, mean: float, std: float) -> None:
        super().__init__([1.0], [mean], [std])


class GaussianFit(NamedTuple):
    """The best Gaussian found by a fit, and the divergence it achieves (in nats)."""

    mean: float
    std: float
    kl: float


def kl_divergence_gaussian(mean_p: ArrayLike, std_p: ArrayLike, mean_q: ArrayLike,
                           std_q: ArrayLike, *, base: float | None = None
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
        The divergence, ``>= 0``.

    Raises
    ------
    ValueError
        For non-finite parameters or standard deviations ``<= 0``.

    See Also
    --------
    kl_divergence_continuous

    Notes
    -----
    The divergence is 0 only when both parameters agree. It is asymmetric:
    a model narrower than the truth (:math:`\sigma_q < \sigma_p`) is punished
    more than one equally much wider, because the truth then puts mass where
    the model's density is tiny.

    Examples
    --------
    >>> from infotheory import kl_divergence_gaussian
    >>> round(float(kl_divergence_gaussian(0.0, 1.0, 1.0, 1.0)), 3)
    0.5
    >>> round(float(kl_divergence_gaussian(0.0, 1.0, 0.0, 2.0)), 4)
    0.3181
    >>> round(float(kl_divergence_gaussian(0.0, 2.0, 0.0, 1.0)), 4)
    0.8069
    """
    divisor = log_of_base(base)
    mp, mq = _finite_array(mean_p, "mean_p"), _finite_array(mean_q, "mean_q")
    sp, sq = _positive_array(std_p, "std_p"), _positive_array(std_q, "std_q")
    d = np.log(sq / sp) + (sp**2 + (mp - mq) ** 2) / (2.0 * sq**2) - 0.5
    return finish(clamp(d) / divisor)


def kl_divergence_on_grid(p: ArrayLike, q: ArrayLike, x: ArrayLike, *,
                          base: float | None = None) -> np.float64 | NDArray[np.float64]:
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

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The integral over the grid's range, ``inf`` where `q` is 0 at a point
        where `p` is positive.

    See Also
    --------
    kl_divergence_continuous : adaptive integration to a tolerance.

    Notes
    -----
    The densities are not renormalised over the grid, so the result is the
    integral over ``[x[0], x[-1]]`` only, as a plot-and-integrate demo
    computes it. The trapezoid rule's error falls as the square of the
    spacing; halve the spacing to check the digits you quote.

    Examples
    --------
    >>> import numpy as np
    >>> from infotheory import Gaussian, GaussianMixture, kl_divergence_on_grid
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> q = Gaussian(0.0, 1.5)
    >>> x = np.linspace(-6.0, 6.0, 4001)
    >>> round(float(kl_divergence_on_grid(p.pdf(x), q.pdf(x), x)), 3)
    0.756
    """
    divisor = log_of_base(base)
    xx = _finite_array(x, "x")
    if xx.ndim != 1 or xx.size < 2:
        raise ValueError(f"x must be a 1-D grid of at least 2 points, got shape {xx.shape}")
    if (np.diff(xx) <= 0).any():
        raise ValueError("x must be strictly increasing")
    pp, qq = _finite_array(p, "p"), _finite_array(q, "q")
    for name, arr in (("p", pp), ("q", qq)):
        if arr.ndim == 0 or arr.shape[-1] != xx.size:
            raise ValueError(f"{name} must have {xx.size} values on its last axis, "
                             f"one per grid point, got shape {arr.shape}")
        if (arr < 0).any():
            raise ValueError(f"{name} has negative density values")
    pp, qq = np.broadcast_arrays(pp, qq)
    d = np.trapezoid(weighted_log_ratio(pp, pp, qq), xx, axis=-1)
    return finish(d / divisor)


def _log_density(f: Density, name: str) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """A checked log-density from a distribution object or a density callable."""
    if isinstance(f, Distribution):
        def from_logpdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
            out = np.asarray(f.logpdf(x), dtype=np.float64)
            if np.isnan(out).any() or (out == np.inf).any():
                raise ValueError(f"{name}.logpdf returned NaN or +inf")
            return out
        return from_logpdf
    if not callable(f):
        raise TypeError(f"{name} must be a callable density or have pdf/logpdf methods")

    def from_pdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.asarray(f(x), dtype=np.float64)
        if out.shape != x.shape:
            raise ValueError(f"{name} must be vectorised: it returned shape {out.shape} "
                             f"for input of shape {x.shape}")
        if not np.isfinite(out).all() or (out < 0).any():
            raise ValueError(f"{name} returned a negative or non-finite density")
        with np.errstate(divide="ignore"):
            return np.log(out)
    return from_pdf


def kl_divergence_continuous(p: Density, q: Density, *, lower: float = -math.inf,
                             upper: float = math.inf, base: float | None = None,
                             rtol: float = 1e-10) -> np.float64:
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
        The integration domain; infinite by default.
    base : float, optional
        Logarithm base: ``None`` (default) gives nats, ``2`` gives bits.
    rtol : float, optional
        Relative accuracy requested of the integral.

    Returns
    -------
    numpy.float64
        The divergence over ``[lower, upper]``; ``inf`` if `q` vanishes where
        `p` does not.

    Raises
    ------
    ValueError
        If ``lower >= upper``, or a density is negative, NaN or not vectorised.
    RuntimeError
        If the integral does not converge.

    See Also
    --------
    kl_divergence_on_grid, kl_divergence_gaussian

    Notes
    -----
    The integration is globally adaptive Gauss-Legendre (10- and 21-point
    rules on each interval), with infinite ranges mapped onto finite ones.
    Over a finite domain the densities are not renormalised: the result is
    the integral over that domain, which is what a demo that plots both
    curves on a window and integrates there reports.

    Examples
    --------
    The bimodal truth against a broad Gaussian, in both directions, over the
    window [-6, 6] that the demo plots:

    >>> from infotheory import Gaussian, GaussianMixture, kl_divergence_continuous
    >>> p = GaussianMixture([0.5, 0.5], [-2.2, 2.2], [0.7, 0.7])
    >>> q = Gaussian(0.0, 1.5)
    >>> round(float(kl_divergence_continuous(p, q, lower=-6, upper=6)), 3)
    0.756
    >>> round(float(kl_divergence_continuous(q, p, lower=-6, upper=6)), 3)
    1.243

    Over the whole line the reverse direction is a little larger:

    >>> round(float(kl_divergence_continuous(q, p)), 4)
    1.2438
    """
    divisor = log_of_base(base)
    lo, hi = float(lower), float(upper)
    if math.isnan(lo) or math.isnan(hi) or lo >= hi:
        raise ValueError(f"lower must be < upper, got {lower} and {upper}")
    log_p, log_q = _log_density(p, "p"), _log_density(q, "q")

    def integrand(x: NDArray[np.float64]) -> NDArray[np.float64]:
        lp, lq = log_p(x), log_q(x)
        support = lp > -np.inf
        with np.errstate(invalid="ignore", under="ignore"):
            ratio = np.where(support, lp - lq, 0.0)
            terms = np.where(support, np.exp(lp) * ratio, 0.0)
        # p > 0 where q = 0 makes the integral infinite, even if exp(lp) underflowed
        return np.where(support & (ratio == np.inf), np.inf, terms)

    return np.float64(integrate(integrand, lo, hi, rtol=rtol) / divisor)


def _reverse_kl(mixture: GaussianMixture, mean: float, std: float) -> float:
    """:math:`D(Q \\| P)` in nats for ``Q = N(mean, std^2)``, over the whole line."""
    return float(kl_divergence_continuous(Gaussian(mean, std), mixture, rtol=1e-12))


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
    q = Gaussian(p.mean, p.std)
    return GaussianFit(p.mean, p.std, float(kl_divergence_continuous(p, q)))


def fit_gaussian_reverse_kl(p: GaussianMixture, *,
                            start: tuple[float, float] | None = None) -> GaussianFit:
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
    `Q`, :math:`\log p` bends sharply between the modes.

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
        if len(start) != 2:
            raise ValueError(f"start must be a (mean, std) pair, got {start!r}")
        mean0 = float(_finite_array(start[0], "start mean"))
        std0 = float(_positive_array(start[1], "start std"))
        starts = [(mean0, std0)]

    def objective(v: NDArray[np.float64]) -> float:
        return _reverse_kl(p, float(v[0]), math.exp(float(v[1])))

    best: GaussianFit | None = None
    for mean0, std0 in starts:
        v = minimize(objective, np.array([mean0, math.log(std0)]), step=0.05,
                     xtol=1e-8, ftol=1e-13)
        fit = GaussianFit(float(v[0]), math.exp(float(v[1])), max(objective(v), 0.0))
        if best is None or fit.kl < best.kl:
            best = fit
    assert best is not None
    return best
