"""Input validation shared by every public function.

Each helper raises an error that names the offending argument and says what is
wrong with it, so that bad input never turns into a silently wrong number.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
from numpy.typing import ArrayLike, NDArray

from ._arrays import as_array, is_bfloat16, widen_bfloat16

__all__ = [
    "as_distribution",
    "as_logits",
    "as_real_array",
    "broadcast_pair",
    "check_row_maxima",
    "finish",
    "log_of_base",
    "positive_scalar",
    "sum_tolerance",
]


def log_of_base(base: float | None) -> float:
    """Return ``ln(base)``, the divisor that converts nats into ``base`` units.

    ``None`` means nats (divisor 1). Any finite real number ``> 1`` is accepted: a
    base between 0 and 1 has a negative logarithm, which would turn every entropy and
    divergence negative and silently reverse every bound and comparison.
    """
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number or None, got {type(base).__name__}")
    value = float(base)
    if not math.isfinite(value) or value <= 1.0:
        raise ValueError(
            f"base must be a finite number > 1 (2 for bits, None for nats), got {base!r}"
        )
    return math.log(value)


def positive_scalar(value: float, name: str) -> float:
    """Validate a finite, strictly positive real scalar such as a temperature."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out) or out <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return out


def as_real_array(values: ArrayLike, name: str) -> NDArray[np.floating]:
    """Convert to a floating array, refusing booleans, complex numbers and objects."""
    arr = as_array(values, name)
    kind = arr.dtype.kind
    if is_bfloat16(arr.dtype):
        return widen_bfloat16(arr, np.empty(arr.shape, dtype=np.float32))
    if kind in "iu":
        return arr.astype(np.float64)
    if kind == "f":
        return arr if arr.dtype.itemsize >= 4 else arr.astype(np.float32)
    if kind == "b":
        raise TypeError(f"{name} must hold real numbers, got booleans")
    raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")


def _check_finite(arr: NDArray[np.floating], name: str) -> None:
    if not np.isfinite(arr).all():
        problem = "NaN" if np.isnan(arr).any() else "infinite values"
        raise ValueError(f"{name} contains {problem}")


def sum_tolerance(dtype: np.dtype, n: int) -> float:
    """How far from 1 a probability vector of length ``n`` may sum.

    Rounding each of ``n`` probabilities and summing them leaves an error that
    grows with the machine epsilon of ``dtype`` and, typically, with ``sqrt(n)``
    (pairwise or random-walk accumulation). The floor of 32 epsilons covers
    short vectors written as decimals, such as ``[0.1] * 10``. The cap of 1e-3
    keeps low-precision dtypes (float16's epsilon is 1e-3) from accepting a
    vector that is plainly not a distribution.
    """
    eps = float(np.finfo(dtype).eps)
    return min(eps * max(32.0, 4.0 * math.sqrt(n)), 1e-3)


def as_distribution(
    values: ArrayLike,
    name: str,
    *,
    axis: int | tuple[int, int] = -1,
    normalize: bool = False,
) -> NDArray[np.float64]:
    """Validate probability vectors lying along ``axis`` and move that axis last.

    ``axis`` may also be the pair ``(-2, -1)``, for a joint distribution over
    the last two axes; those are then flattened into one.

    Returns a float64 array whose last axis holds the distributions.
    """
    arr = as_real_array(values, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    # Round-off allowed in the sum: that of the caller's dtype (float16 is
    # widened by as_real_array) or of float64, the dtype of the computation.
    given = np.asarray(values).dtype
    tol_dtype = given if given.kind == "f" and given.itemsize < 8 else np.dtype(np.float64)
    if isinstance(axis, tuple):
        if arr.ndim < 2:
            raise ValueError(f"{name} must be a 2-D joint table [x, y], got {arr.ndim}-D")
        where = "over its last two axes"
        moved = arr.reshape(arr.shape[:-2] + (arr.shape[-2] * arr.shape[-1],))
    else:
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
        try:
            ax = normalize_axis_index(int(axis), arr.ndim)
        except np.exceptions.AxisError:
            raise ValueError(
                f"axis {axis} is out of bounds for {name} with {arr.ndim} dimension(s)"
            ) from None
        where = f"along axis {axis}"
        moved = np.moveaxis(arr, ax, -1)
    if moved.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    _check_finite(moved, name)
    if (moved < 0).any():
        raise ValueError(f"{name} has negative entries (smallest {moved.min()!r})")
    n = moved.shape[-1]
    out = moved.astype(np.float64, copy=normalize)
    if normalize:
        # Scale by the largest entry first, so that huge weights cannot overflow the sum.
        largest = out.max(axis=-1, keepdims=True)
        if (largest == 0).any():
            raise ValueError(f"{name} sums to 0 {where} and cannot be normalized")
        out /= largest
        out /= out.sum(axis=-1, keepdims=True)
        return out
    total = moved.sum(axis=-1, dtype=np.float64, keepdims=True)
    tol = sum_tolerance(tol_dtype, n)
    err = np.abs(total - 1.0)
    if (err > tol).any():
        worst = float(total.ravel()[np.argmax(err)])
        raise ValueError(
            f"{name} does not sum to 1 {where} (a sum of {worst!r}, tolerance {tol:.1e}); "
            "pass normalize=True to rescale it"
        )
    return out


def broadcast_pair(
    p: NDArray[np.float64], q: NDArray[np.float64], names: tuple[str, str] = ("p", "q")
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Broadcast two arrays of distributions (outcomes on the last axis) together."""
    a, b = names
    if p.shape[-1] != q.shape[-1]:
        raise ValueError(
            f"{a} and {b} must have the same number of outcomes, "
            f"got {p.shape[-1]} and {q.shape[-1]}"
        )
    try:
        shape = np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(
            f"{a} and {b} have incompatible batch shapes {p.shape[:-1]} and {q.shape[:-1]}"
        ) from None
    return np.broadcast_to(p, shape), np.broadcast_to(q, shape)


def as_logits(values: ArrayLike, name: str) -> NDArray[Any]:
    """Validate an array of logits: real floating data (or integers), at least 1-D.

    float16, float32, float64 and bfloat16 arrays are returned as they are, sharing the
    caller's memory (torch tensors and DLPack objects included, see :mod:`._arrays`), so
    that the blocked functions can widen them one block at a time; integers become
    float64. An empty batch is allowed here (the callers give it torch's meaning); no
    classes is not. Finiteness is checked by the caller, usually for free from the row
    sums: NaN and ``+inf`` are errors, ``-inf`` is a masked (probability 0) class.
    """
    arr = as_array(values, name)
    if arr.dtype.kind == "f" and not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))  # byte-swapped data: one copy
    dtype = arr.dtype
    if is_bfloat16(dtype) or dtype in _LOGIT_DTYPES:
        pass
    elif dtype.kind == "f":
        raise TypeError(
            f"{name} has dtype {dtype} (extended precision), which is not supported: "
            f"pass {name}.astype(np.float64)"
        )
    elif dtype.kind in "iu":
        arr = arr.astype(np.float64)
    elif dtype.kind == "b":
        raise TypeError(f"{name} must hold real numbers, got booleans")
    else:
        raise TypeError(f"{name} must hold real numbers, got dtype {dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    return arr


_LOGIT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def check_row_maxima(maxima: NDArray[np.floating], name: str) -> None:
    """Turn non-finite row maxima into the error that explains them."""
    if np.isfinite(maxima).all():
        return
    if np.isnan(maxima).any():
        raise ValueError(f"{name} contains NaN")
    if (maxima == np.inf).any():
        raise ValueError(f"{name} contains +inf")
    raise ValueError(f"{name} has a row that is -inf everywhere (no class has probability > 0)")


def finish(result: NDArray[np.float64]) -> np.float64 | NDArray[np.float64]:
    """Return a numpy scalar for 0-d results and the array otherwise."""
    return result[()] if result.ndim == 0 else result
