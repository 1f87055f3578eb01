"""Reading the caller's arrays: numpy, torch tensors, DLPack and bfloat16, without copies.

Model outputs arrive as numpy arrays, torch tensors, or other array libraries' objects.
They are read here as numpy arrays *viewing the same memory* wherever that memory
allows it, so that a 4 GB tensor of logits is never duplicated just to be read:

- a torch CPU tensor through ``Tensor.numpy()`` (a view), after refusing one that
  requires grad (this package computes values, not gradients);
- any other object through ``__dlpack__`` (the zero-copy protocol), else ``__array__``;
- bfloat16 data (torch's ``torch.bfloat16``, or numpy arrays with the ``ml_dtypes``
  bfloat16 dtype) as its raw 16-bit patterns, marked with the structured dtype
  :data:`BFLOAT16`; a bfloat16 number is the top half of a float32, so a block is
  widened by a 16-bit shift (:func:`widen_bfloat16`) with no dependency on either
  package.

Lists and tuples become arrays as ``numpy.asarray`` makes them, with an error that
names the argument when they are ragged.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["BFLOAT16", "as_array", "is_bfloat16", "widen_bfloat16"]

#: The raw bits of bfloat16 numbers, as a one-field structured dtype, so that numpy's
#: views, slices and broadcasting carry them unchanged until a block is widened.
BFLOAT16 = np.dtype([("bfloat16", "<u2")])


def is_bfloat16(dtype: np.dtype) -> bool:
    """True for :data:`BFLOAT16` and for ``ml_dtypes.bfloat16`` (without importing it)."""
    return dtype == BFLOAT16 or (dtype.itemsize == 2 and dtype.name == "bfloat16")


def widen_bfloat16(bits: NDArray[Any], out: NDArray[np.float32]) -> NDArray[np.float32]:
    """Write the float32 values of bfloat16 data ``bits`` into ``out`` (same shape).

    A bfloat16 number is the upper 16 bits of the float32 with the same value, so the
    float32 bit pattern is the 16-bit pattern shifted left by 16: exact, NaN and
    infinities included.
    """
    wide = out.view(np.uint32)
    np.copyto(wide, bits.view(np.uint16), casting="safe")
    np.left_shift(wide, 16, out=wide)
    return out


def _torch_to_numpy(tensor: Any, name: str) -> NDArray[Any]:
    if getattr(tensor, "requires_grad", False):
        raise TypeError(
            f"{name} is a tensor that requires grad: pass {name}.detach() (infotheory "
            "computes values, not gradients)"
        )
    device = getattr(tensor, "device", None)
    if device is not None and getattr(device, "type", "cpu") != "cpu":
        raise TypeError(f"{name} is a tensor on {device}: pass {name}.cpu() first")
    torch = sys.modules["torch"]
    tensor = tensor.resolve_conj().resolve_neg()
    if tensor.dtype == torch.bfloat16:
        return tensor.view(torch.int16).numpy().view(BFLOAT16)
    return tensor.numpy()


def as_array(values: ArrayLike, name: str) -> NDArray[Any]:
    """``values`` as a numpy array that shares its memory whenever it can.

    Raises ``TypeError`` for a tensor that requires grad or lives on a GPU, and
    ``ValueError`` naming ``name`` for ragged nested sequences.
    """
    if isinstance(values, np.ndarray):
        return values
    if type(values).__module__.partition(".")[0] == "torch" and hasattr(values, "numpy"):
        return _torch_to_numpy(values, name)
    if hasattr(values, "__dlpack__") and not hasattr(values, "__array__"):
        try:
            return np.from_dlpack(values)
        except (BufferError, TypeError, RuntimeError) as exc:
            raise TypeError(f"{name} cannot be read through DLPack: {exc}") from None
    try:
        return np.asarray(values)
    except ValueError as exc:
        if "inhomogeneous" in str(exc) or "sequence" in str(exc):
            raise ValueError(
                f"{name} is ragged: its rows have different lengths, so it is not an array"
            ) from None
        raise
