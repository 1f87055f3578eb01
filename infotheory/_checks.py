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
    "Distribution",
    "as_distribution",
    "as_joint_table",
    "as_logits",
    "as_real_array",
    "broadcast_pair",
    "check_axis",
    "check_flag",
    "check_row_maxima",
    "check_tol",
    "distribution_rows",
    "finish",
    "log_of_base",
    "positive_scalar",
    "sum_tolerance",
    "to_float64",
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


def check_axis(axis: int, ndim: int, name: str) -> int:
    """Validate a public ``axis`` argument: one Python or numpy integer, in range.

    A tuple, a float or a boolean is a ``TypeError`` naming ``axis`` (the probability
    functions reduce over one axis only); an out-of-range integer is a ``ValueError``.
    """
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    try:
        return normalize_axis_index(int(axis), ndim)
    except np.exceptions.AxisError:
        raise ValueError(
            f"axis {axis} is out of bounds for {name} with {ndim} dimension(s)"
        ) from None


def check_tol(tol: float | None) -> float | None:
    """Validate ``tol=``: ``None`` (the dtype-based default) or a finite real number ``>= 0``."""
    if tol is None:
        return None
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a real number or None, got {type(tol).__name__}")
    value = float(tol)
    if not math.isfinite(value) or value < 0.0:
        raise ValueError(f"tol must be a finite number >= 0 (or None), got {tol!r}")
    return value


def check_flag(value: bool, name: str) -> bool:
    """Validate a boolean switch such as ``normalize=``: ``normalize="no"`` is an error."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


#: Machine epsilon of bfloat16 (8 significand bits), which np.finfo does not know.
_BFLOAT16_EPS = 2.0**-7


def sum_tolerance(dtype: np.dtype, n: int) -> float:
    """How far from 1 a probability vector of length ``n`` may sum.

    Rounding each of ``n`` probabilities and summing them leaves an error that
    grows with the machine epsilon of ``dtype`` and, typically, with ``sqrt(n)``
    (pairwise or random-walk accumulation). The floor of 32 epsilons covers
    short vectors written as decimals, such as ``[0.1] * 10``. The cap of 1e-3
    keeps low-precision dtypes (float16's epsilon is 1e-3, bfloat16's 8e-3) from
    accepting a vector that is plainly not a distribution.
    """
    eps = _BFLOAT16_EPS if is_bfloat16(np.dtype(dtype)) else float(np.finfo(dtype).eps)
    return min(eps * max(32.0, 4.0 * math.sqrt(n)), 1e-3)


def _probability_array(values: ArrayLike, name: str) -> NDArray[Any]:
    """``values`` as a real array in its own dtype (no widening copy), at least 1-D.

    Floating arrays of any precision, bfloat16 and integers are returned as they are,
    sharing the caller's memory (torch tensors and DLPack objects included, see
    :mod:`._arrays`); the blocked functions widen them to float64 a block at a time.
    """
    arr = as_array(values, name)
    kind = arr.dtype.kind
    if not (is_bfloat16(arr.dtype) or kind in "fiu"):
        if kind == "b":
            raise TypeError(f"{name} must hold real numbers, got booleans")
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    return arr


def to_float64(arr: NDArray[Any]) -> NDArray[np.float64]:
    """A float64 copy (or the array itself, if already float64) of real or bfloat16 data."""
    if is_bfloat16(arr.dtype):
        return widen_bfloat16(arr, np.empty(arr.shape, dtype=np.float32)).astype(np.float64)
    return np.asarray(arr, dtype=np.float64)


class Distribution:
    """Probability vectors along the last axis of ``array``, validated block by block.

    Built by :func:`as_distribution`, which only checks types and shapes: nothing is
    copied or scanned, so that the callers can check and widen the data one block of
    rows at a time while they compute (:mod:`infotheory.discrete`), or all at once for
    small tables (:func:`as_joint_table`). A block is a 2-D float64 array of whole rows
    (or, for very long rows, of a run of columns of one row).
    """

    def __init__(
        self, array: NDArray[Any], name: str, where: str, *, normalize: bool, tol: float | None
    ) -> None:
        self.array = array
        self.name = name
        self.where = where
        self.normalize = normalize
        self.n: int = array.shape[-1]
        self.batch_shape: tuple[int, ...] = array.shape[:-1]
        dtype = array.dtype
        # Round-off allowed in the sum: that of the caller's dtype, or of float64 (the dtype
        # of the computation) for integers, float64 and extended precision.
        low = is_bfloat16(dtype) or dtype.kind == "f" and dtype.itemsize < 8
        self.tol = (
            sum_tolerance(dtype if low else np.dtype(np.float64), self.n) if tol is None else tol
        )
        # A float64 array that sums to 1 only to float32 precision is most likely a float32
        # softmax widened to float64: the error message then says what to pass.
        self.suggest_float32 = tol is None and dtype == np.float64

    def sum_errors(self, sums: NDArray[np.float64]) -> tuple[float, float] | None:
        """``None`` if every row sum is within tolerance, else ``(worst error, its sum)``."""
        err = np.abs(sums - 1.0)
        if not (err <= self.tol).all():  # NaN-safe: a NaN sum is an error
            k = int(np.argmax(np.where(np.isnan(err), np.inf, err)))
            return float(np.abs(sums[k] - 1.0)), float(sums[k])
        return None

    def sum_error(self, total: float) -> ValueError:
        """The error for a row that sums to ``total``."""
        message = (
            f"{self.name} does not sum to 1 {self.where} "
            f"(a sum of {total!r}, tolerance {self.tol:.1e}); "
        )
        err = abs(total - 1.0)
        if self.suggest_float32 and err <= sum_tolerance(np.dtype(np.float32), self.n):
            exponent = math.ceil(math.log10(err))
            while 10.0**exponent < err:
                exponent += 1
            message += (
                f"it looks like a float32 softmax: pass tol=1e{exponent}, "
                "or normalize=True to rescale it"
            )
        else:
            message += "pass normalize=True to rescale it"
        return ValueError(message)

    def diagnose(self, block: NDArray[np.float64]) -> ValueError:
        """The error for a block that has NaN, infinite or negative entries."""
        if np.isnan(block).any():
            return ValueError(f"{self.name} contains NaN")
        if np.isinf(block).any():
            return ValueError(f"{self.name} contains infinite values")
        return ValueError(f"{self.name} has negative entries (smallest {block.min()!r})")

    def check_block(
        self, block: NDArray[np.float64], mins: NDArray[np.float64], sums: NDArray[np.float64]
    ) -> None:
        """Raise for NaN, infinite or negative entries, given the rows' minima and sums.

        A NaN or ``-inf`` anywhere makes the minimum NaN or negative, ``+inf`` makes the
        sum infinite, so one reduction of each kind checks everything; the sum's distance
        from 1 is checked by the caller, over all rows, for the most useful message.
        """
        if not (mins >= 0).all():
            raise self.diagnose(block)
        if not np.isfinite(sums).all() and np.isinf(block).any():
            raise ValueError(f"{self.name} contains infinite values")

    def normalize_block(
        self,
        block: NDArray[np.float64],
        out: NDArray[np.float64],
    ) -> NDArray[np.float64]:
        """Rows divided by their sums, into ``out``; the block's entries are known >= 0.

        Each row is first divided by its largest entry, so that huge weights such as
        ``[1e308, 1e308]`` cannot overflow the sum.
        """
        largest = block.max(axis=1)
        if not np.isfinite(largest).all():
            raise ValueError(f"{self.name} contains infinite values")
        if not (largest > 0).all():
            raise ValueError(f"{self.name} sums to 0 {self.where} and cannot be normalized")
        np.divide(block, largest[:, None], out=out)
        np.divide(out, out.sum(axis=1)[:, None], out=out)
        return out

    def checked(self, flat: NDArray[np.float64]) -> NDArray[np.float64]:
        """Validate (and normalize, if asked) a whole 2-D float64 array of rows at once."""
        if flat.shape[0] == 0:
            return flat
        with np.errstate(over="ignore"):  # [1e308, 1e308] sums to inf: an error below
            sums = flat.sum(axis=1)
        self.check_block(flat, flat.min(axis=1), sums)
        if self.normalize:
            return self.normalize_block(flat, np.empty_like(flat))
        bad = self.sum_errors(sums)
        if bad is not None:
            raise self.sum_error(bad[1])
        return flat


def distribution_rows(
    values: ArrayLike,
    name: str,
    *,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> Distribution:
    """Check the type and shape of probability vectors lying along ``axis``.

    Returns a :class:`Distribution` whose ``array`` views the caller's data with
    ``axis`` moved last, in its own dtype; its entries are checked (finite,
    non-negative, summing to 1 within ``tol``) block by block by the caller.
    ``axis`` is a single integer: joint tables go through :func:`as_joint_table`.
    A batch of zero distributions (shape ``(0, n)``) is valid; zero outcomes are not.
    """
    normalize = check_flag(normalize, "normalize")
    tol = check_tol(tol)
    arr = _probability_array(values, name)
    ax = check_axis(axis, arr.ndim, name)
    moved = arr if ax == arr.ndim - 1 else np.moveaxis(arr, ax, -1)
    if moved.shape[-1] == 0:
        raise ValueError(f"{name} is empty: no outcomes along axis {axis} (shape {arr.shape})")
    return Distribution(moved, name, f"along axis {axis}", normalize=normalize, tol=tol)


def as_distribution(
    values: ArrayLike,
    name: str,
    *,
    axis: int = -1,
    normalize: bool = False,
    tol: float | None = None,
) -> NDArray[np.float64]:
    """Validate probability vectors lying along ``axis`` and move that axis last.

    Returns a float64 array whose last axis holds the distributions (the caller's
    memory when it already is float64 and nothing needs rescaling). ``axis`` is a
    single integer. Unlike the blocked :func:`distribution_rows`, this holds the
    whole input, and an empty batch is an error.
    """
    dist = distribution_rows(values, name, axis=axis, normalize=normalize, tol=tol)
    if dist.array.size == 0:
        raise ValueError(f"{name} is empty (shape {np.shape(dist.array)})")
    flat = to_float64(dist.array).reshape(-1, dist.n)
    return dist.checked(flat).reshape(dist.array.shape)


def as_joint_table(
    values: ArrayLike, name: str, *, normalize: bool = False, tol: float | None = None
) -> NDArray[np.float64]:
    """Validate joint tables ``[..., x, y]``, each summing to 1 over its last two axes.

    Returns a float64 array of the same shape (normalized if asked); a batch of zero
    tables gives an empty array. Tables are held whole: they are small.
    """
    normalize = check_flag(normalize, "normalize")
    tol = check_tol(tol)
    arr = _probability_array(values, name)
    if arr.ndim < 2:
        raise ValueError(f"{name} must be a 2-D joint table [x, y], got {arr.ndim}-D")
    n = arr.shape[-2] * arr.shape[-1]
    where = "over its last two axes"
    if n == 0:
        raise ValueError(f"{name} is empty: no outcomes {where} (shape {arr.shape})")
    # Only the dtype and the shape of the rows matter here: a stand-in, not a copy.
    rows = np.broadcast_to(np.zeros(1, dtype=arr.dtype), arr.shape[:-2] + (n,))
    dist = Distribution(rows, name, where, normalize=normalize, tol=tol)
    return dist.checked(to_float64(arr).reshape(-1, n)).reshape(arr.shape)


def broadcast_pair(
    p: Distribution, q: Distribution, names: tuple[str, str] = ("p", "q")
) -> tuple[int, ...]:
    """The batch shape of two sets of distributions, after checking they match."""
    a, b = names
    if p.n != q.n:
        raise ValueError(f"{a} and {b} must have the same number of outcomes, got {p.n} and {q.n}")
    try:
        return np.broadcast_shapes(p.batch_shape, q.batch_shape)
    except ValueError:
        raise ValueError(
            f"{a} and {b} have incompatible batch shapes {p.batch_shape} and {q.batch_shape}"
        ) from None


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
