"""CrossEntropyMeter: streamed totals equal the one-shot result, whatever the batches."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from infotheory import (
    CrossEntropyMeter,
    cross_entropy_from_logits,
    entropy_from_logits,
    perplexity,
)

from ._helpers import HYPOTHESIS, ref_cross_entropy_from_logits


def corpus(seed: int, rows: int = 97, vocab: int = 40):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, vocab)) * 3
    t = rng.integers(0, vocab, rows)
    t[rng.random(rows) < 0.15] = -100
    t[0] = 1
    return x, t


@HYPOTHESIS
@given(seed=st.integers(0, 2**16), cuts=st.lists(st.integers(0, 97), max_size=12))
def test_any_split_into_batches_equals_the_one_shot_result(seed, cuts):
    x, t = corpus(seed)
    meter = CrossEntropyMeter()
    bounds = sorted({0, 97, *cuts})
    for lo, hi in zip(bounds, bounds[1:]):
        meter.update(x[lo:hi], t[lo:hi], ignore_index=-100)
    kept = t != -100
    assert meter.tokens == int(kept.sum())
    one_shot = cross_entropy_from_logits(x, t, ignore_index=-100)
    assert meter.cross_entropy() == pytest.approx(float(one_shot), rel=1e-12, abs=0)
    reference = ref_cross_entropy_from_logits(x, t, ignore_index=-100).sum() / kept.sum()
    assert meter.cross_entropy() == pytest.approx(reference, rel=1e-12)
    assert meter.cross_entropy(base=2) == pytest.approx(float(one_shot) / math.log(2), rel=1e-12)
    assert meter.perplexity() == pytest.approx(
        float(perplexity(x, t, ignore_index=-100)), rel=1e-12
    )
    entropy = entropy_from_logits(x, mask=kept, reduction="mean")
    assert meter.entropy() == pytest.approx(float(entropy), rel=1e-12)


def test_an_empty_batch_adds_nothing_and_bits_per_byte():
    x, t = corpus(3)
    meter = CrossEntropyMeter()
    meter.update(x[:0], t[:0], ignore_index=-100)
    assert meter.tokens == 0 and repr(meter) == "CrossEntropyMeter(tokens=0)"
    meter.update(x, t, ignore_index=-100)
    total_bits = float(cross_entropy_from_logits(x, t, ignore_index=-100, reduction="sum", base=2))
    assert meter.bits_per_byte(1000) == pytest.approx(total_bits / 1000, rel=1e-13)
    assert "tokens=" in repr(meter) and "perplexity=" in repr(meter)


def test_the_class_axis_can_be_set_once():
    x, t = corpus(5)
    meter = CrossEntropyMeter(axis=0)
    meter.update(x.T, t, ignore_index=-100)
    assert meter.cross_entropy() == pytest.approx(
        float(cross_entropy_from_logits(x, t, ignore_index=-100)), rel=1e-13
    )


def test_a_huge_mean_loss_gives_infinite_perplexity_not_an_error():
    meter = CrossEntropyMeter()
    meter.update(np.array([[0.0, -1000.0]]), [1])
    assert meter.cross_entropy() == pytest.approx(1000.0)
    assert meter.perplexity() == math.inf


def test_confident_float32_never_gives_a_perplexity_below_one():
    meter = CrossEntropyMeter()
    meter.update(np.array([[30.0, 0.0, 0.0]] * 5, dtype=np.float32), [0] * 5)
    assert meter.cross_entropy() >= 0.0 and meter.perplexity() >= 1.0


def test_bad_use_is_reported_with_the_argument_named():
    meter = CrossEntropyMeter()
    with pytest.raises(ValueError, match="no token has been counted"):
        meter.cross_entropy()
    with pytest.raises(ValueError, match="no token has been counted"):
        meter.bits_per_byte(10)
    meter.update(np.zeros((2, 5)), [0, 1])
    with pytest.raises(ValueError, match="started with 5: a different vocabulary"):
        meter.update(np.zeros((2, 6)), [0, 1])
    assert meter.tokens == 2  # the refused batch added nothing
    with pytest.raises(ValueError, match="target has class indices outside"):
        meter.update(np.zeros((2, 5)), [0, 5])
    assert meter.tokens == 2
    with pytest.raises(TypeError, match="n_bytes must be an integer"):
        meter.bits_per_byte(2.5)
    with pytest.raises(ValueError, match="n_bytes must be > 0"):
        meter.bits_per_byte(0)
    with pytest.raises(TypeError, match="axis must be an integer"):
        CrossEntropyMeter(axis=(0,))
    with pytest.raises(ValueError, match="base must be"):
        meter.cross_entropy(base=1)
