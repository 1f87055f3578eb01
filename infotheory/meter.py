"""A streaming accumulator for evaluating a model on a corpus, batch by batch.

An evaluation loop sees the corpus a batch at a time and must not keep the logits.
:class:`CrossEntropyMeter` keeps only float64 totals (compensated sums, so the order
and size of the batches do not change the result beyond 1e-15 relative), and gives the
mean cross-entropy in any base, the perplexity, the mean entropy of the predictions and
bits per byte at any point.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_array
from ._checks import as_logits, check_axis, log_of_base
from .logits import cross_entropy_and_entropy_from_logits

__all__ = ["CrossEntropyMeter"]


class _Total:
    """A float64 sum with Neumaier compensation: exact to about one rounding in the end."""

    __slots__ = ("compensation", "value")

    def __init__(self) -> None:
        self.value = 0.0
        self.compensation = 0.0

    def add(self, x: float) -> None:
        t = self.value + x
        if abs(self.value) >= abs(x):
            self.compensation += (self.value - t) + x
        else:
            self.compensation += (x - t) + self.value
        self.value = t

    def __float__(self) -> float:
        return self.value + self.compensation


class CrossEntropyMeter:
    r"""Mean cross-entropy, perplexity and prediction entropy over a corpus, streamed.

    .. math::

        \bar\ell = \frac{1}{N} \sum_{t=1}^{N} -\log p(y_t), \qquad
        \mathrm{PPL} = e^{\bar\ell}, \qquad
        \mathrm{bpb} = \frac{N \bar\ell}{B \ln 2}

    over the `N` tokens seen so far (targets equal to `ignore_index` left out), for a
    text of `B` bytes.

    Parameters
    ----------
    axis : int, optional
        The class (vocabulary) axis of the logits passed to :meth:`update`
        (default ``-1``).

    Attributes
    ----------
    tokens : int
        The number of tokens counted so far.
    n_classes : int or None
        The vocabulary size, fixed by the first update.

    See Also
    --------
    cross_entropy_and_entropy_from_logits : one batch, both quantities.
    perplexity : one batch.

    Notes
    -----
    Only float64 totals are kept: the summed loss and entropy in nats, and the token
    count. Every update reads its logits once, in cache-sized blocks, for both the
    loss and the entropy (:func:`cross_entropy_and_entropy_from_logits`), so a
    language model's logits can be evaluated a batch at a time and dropped. Over any
    split of a corpus into batches the mean equals the one-shot result to 1e-12.

    Bits per byte divide the total loss in bits by the length of the text in bytes
    (UTF-8), not by the number of tokens: unlike perplexity it compares models with
    different tokenizers, since the text is the same whatever the tokens are.

    Examples
    --------
    Two batches of a model that is uniform over 50 tokens:

    >>> import numpy as np
    >>> from infotheory import CrossEntropyMeter
    >>> meter = CrossEntropyMeter()
    >>> meter.update(np.zeros((3, 50)), [4, 7, 9])
    >>> meter.update(np.zeros((2, 50)), [1, -100], ignore_index=-100)
    >>> meter.tokens
    4
    >>> round(meter.perplexity(), 6), round(meter.cross_entropy(base=2), 4)
    (50.0, 5.6439)

    Bits per byte, for a text of 12 bytes that those 4 tokens encode:

    >>> round(meter.bits_per_byte(12), 4)
    1.8813
    """

    def __init__(self, *, axis: int = -1) -> None:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"axis must be an integer, got {type(axis).__name__} {axis!r}")
        self.axis = int(axis)
        self.n_classes: int | None = None
        self.tokens = 0
        self._loss = _Total()
        self._entropy = _Total()

    def update(
        self, logits: ArrayLike, target: ArrayLike, *, ignore_index: int | None = None
    ) -> None:
        """Add a batch: logits with classes along the meter's axis, integer targets.

        Raises
        ------
        ValueError
            For a vocabulary size other than the first batch's, or as for
            :func:`cross_entropy_from_logits`. A batch that raises adds nothing.
        """
        x = as_logits(logits, "logits")
        ax = check_axis(self.axis, x.ndim, "logits")
        if self.n_classes is not None and x.shape[ax] != self.n_classes:
            raise ValueError(
                f"logits have {x.shape[ax]} classes along axis {self.axis}, but this meter "
                f"was started with {self.n_classes}: a different vocabulary"
            )
        result = cross_entropy_and_entropy_from_logits(
            x, target, axis=self.axis, ignore_index=ignore_index, reduction="sum"
        )
        tgt = as_array(target, "target")
        counted = tgt.size if ignore_index is None else int(np.count_nonzero(tgt != ignore_index))
        self.n_classes = x.shape[ax]
        self.tokens += counted
        self._loss.add(float(result.cross_entropy))
        self._entropy.add(float(result.entropy))

    def _mean(self, total: _Total, base: float | None, what: str) -> float:
        divisor = log_of_base(base)
        if self.tokens == 0:
            raise ValueError(f"the mean {what} is undefined: no token has been counted yet")
        return max(float(total) / self.tokens, 0.0) / divisor

    def cross_entropy(self, *, base: float | None = None) -> float:
        """Mean cross-entropy per token, in nats (``base=2``: bits)."""
        return self._mean(self._loss, base, "cross-entropy")

    def entropy(self, *, base: float | None = None) -> float:
        """Mean entropy of the model's predictions per token, in nats (``base=2``: bits)."""
        return self._mean(self._entropy, base, "entropy")

    def perplexity(self) -> float:
        """``exp`` of the mean cross-entropy in nats, ``>= 1``; ``inf`` beyond ~709.78 nats."""
        with np.errstate(over="ignore"):
            return float(np.exp(np.float64(self.cross_entropy())))

    def bits_per_byte(self, n_bytes: int) -> float:
        """Total loss in bits divided by the length of the evaluated text in bytes."""
        if isinstance(n_bytes, bool) or not isinstance(n_bytes, (int, np.integer)):
            raise TypeError(f"n_bytes must be an integer, got {type(n_bytes).__name__}")
        if n_bytes <= 0:
            raise ValueError(f"n_bytes must be > 0, got {n_bytes}")
        if self.tokens == 0:
            raise ValueError("bits per byte are undefined: no token has been counted yet")
        return max(float(self._loss), 0.0) / math.log(2.0) / int(n_bytes)

    def __repr__(self) -> str:
        if self.tokens == 0:
            return "CrossEntropyMeter(tokens=0)"
        return (
            f"CrossEntropyMeter(tokens={self.tokens}, "
            f"cross_entropy={self.cross_entropy():.6g} nats, "
            f"perplexity={self.perplexity():.6g})"
        )
