"""Adaptive quadrature and a small minimiser, in numpy alone.

The package must run in Pyodide with numpy as its only dependency, so it cannot
call :func:`scipy.integrate.quad` or :func:`scipy.optimize.minimize`. These two
small routines cover what the continuous functions need; the tests check them
against scipy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = ["integrate", "minimize"]

VectorFunction = Callable[[NDArray[np.float64]], NDArray[np.float64]]

# Gauss-Legendre rules of 10 and 21 points on [-1, 1]: the difference of the
# two estimates on an interval bounds the error of the coarser one, so
# accepting the finer one is conservative.
_COARSE = np.polynomial.legendre.leggauss(10)
_FINE = np.polynomial.legendre.leggauss(21)


def _to_finite(
    f: VectorFunction, lower: float, upper: float
) -> tuple[VectorFunction, float, float]:
    """Map an integral over an infinite range onto a finite one."""
    if np.isfinite(lower) and np.isfinite(upper):
        return f, lower, upper
    if not np.isfinite(lower) and not np.isfinite(upper):

        def both(t: NDArray[np.float64]) -> NDArray[np.float64]:
            d = 1.0 - t * t
            return f(t / d) * (1.0 + t * t) / (d * d)

        return both, -1.0, 1.0
    if np.isfinite(lower):

        def right(t: NDArray[np.float64]) -> NDArray[np.float64]:
            d = 1.0 - t
            return f(lower + t / d) / (d * d)

        return right, 0.0, 1.0

    def left(t: NDArray[np.float64]) -> NDArray[np.float64]:
        d = 1.0 - t
        return f(upper - t / d) / (d * d)

    return left, 0.0, 1.0


def _rule(
    f: VectorFunction,
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    rule: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64]:
    nodes, weights = rule
    half = 0.5 * (hi - lo)
    x = (0.5 * (hi + lo))[:, None] + half[:, None] * nodes[None, :]
    values = np.asarray(f(x.ravel()), dtype=np.float64).reshape(x.shape)
    return half * (values @ weights)


def integrate(
    f: VectorFunction,
    lower: float,
    upper: float,
    *,
    rtol: float = 1e-10,
    atol: float = 1e-13,
    max_intervals: int = 20_000,
) -> float:
    """Integrate a vectorised function over ``[lower, upper]`` (either may be infinite).

    Globally adaptive: every interval whose error estimate exceeds its share of
    the tolerance is bisected, all at once, until the total error is below
    ``max(atol, rtol * |integral|)``. An infinite value anywhere is returned
    at once, since the integral is then infinite.
    """
    g, a, b = _to_finite(f, lower, upper)
    lo = np.linspace(a, b, 9)[:-1]
    hi = np.append(lo[1:], b)
    settled_value, settled_error, count = 0.0, 0.0, lo.size
    while True:
        fine = _rule(g, lo, hi, _FINE)
        if np.isinf(fine).any():
            return float(fine[np.isinf(fine)][0])
        error = np.abs(fine - _rule(g, lo, hi, _COARSE))
        value = settled_value + fine.sum()
        tolerance = max(atol, rtol * abs(value))
        if settled_error + error.sum() <= tolerance:
            return float(value)
        ok = error <= tolerance * (hi - lo) / (b - a)
        settled_value += fine[ok].sum()
        settled_error += error[ok].sum()
        lo, hi = lo[~ok], hi[~ok]
        count += lo.size
        if count > max_intervals or not np.isfinite(value):
            raise RuntimeError(
                f"integration over [{lower}, {upper}] did not converge after {count} "
                f"intervals (error estimate {settled_error + error.sum():.3g}); "
                "check that the integrand is finite and not too oscillatory"
            )
        mid = 0.5 * (lo + hi)
        lo, hi = np.concatenate([lo, mid]), np.concatenate([mid, hi])


def minimize(
    f: Callable[[NDArray[np.float64]], float],
    x0: NDArray[np.float64],
    *,
    step: float = 0.1,
    xtol: float = 1e-10,
    ftol: float = 1e-15,
    max_iter: int = 5000,
) -> NDArray[np.float64]:
    """Nelder-Mead simplex minimisation of a smooth function of a few variables.

    Returns the best vertex once the simplex is smaller than ``xtol`` and its
    values differ by less than ``ftol``, or raises ``RuntimeError``.
    """
    n = x0.size
    simplex = np.vstack([x0, x0 + step * np.eye(n)])
    values = np.array([f(v) for v in simplex])
    for _ in range(max_iter):
        order = np.argsort(values)
        simplex, values = simplex[order], values[order]
        if np.abs(simplex[1:] - simplex[0]).max() <= xtol and values[-1] - values[0] <= ftol:
            return simplex[0]
        centroid = simplex[:-1].mean(axis=0)
        reflected = centroid + (centroid - simplex[-1])
        fr = f(reflected)
        if fr < values[0]:
            expanded = centroid + 2.0 * (centroid - simplex[-1])
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            inside = fr >= values[-1]
            target = simplex[-1] if inside else reflected
            contracted = centroid + 0.5 * (target - centroid)
            fc = f(contracted)
            if fc < min(fr, values[-1]):
                simplex[-1], values[-1] = contracted, fc
            else:  # shrink towards the best vertex
                simplex[1:] = simplex[0] + 0.5 * (simplex[1:] - simplex[0])
                values[1:] = [f(v) for v in simplex[1:]]
    raise RuntimeError(f"minimisation did not converge in {max_iter} iterations")
