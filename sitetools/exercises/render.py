"""The HTML of an exercise: Jinja2 templates (``templates/``) filled from the typed objects.

:func:`render` takes an exercise, its computed values and its prose already rendered to
HTML (by the page's Markdown, :mod:`sitetools.exercises.fence`) and returns one block:
the prompt, a form (a labelled text input with ``inputmode=decimal`` and the unit, or a
fieldset of radio buttons), an ``aria-live`` feedback region, the hint and the solution
in ``<details>``, the mistakes' and options' explanations (hidden), and a JSON block with
what ``frontend/exercises/`` needs to check an answer (a reader can peek: these are
self-study exercises). :func:`progress` is the bar with "Clear my progress" that precedes
a page's first exercise. The markup, its classes and data attributes are the contract
with the browser side.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .evaluate import Computed
from .model import ChoiceExercise, Exercise
from .prose import Pieces

TEMPLATES = Path(__file__).with_name("templates")

STRINGS = {
    "en": {
        "exercise": "Exercise {n}",
        "answer": "Your answer, in {unit}",
        "answer-none": "Your answer",
        "format": "A number, in {unit}, within ±{tolerance}.",
        "format-none": "A number, within ±{tolerance}.",
        "choose": "Choose one answer",
        "check": "Check",
        "hint": "Hint",
        "solution": "Solution",
        "code": "In Python, with the package:",
        "clear": "Clear my progress",
        "unit": {"bits": "bits", "nats": "nats", "none": ""},
    },
    "es": {
        "exercise": "Ejercicio {n}",
        "answer": "Tu respuesta, en {unit}",
        "answer-none": "Tu respuesta",
        "format": "Un número, en {unit}, con un margen de ±{tolerance}.",
        "format-none": "Un número, con un margen de ±{tolerance}.",
        "choose": "Elige una respuesta",
        "check": "Comprobar",
        "hint": "Pista",
        "solution": "Solución",
        "code": "En Python, con el paquete:",
        "clear": "Borrar mi progreso",
        "unit": {"bits": "bits", "nats": "nats", "none": ""},
    },
}


class _OneLineLoader(jinja2.FileSystemLoader):
    """Templates are written one element a line; the line breaks and indentation go.

    The exercise is one line of HTML (no whitespace between its elements, as the
    browser side and its tests have always seen it), while the template stays readable.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple:
        source, filename, uptodate = super().get_source(environment, template)
        return "".join(line.strip() for line in source.splitlines()), filename, uptodate


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=_OneLineLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def json_for_script(data: dict) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")


def inline(fragment: str) -> str:
    """An option's text rendered as one paragraph becomes inline HTML for its label."""
    fragment = fragment.strip()
    match = re.fullmatch(r"<p>(.*)</p>", fragment, flags=re.DOTALL)
    if match and "<p>" not in match[1]:
        return match[1]
    return fragment


def render(
    exercise: Exercise,
    computed: Computed,
    lang: str,
    number: int,
    pieces: Pieces,
    to_html: Callable[[str], str],
) -> str:
    """One exercise's block; ``number`` counts from 1 on the page."""
    s = STRINGS[lang]

    def html(markdown: str) -> Markup:
        return Markup(to_html(markdown).strip())

    data: dict[str, Any] = {"id": exercise.id, "type": exercise.type}
    whys: list[Markup] = []

    def why(markdown: str | None, entry: dict) -> dict:
        if markdown:
            entry["why"] = len(whys)
            whys.append(html(markdown))
        return entry

    context: dict[str, Any] = {
        "s": s,
        "base": f"exercise-{exercise.id}",
        "exercise": exercise,
        "title": s["exercise"].format(n=number),
        "prompt": html(pieces.prompt),
    }
    if isinstance(exercise, ChoiceExercise):
        context["options"] = [Markup(inline(html(text))) for text in pieces.options]
        data.update(
            correct=computed.correct,
            options=[why(text, {}) for text in pieces.option_whys],
        )
    else:
        unit = s["unit"][exercise.unit]
        suffix = "-none" if exercise.unit == "none" else ""
        tolerance = f"{exercise.tolerance:g}"
        tolerance = tolerance.replace(".", ",") if lang == "es" else tolerance
        context.update(
            unit=unit,
            answer_label=s["answer" + suffix].format(unit=unit),
            format=s["format" + suffix].format(unit=unit, tolerance=tolerance),
        )
        mistakes = [
            why(text, {"kind": mistake.kind, "value": _number(mistake.value)})
            for mistake, text in zip(computed.mistakes, pieces.mistake_whys)
        ]
        data.update(
            unit=exercise.unit,
            tolerance=float(exercise.tolerance),
            decimals=computed.decimals,
            answer=_number(computed.answer),
            mistakes=mistakes,
        )
    context.update(
        hint=html(pieces.hint),
        solution=html(pieces.solution),
        code=html(pieces.code) if pieces.code else None,
        whys=whys,
        data=Markup(json_for_script(data)),
    )
    return environment().get_template("exercise.html").render(context)


def progress(lang: str, count: int) -> str:
    """The progress bar and "Clear my progress" button before a page's first exercise."""
    return environment().get_template("progress.html").render(s=STRINGS[lang], count=count)
