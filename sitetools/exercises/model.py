"""The exercise format: a fence's YAML as typed objects, checked with messages that say where.

CONTRIBUTING.md, "Exercises", is the authors' side. :func:`load` turns the YAML of one
```` ```exercise ```` fence into a :class:`NumericExercise` or a :class:`ChoiceExercise`,
with the defaults filled in; anything else raises :class:`ExerciseError` naming the page,
the line and the exercise. Prose (``prompt``, ``hint``, ``solution``, option ``text``,
every ``why``) is Markdown in the page's language; expressions (``values``, ``answer``,
a mistake's ``value``, ``correct``) are Python kept as written, evaluated later by
:mod:`sitetools.exercises.evaluate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sitetools import fences
from sitetools.fences import Fence

TYPES = ("numeric", "choice")
UNITS = ("bits", "nats", "none")  # none: a dimensionless number (a perplexity, a ratio)
KINDS = ("nats", "bits", "swapped", "zero-log-zero", "other")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PROSE = ("prompt", "hint", "solution")
KEYS = {
    "numeric": {*PROSE, "id", "type", "values", "answer", "unit", "tolerance", "mistakes", "code"},
    "choice": {*PROSE, "id", "type", "values", "options", "correct"},
}
REQUIRED = {
    "numeric": ("id", "type", *PROSE, "answer", "unit", "tolerance"),
    "choice": ("id", "type", *PROSE, "options", "correct"),
}

# An expression as written in the YAML: Python source, or a YAML number or list (a literal).
Expression = str | int | float | list


class ExerciseError(ValueError):
    """A malformed exercise or an expression that cannot be evaluated."""


@dataclass(frozen=True)
class Mistake:
    """A detectable wrong answer of a numeric exercise."""

    kind: str  # one of KINDS
    value: Expression | None  # None: the answer in the other unit (kinds nats and bits)
    why: str | None = None  # Markdown replacing the standard explanation


@dataclass(frozen=True)
class Option:
    """One answer of a choice exercise."""

    text: str  # inline Markdown
    why: str | None = None  # Markdown shown when the reader picks it


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """What both kinds of exercise have."""

    type: ClassVar[str]
    id: str
    prompt: str
    hint: str
    solution: str
    values: dict[str, Expression] = field(default_factory=dict)  # evaluated in order


@dataclass(frozen=True, kw_only=True)
class NumericExercise(Exercise):
    type: ClassVar[str] = "numeric"
    answer: Expression
    unit: str  # one of UNITS
    tolerance: float  # absolute; also sets the decimals shown
    mistakes: tuple[Mistake, ...] = ()
    code: bool = True  # end the solution with the Python check


@dataclass(frozen=True, kw_only=True)
class ChoiceExercise(Exercise):
    type: ClassVar[str] = "choice"
    options: tuple[Option, ...]
    correct: int | str  # an option index, or an expression giving one


def find_fences(markdown: str) -> list[Fence]:
    """The ```exercise fences of a page, at the start of their lines (not indented)."""
    return fences.find(markdown, "exercise", ExerciseError)


def _text(data: dict, key: str, where: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ExerciseError(f"{where}: {key!r} must be non-empty Markdown text")
    if re.search(r"^\s*(```|~~~)", value, flags=re.MULTILINE):
        raise ExerciseError(f"{where}: no code fences inside an exercise ({key!r})")
    if re.search(r"^#{1,6}\s", value, flags=re.MULTILINE):
        raise ExerciseError(f"{where}: no headings inside an exercise ({key!r})")
    return value


def load(body: str, where: str) -> NumericExercise | ChoiceExercise:
    """Parse and validate one exercise's YAML; ``where`` names the page and line."""
    data = fences.yaml_mapping(body, where, "an exercise", ExerciseError)
    ident = data.get("id")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        raise ExerciseError(
            f"{where}: 'id' must be lowercase words joined by hyphens, got {ident!r}"
        )
    where = f"{where}, exercise {ident!r}"
    kind = data.get("type")
    if kind not in TYPES:
        raise ExerciseError(f"{where}: 'type' must be one of {TYPES}, got {kind!r}")
    unknown = set(data) - KEYS[kind]
    if unknown:
        raise ExerciseError(f"{where}: unknown keys {sorted(unknown)} for a {kind} exercise")
    missing = [key for key in REQUIRED[kind] if data.get(key) is None]
    if missing:
        raise ExerciseError(f"{where}: missing {missing}")
    prose = {key: _text(data, key, where) for key in PROSE}
    values = data.get("values") or {}
    if not isinstance(values, dict) or not all(
        isinstance(name, str) and NAME_RE.match(name) for name in values
    ):
        raise ExerciseError(f"{where}: 'values' maps Python names to expressions")
    if kind == "numeric":
        return _numeric(data, where, id=ident, values=values, **prose)
    return _choice(data, where, id=ident, values=values, **prose)


def _numeric(data: dict, where: str, **common: Any) -> NumericExercise:
    unit = data["unit"]
    if unit not in UNITS:
        raise ExerciseError(f"{where}: 'unit' must be one of {UNITS}, got {unit!r}")
    tolerance = data["tolerance"]
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not 0 < tolerance < 1
    ):
        raise ExerciseError(
            f"{where}: 'tolerance' must be a number between 0 and 1, got {tolerance!r}"
        )
    listed = data.get("mistakes") or []
    if not isinstance(listed, list):
        raise ExerciseError(f"{where}: 'mistakes' is a list of {{kind, value, why}}")
    mistakes = []
    for i, mistake in enumerate(listed):
        if not isinstance(mistake, dict) or set(mistake) - {"kind", "value", "why"}:
            raise ExerciseError(f"{where}: mistake {i} must be a mapping of kind, value, why")
        if mistake.get("kind") not in KINDS:
            raise ExerciseError(f"{where}: mistake {i}: 'kind' must be one of {KINDS}")
        if mistake["kind"] == {"bits": "bits", "nats": "nats"}.get(unit):
            raise ExerciseError(
                f"{where}: mistake {i}: the answer is in {unit}; "
                f"the units mistake is 'kind: {'nats' if unit == 'bits' else 'bits'}'"
            )
        if mistake.get("value") is None and (
            mistake["kind"] not in ("nats", "bits") or unit == "none"
        ):
            raise ExerciseError(f"{where}: mistake {i}: 'value' is required")
        if mistake["kind"] == "other" and mistake.get("why") is None:
            raise ExerciseError(f"{where}: mistake {i}: a mistake of kind 'other' needs a 'why'")
        why = _text(mistake, "why", f"{where}, mistake {i}", required=False)
        mistakes.append(Mistake(mistake["kind"], mistake.get("value"), why))
    code = data.get("code", True)
    if not isinstance(code, bool):
        raise ExerciseError(f"{where}: 'code' is true or false")
    return NumericExercise(
        **common,
        answer=data["answer"],
        unit=unit,
        tolerance=tolerance,
        mistakes=tuple(mistakes),
        code=code,
    )


def _choice(data: dict, where: str, **common: Any) -> ChoiceExercise:
    listed = data["options"]
    if not isinstance(listed, list) or len(listed) < 2:
        raise ExerciseError(f"{where}: 'options' is a list of at least 2 {{text, why}}")
    options = []
    for i, option in enumerate(listed):
        if not isinstance(option, dict) or set(option) - {"text", "why"}:
            raise ExerciseError(f"{where}: option {i} must be a mapping of text and why")
        text = _text(option, "text", f"{where}, option {i}")
        why = _text(option, "why", f"{where}, option {i}", required=False)
        options.append(Option(text, why))
    correct = data["correct"]
    if isinstance(correct, bool) or not isinstance(correct, int | str):
        raise ExerciseError(f"{where}: 'correct' is an option index (from 0) or an expression")
    return ChoiceExercise(**common, options=tuple(options), correct=correct)
