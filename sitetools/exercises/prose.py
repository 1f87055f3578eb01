"""The prose of an exercise, ready for Markdown: placeholders filled, the Python check added.

``{{answer}}``, ``{{name}}`` and ``{{name:4}}`` become the computed numbers: the
tolerance's decimals or the ones asked for, a true minus outside math, and a decimal
comma in Spanish (``{,}`` inside math). :func:`pieces` gives each piece of one exercise
(prompt, options, whys, hint, solution, the Python check) as Markdown in the page's
language; :mod:`sitetools.exercises.render` turns them into HTML.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Any

from .evaluate import Computed, scalar
from .model import ChoiceExercise, Exercise, ExerciseError, NumericExercise

PLACEHOLDER_RE = re.compile(
    r"\{\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(?P<digits>\d+)\s*)?\}\}"
)
# Math in Markdown prose, as pymdownx.arithmatex finds it (display first).
MATH_RE = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$",
    re.DOTALL,
)


def format_number(value: float, digits: int, lang: str, in_math: bool) -> str:
    if math.isinf(value):
        sign = "-" if value < 0 else ""
        return f"{sign}\\infty" if in_math else f"{'−' if sign else ''}∞"
    text = f"{value:.{digits}f}"
    if text.startswith("-") and not in_math:
        text = "−" + text[1:]
    if lang == "es":
        text = text.replace(".", "{,}" if in_math else ",")
    return text


def fill(text: str, computed: Computed, lang: str, where: str) -> str:
    """Replace ``{{answer}}``, ``{{name}}`` and ``{{name:4}}`` by the computed numbers."""
    spans = [(m.start(), m.end()) for m in MATH_RE.finditer(text)]
    known = dict(computed.values)
    if computed.answer is not None:
        known["answer"] = computed.answer

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in known:
            raise ExerciseError(
                f"{where}: unknown placeholder {{{{{name}}}}} (known: {sorted(known)})"
            )
        value = scalar(known[name], f"{{{{{name}}}}}", where)
        digits = int(match["digits"]) if match["digits"] is not None else computed.decimals
        in_math = any(start <= match.start() < end for start, end in spans)
        return format_number(value, digits, lang, in_math)

    return PLACEHOLDER_RE.sub(replace, text)


def python_check(exercise: NumericExercise, computed: Computed) -> str:
    """The pycon example that ends a numeric solution: the answer, computed by the package."""
    import infotheory

    expressions = [e for e in [*exercise.values.values(), exercise.answer] if isinstance(e, str)]
    used: set[str] = set()
    for expression in expressions:
        tree = ast.parse(expression.strip(), mode="eval")
        used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    lines = []
    if "np" in used:
        lines.append(">>> import numpy as np")
    if "math" in used:
        lines.append(">>> import math")
    imported = sorted(used & set(infotheory.__all__))
    if imported:
        lines.append(f">>> from infotheory import {', '.join(imported)}")

    def source(expression: Any) -> str:
        return expression.strip() if isinstance(expression, str) else repr(expression)

    for name, expression in exercise.values.items():
        lines.append(f">>> {name} = {source(expression)}")
    result = next(n for n in ("answer", "result", "value", "x_") if n not in exercise.values)
    lines.append(f">>> {result} = {source(exercise.answer)}")
    lines.append(f'>>> print(f"{{{result}:.{computed.decimals}f}}")')
    lines.append(f"{float(computed.answer):.{computed.decimals}f}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Pieces:
    """An exercise's Markdown, placeholders filled (``None``: the piece is absent)."""

    prompt: str
    hint: str
    solution: str
    code: str | None = None  # the Python check (a pycon fence)
    options: tuple[str, ...] = ()  # choice: each option's text
    option_whys: tuple[str | None, ...] = ()
    mistake_whys: tuple[str | None, ...] = ()  # numeric: per computed mistake


def pieces(exercise: Exercise, computed: Computed, lang: str, where: str) -> Pieces:
    """Every piece of prose of one exercise, as Markdown in the page's language."""
    where = f"{where}, exercise {exercise.id!r}"

    def text(markdown: str | None) -> str | None:
        return None if not markdown else fill(markdown, computed, lang, where)

    # In page order: prompt, the options or the mistakes' whys, hint, solution.
    prompt = text(exercise.prompt)
    options: list[str] = []
    option_whys: list[str | None] = []
    mistake_whys: list[str | None] = []
    if isinstance(exercise, ChoiceExercise):
        for option in exercise.options:
            options.append(text(option.text))
            option_whys.append(text(option.why))
    else:
        mistake_whys = [text(mistake.why) for mistake in computed.mistakes]
    hint, solution = text(exercise.hint), text(exercise.solution)
    code = None
    if isinstance(exercise, NumericExercise) and exercise.code:
        code = f"```pycon\n{python_check(exercise, computed)}\n```"
    return Pieces(
        prompt, hint, solution, code, tuple(options), tuple(option_whys), tuple(mistake_whys)
    )
