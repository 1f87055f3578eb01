"""Evaluation: an exercise's expressions, computed at build time with the real package.

Every name of ``infotheory``, ``np`` (numpy) and ``math`` are in scope, with a few safe
builtins and no imports but numpy's own. ``values`` are evaluated in order, each one
visible to the next and to ``answer``, the mistakes and ``correct``. Any failure raises
:class:`~sitetools.exercises.model.ExerciseError` naming the exercise and the expression.
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import ChoiceExercise, Exercise, ExerciseError, NumericExercise

SAFE_BUILTINS = (
    "abs min max sum len range round float int list tuple sorted zip enumerate any all bool"
).split()


@dataclass(frozen=True)
class ComputedMistake:
    kind: str
    value: float
    why: str | None  # the author's Markdown, or None for the standard explanation
    auto: bool  # the units mistake, added because the author did not list it


@dataclass
class Computed:
    """An exercise's expressions, evaluated."""

    values: dict[str, Any] = field(default_factory=dict)
    answer: float | None = None
    decimals: int = 3  # what {{answer}} shows: the tolerance's decimals
    mistakes: list[ComputedMistake] = field(default_factory=list)
    correct: int | None = None


def _numpy_only_import(name: str, *args: Any, **kwargs: Any) -> Any:
    # numpy imports some of its own modules lazily from C (ndarray.mean imports
    # numpy._core._methods on first use), through the __import__ of the calling frame's
    # builtins: allow those, and nothing else.
    if name == "numpy" or name.startswith("numpy."):
        return builtins.__import__(name, *args, **kwargs)
    raise ImportError(f"exercise expressions cannot import {name!r}")


def namespace() -> dict[str, Any]:
    """What the expressions of an exercise can use."""
    import infotheory

    names: dict[str, Any] = {name: getattr(infotheory, name) for name in infotheory.__all__}
    names.update(np=np, math=math)
    names["__builtins__"] = {name: getattr(builtins, name) for name in SAFE_BUILTINS}
    names["__builtins__"]["__import__"] = _numpy_only_import
    return names


def _evaluate(expression: Any, scope: dict, where: str) -> Any:
    if isinstance(expression, bool):
        raise ExerciseError(f"{where}: expected an expression, got {expression!r}")
    if isinstance(expression, int | float | list):
        return expression  # a YAML number or list: a literal
    if not isinstance(expression, str) or not expression.strip():
        raise ExerciseError(f"{where}: expected a Python expression, got {expression!r}")
    try:
        with np.errstate(all="raise", under="ignore"):
            return eval(compile(expression.strip(), "<exercise>", "eval"), scope)
    except Exception as exc:  # any failure of an author's expression fails the build
        raise ExerciseError(f"{where}: {expression!r} raised {type(exc).__name__}: {exc}") from exc


def scalar(value: Any, what: str, where: str) -> float:
    """``value`` as one float (not NaN), or an :class:`ExerciseError` saying why not."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ExerciseError(f"{where}: {what} is not a number: {value!r}") from exc
    if array.size != 1:
        raise ExerciseError(f"{where}: {what} must be one number, got shape {array.shape}")
    number = float(array.reshape(()))
    if math.isnan(number):
        raise ExerciseError(f"{where}: {what} is NaN")
    return number


def decimals_of(tolerance: float) -> int:
    """Decimals that show a number to within ``tolerance``: 3 for 0.001 or 0.005, 2 for 0.01."""
    return max(0, math.ceil(-math.log10(tolerance) - 1e-9))


def within(value: float, target: float, tolerance: float) -> bool:
    """What the browser does: equal infinities, or finite and within the tolerance."""
    if math.isinf(value) or math.isinf(target):
        return value == target
    return abs(value - target) <= tolerance + 1e-12


def evaluate(exercise: Exercise, where: str) -> Computed:
    """Evaluate every expression of a loaded exercise with the real package."""
    where = f"{where}, exercise {exercise.id!r}"
    scope = namespace()
    result = Computed()
    for name, expression in exercise.values.items():
        value = _evaluate(expression, scope, f"{where}, values.{name}")
        scope[name] = value
        result.values[name] = value
    if isinstance(exercise, NumericExercise):
        _numeric(exercise, scope, result, where)
    elif isinstance(exercise, ChoiceExercise):
        _choice(exercise, scope, result, where)
    return result


def _numeric(exercise: NumericExercise, scope: dict, result: Computed, where: str) -> None:
    answer = scalar(_evaluate(exercise.answer, scope, f"{where}, answer"), "the answer", where)
    tolerance = float(exercise.tolerance)
    result.answer = answer
    result.decimals = decimals_of(tolerance)
    wrong_unit = "nats" if exercise.unit == "bits" else "bits"
    converted = answer * math.log(2) if exercise.unit == "bits" else answer / math.log(2)
    listed_units = False
    for i, mistake in enumerate(exercise.mistakes):
        if mistake.value is None:
            value = converted
        else:
            value = scalar(
                _evaluate(mistake.value, scope, f"{where}, mistake {i}"), f"mistake {i}", where
            )
        listed_units |= mistake.kind == wrong_unit
        result.mistakes.append(ComputedMistake(mistake.kind, value, mistake.why, auto=False))
    if (
        exercise.unit != "none"
        and not listed_units
        and math.isfinite(answer)
        and abs(converted - answer) > tolerance
    ):
        result.mistakes.append(ComputedMistake(wrong_unit, converted, None, auto=True))


def _choice(exercise: ChoiceExercise, scope: dict, result: Computed, where: str) -> None:
    correct = exercise.correct
    if isinstance(correct, str):
        correct = _evaluate(correct, scope, f"{where}, correct")
    if isinstance(correct, bool | np.bool_) or not isinstance(correct, int | np.integer):
        raise ExerciseError(f"{where}: 'correct' must give an option index, got {correct!r}")
    if not 0 <= int(correct) < len(exercise.options):
        raise ExerciseError(
            f"{where}: 'correct' is {correct}, but there are {len(exercise.options)} options"
        )
    result.correct = int(correct)
