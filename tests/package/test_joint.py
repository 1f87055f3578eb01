"""joint_entropy, conditional_entropy (H(Y|X) for joint[x, y]) and mutual_information."""

from __future__ import annotations

import math

import numpy as np
import pytest

try:  # bfloat16 from ml_dtypes, when installed (not inside Pyodide)
    from ml_dtypes import bfloat16

    BFLOAT16: tuple = (bfloat16,)
except ImportError:
    BFLOAT16 = ()

from infotheory import conditional_entropy, joint_entropy, mutual_information

from ._helpers import LN2, no_runtime_warnings, normalise, ref_entropy


def h2(p: float) -> float:
    """Binary entropy in bits."""
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def ref_conditional(joint) -> float:
    """H(Y|X) = sum_x p(x) H(Y | X = x), from the definition."""
    joint = np.asarray(joint, dtype=np.float64)
    total = 0.0
    for row in joint:
        px = row.sum()
        if px > 0:
            total += px * ref_entropy(row / px)
    return total


def ref_mutual_information(joint) -> float:
    joint = np.asarray(joint, dtype=np.float64)
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    return math.fsum(
        joint[i, j] * math.log(joint[i, j] / (px[i] * py[j]))
        for i in range(joint.shape[0])
        for j in range(joint.shape[1])
        if joint[i, j] > 0
    )


def test_two_independent_fair_coins_carry_two_bits():
    joint = [[0.25, 0.25], [0.25, 0.25]]
    assert joint_entropy(joint, base=2) == pytest.approx(2.0, rel=1e-15)
    assert conditional_entropy(joint, base=2) == pytest.approx(1.0, rel=1e-15)
    assert mutual_information(joint) == 0.0


def test_two_identical_coins_carry_one_bit():
    joint = [[0.5, 0.0], [0.0, 0.5]]
    with no_runtime_warnings():
        assert joint_entropy(joint, base=2) == pytest.approx(1.0, rel=1e-15)
        assert conditional_entropy(joint) == 0.0
        assert mutual_information(joint, base=2) == pytest.approx(1.0, rel=1e-15)


def test_noisy_copy():
    joint = [[0.45, 0.05], [0.05, 0.45]]
    assert mutual_information(joint, base=2) == pytest.approx(1 - h2(0.1), rel=1e-13)
    assert round(float(mutual_information(joint, base=2)), 4) == 0.531
    assert conditional_entropy(joint, base=2) == pytest.approx(h2(0.1), rel=1e-13)
    assert joint_entropy(joint, base=2) == pytest.approx(1 + h2(0.1), rel=1e-13)


def test_docstring_example_half_a_bit():
    assert conditional_entropy([[0.5, 0.0], [0.25, 0.25]], base=2) == pytest.approx(0.5)


def test_independent_tables_share_nothing_exactly():
    assert mutual_information([[0.125, 0.375], [0.125, 0.375]]) == 0.0


def test_conditional_entropy_is_y_given_x_not_x_given_y():
    # Y is a function of X (X=0 -> Y=0, X=1,2 -> Y=1), but X is not a function of Y.
    joint = np.array([[0.5, 0.0], [0.0, 0.25], [0.0, 0.25]])
    with no_runtime_warnings():
        assert conditional_entropy(joint) == 0.0  # H(Y|X)
        assert conditional_entropy(joint.T, base=2) == pytest.approx(0.5, rel=1e-15)  # H(X|Y)
    assert conditional_entropy(joint.T) == pytest.approx(ref_conditional(joint.T), rel=1e-14)


def test_rows_with_zero_probability_contribute_nothing():
    joint = [[0.0, 0.0, 0.0], [0.25, 0.25, 0.5]]
    with no_runtime_warnings():
        assert conditional_entropy(joint) == pytest.approx(ref_entropy([0.25, 0.25, 0.5]))
        assert mutual_information(joint) == 0.0
        assert joint_entropy(joint) == pytest.approx(ref_entropy([0.25, 0.25, 0.5]))


@pytest.mark.parametrize("seed", range(5))
def test_against_definitions_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    nx, ny = rng.integers(1, 7, size=2)
    joint = rng.random((nx, ny)) * (rng.random((nx, ny)) < 0.7)
    joint[0, 0] += 0.1
    joint = normalise(joint.ravel()).reshape(nx, ny)
    assert joint_entropy(joint) == pytest.approx(ref_entropy(joint), rel=1e-12)
    assert conditional_entropy(joint) == pytest.approx(
        ref_conditional(joint), rel=1e-12, abs=1e-15
    )
    assert mutual_information(joint) == pytest.approx(
        ref_mutual_information(joint), rel=1e-10, abs=1e-15
    )


def test_batches_of_tables(rng):
    joint = rng.random((4, 3, 2))
    joint /= joint.sum(axis=(-2, -1), keepdims=True)
    for fn, ref in (
        (joint_entropy, ref_entropy),
        (conditional_entropy, ref_conditional),
        (mutual_information, ref_mutual_information),
    ):
        out = fn(joint, base=2)
        assert isinstance(out, np.ndarray) and out.shape == (4,)
        np.testing.assert_allclose(out, [ref(t) / LN2 for t in joint], rtol=1e-12)
    # H(X|Y) for the whole batch by swapping the last two axes
    np.testing.assert_allclose(
        conditional_entropy(np.swapaxes(joint, -1, -2)),
        [ref_conditional(t.T) for t in joint],
        rtol=1e-12,
    )
    assert conditional_entropy(joint[None]).shape == (1, 4)


def test_single_table_gives_numpy_float64():
    joint = [[0.1, 0.2], [0.3, 0.4]]
    for fn in (joint_entropy, conditional_entropy, mutual_information):
        out = fn(joint)
        assert isinstance(out, np.float64) and not isinstance(out, np.ndarray)


def test_normalize_accepts_counts():
    counts = [[10, 0], [5, 5]]
    table = [[0.5, 0.0], [0.25, 0.25]]
    assert joint_entropy(counts, normalize=True) == pytest.approx(joint_entropy(table), rel=1e-15)
    assert conditional_entropy(counts, normalize=True, base=2) == pytest.approx(0.5, rel=1e-15)
    assert mutual_information(counts, normalize=True) == pytest.approx(
        ref_mutual_information(table), rel=1e-14
    )


def test_mutual_information_never_negative_near_independence():
    rng = np.random.default_rng(3)
    naive_negative = 0
    for _ in range(300):
        px = normalise(rng.random(int(rng.integers(2, 8))))
        py = normalise(rng.random(int(rng.integers(2, 8))))
        joint = np.outer(px, py)
        joint = normalise((joint * (1 + rng.integers(-3, 4, joint.shape) * 2.2e-16)).ravel())
        joint = joint.reshape(px.size, py.size)
        product = np.outer(joint.sum(1), joint.sum(0))
        naive_negative += float(np.sum(joint * np.log(joint / product))) < 0
        assert mutual_information(joint) >= 0.0
        assert conditional_entropy(joint) >= 0.0
    assert naive_negative > 0


def test_mutual_information_with_tiny_entries_is_finite():
    """Regression: p(x) p(y) underflowed to 0 under a positive joint entry, giving inf."""
    joint = np.array([[1e-200, 0.0], [0.0, 1.0]])
    with no_runtime_warnings():
        got = mutual_information(joint)
    # 1e-200 * log(1e-200 / 1e-400) + 1 * log(1 / 1) = 1e-200 * 200 ln 10, essentially 0
    assert got == pytest.approx(1e-200 * 200 * math.log(10), rel=1e-6, abs=1e-300)


# ------------------------------------------------- empty batches, tol, dtypes


@pytest.mark.parametrize("fn", [joint_entropy, conditional_entropy, mutual_information])
def test_an_empty_batch_of_tables_gives_an_empty_result(fn):
    """Decided: zero tables is a valid (empty) batch, as for the distributions of discrete.py."""
    with no_runtime_warnings():
        out = fn(np.zeros((0, 2, 3)), base=2)
        assert isinstance(out, np.ndarray) and out.shape == (0,) and out.dtype == np.float64
        assert fn(np.zeros((4, 0, 2, 2))).shape == (4, 0)
    with pytest.raises(ValueError, match=r"^joint is empty: no outcomes over its last two axes"):
        fn(np.zeros((0, 0, 3)))


@pytest.mark.parametrize("fn", [joint_entropy, conditional_entropy, mutual_information])
def test_tol_widens_the_sum_check_of_tables(fn):
    table = np.array([[0.4, 0.1], [0.1, 0.4 + 5e-7]])
    with pytest.raises(ValueError, match="it looks like a float32 softmax: pass tol=1e-6"):
        fn(table)
    # the table is used as it is: results move by about the error of its sum
    assert fn(table, tol=1e-6) == pytest.approx(fn(table / table.sum()), rel=1e-5)
    np.testing.assert_array_equal(fn(np.stack([table, table]), tol=1e-6), fn(table, tol=1e-6))


@pytest.mark.parametrize("fn", [joint_entropy, conditional_entropy, mutual_information])
def test_tables_of_any_real_dtype(fn):

    table = np.array([[0.375, 0.125], [0.125, 0.375]])
    expected = fn(table)
    for dtype in (np.float16, np.float32, np.longdouble, *BFLOAT16):
        assert fn(table.astype(dtype)) == pytest.approx(expected, rel=1e-15)
    assert fn(np.array([[3, 1], [1, 3]], dtype=np.int16), normalize=True) == pytest.approx(
        expected, rel=1e-15
    )
    # a strided, Fortran-ordered batch
    batch = np.asfortranarray(np.stack([table] * 6)[::2])
    np.testing.assert_array_equal(fn(batch), [expected] * 3)
