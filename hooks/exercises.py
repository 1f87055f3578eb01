"""MkDocs hook: the ```exercise fences of a page become checked exercises.

The format is CONTRIBUTING.md, "Exercises". In short: a fence ```` ```exercise ```` holds
a YAML document with an ``id``, a ``type`` (``numeric`` or ``choice``), Markdown prose in
the page's language (``prompt``, ``hint``, ``solution``, option ``text`` and ``why``) and
Python expressions that are the same in both languages (``values``, ``answer``, the
mistakes' ``value``, ``correct``).

1. **Build time, Markdown** (``on_page_markdown``). Each fence is parsed and every
   expression is evaluated with the real package (every name of ``infotheory``, ``np``
   and ``math`` in scope); an error fails the build naming the page and the exercise.
   ``{{answer}}``, ``{{name}}`` and ``{{name:4}}`` in the prose are replaced by the
   computed values (the tolerance's decimals, or the ones asked for; a decimal comma in
   Spanish, written ``{,}`` inside math). The prose pieces then stay in the page as
   ordinary Markdown between marker paragraphs, so that they are rendered by the page's
   own pipeline: links, math (hooks/katex.py), highlighting and runnable cells
   (hooks/cells.py) for the Python check the hook appends to a numeric solution.

2. **Build time, HTML** (``on_page_content``, before every other hook). The rendered
   pieces are cut out at their markers and assembled into the exercise: prompt, a form
   (a labelled text input with ``inputmode=decimal`` and the unit, or a fieldset of radio
   buttons), an ``aria-live`` feedback region, the hint and the solution in
   ``<details>``, and a JSON block with what the browser needs to check an answer: the
   answer, tolerance, unit and the values of the detectable mistakes (a reader can
   peek; these are self-study exercises). A progress bar with a "Clear my progress"
   button precedes the first exercise.

3. **Browser.** ``frontend/exercises/exercises.js`` (bundled by hooks/cells.py's esbuild
   run into ``assets/cells/exercises.js``) checks answers, explains the mistakes in the
   page's language and keeps progress in localStorage; nothing is sent anywhere.

The parsing and evaluation functions are also used by tests/docs/test_exercises.py.
"""

from __future__ import annotations

import ast
import html
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path; sitetools/ sits beside them
    sys.path.insert(0, str(ROOT))

from sitetools import fences  # noqa: E402
from sitetools.fences import Fence  # noqa: E402  (re-exported: tests/docs use hook.Fence)

ASSET_DIR = "assets/cells"  # hooks/cells.py bundles frontend/exercises/exercises.js there
SCRIPT_URL = f"{ASSET_DIR}/exercises.js"
CSS_URL = f"{ASSET_DIR}/exercises.css"

TYPES = ("numeric", "choice")
UNITS = ("bits", "nats", "none")  # none: a dimensionless number (a perplexity, a ratio)
KINDS = ("nats", "bits", "swapped", "zero-log-zero", "other")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEYS = {
    "numeric": {"id", "type", "prompt", "hint", "solution", "values", "answer", "unit",
                "tolerance", "mistakes", "code"},
    "choice": {"id", "type", "prompt", "hint", "solution", "values", "options", "correct"},
}  # fmt: skip
REQUIRED = {
    "numeric": ("id", "type", "prompt", "hint", "solution", "answer", "unit", "tolerance"),
    "choice": ("id", "type", "prompt", "hint", "solution", "options", "correct"),
}
# The keys whose text is prose (translated); everything else must match across languages.
PROSE_KEYS = ("prompt", "hint", "solution", "text", "why")
PLACEHOLDER_RE = re.compile(r"\{\{\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(?P<digits>\d+)\s*)?\}\}")
# Math in Markdown prose, as pymdownx.arithmatex finds it (display first).
MATH_RE = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$",
    re.DOTALL,
)

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


class ExerciseError(ValueError):
    """A malformed exercise or an expression that cannot be evaluated."""


# ---------------------------------------------------------------- finding and reading


def find_fences(markdown: str) -> list[Fence]:
    """The ```exercise fences of a page, at the start of their lines (not indented)."""
    return fences.find(markdown, "exercise", ExerciseError)


def _text(spec: dict, key: str, where: str, *, required: bool = True) -> str | None:
    value = spec.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ExerciseError(f"{where}: {key!r} must be non-empty Markdown text")
    if re.search(r"^\s*(```|~~~)", value, flags=re.MULTILINE):
        raise ExerciseError(f"{where}: no code fences inside an exercise ({key!r})")
    if re.search(r"^#{1,6}\s", value, flags=re.MULTILINE):
        raise ExerciseError(f"{where}: no headings inside an exercise ({key!r})")
    return value


def load(body: str, where: str) -> dict:
    """Parse and validate one exercise's YAML; return it with defaults filled in."""
    spec = fences.yaml_mapping(body, where, "an exercise", ExerciseError)
    ident = spec.get("id")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        raise ExerciseError(f"{where}: 'id' must be lowercase words joined by hyphens, got {ident!r}")
    where = f"{where}, exercise {ident!r}"
    kind = spec.get("type")
    if kind not in TYPES:
        raise ExerciseError(f"{where}: 'type' must be one of {TYPES}, got {kind!r}")
    unknown = set(spec) - KEYS[kind]
    if unknown:
        raise ExerciseError(f"{where}: unknown keys {sorted(unknown)} for a {kind} exercise")
    missing = [key for key in REQUIRED[kind] if spec.get(key) is None]
    if missing:
        raise ExerciseError(f"{where}: missing {missing}")
    for key in ("prompt", "hint", "solution"):
        _text(spec, key, where)
    values = spec.get("values") or {}
    if not isinstance(values, dict) or not all(
        isinstance(name, str) and NAME_RE.match(name) for name in values
    ):
        raise ExerciseError(f"{where}: 'values' maps Python names to expressions")
    spec["values"] = values
    if kind == "numeric":
        if spec["unit"] not in UNITS:
            raise ExerciseError(f"{where}: 'unit' must be one of {UNITS}, got {spec['unit']!r}")
        tolerance = spec["tolerance"]
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 < tolerance < 1:
            raise ExerciseError(f"{where}: 'tolerance' must be a number between 0 and 1, got {tolerance!r}")
        mistakes = spec.get("mistakes") or []
        if not isinstance(mistakes, list):
            raise ExerciseError(f"{where}: 'mistakes' is a list of {{kind, value, why}}")
        for i, mistake in enumerate(mistakes):
            if not isinstance(mistake, dict) or set(mistake) - {"kind", "value", "why"}:
                raise ExerciseError(f"{where}: mistake {i} must be a mapping of kind, value, why")
            if mistake.get("kind") not in KINDS:
                raise ExerciseError(f"{where}: mistake {i}: 'kind' must be one of {KINDS}")
            if mistake["kind"] == {"bits": "bits", "nats": "nats"}.get(spec["unit"]):
                raise ExerciseError(
                    f"{where}: mistake {i}: the answer is in {spec['unit']}; "
                    f"the units mistake is 'kind: {'nats' if spec['unit'] == 'bits' else 'bits'}'"
                )
            if mistake.get("value") is None and (mistake["kind"] not in ("nats", "bits") or spec["unit"] == "none"):
                raise ExerciseError(f"{where}: mistake {i}: 'value' is required")
            if mistake["kind"] == "other" and mistake.get("why") is None:
                raise ExerciseError(f"{where}: mistake {i}: a mistake of kind 'other' needs a 'why'")
            _text(mistake, "why", f"{where}, mistake {i}", required=False)
        spec["mistakes"] = mistakes
        code = spec.get("code", True)
        if not isinstance(code, bool):
            raise ExerciseError(f"{where}: 'code' is true or false")
        spec["code"] = code
    else:
        options = spec["options"]
        if not isinstance(options, list) or len(options) < 2:
            raise ExerciseError(f"{where}: 'options' is a list of at least 2 {{text, why}}")
        for i, option in enumerate(options):
            if not isinstance(option, dict) or set(option) - {"text", "why"}:
                raise ExerciseError(f"{where}: option {i} must be a mapping of text and why")
            _text(option, "text", f"{where}, option {i}")
            _text(option, "why", f"{where}, option {i}", required=False)
        correct = spec["correct"]
        if isinstance(correct, bool) or not isinstance(correct, (int, str)):
            raise ExerciseError(f"{where}: 'correct' is an option index (from 0) or an expression")
    return spec


# ---------------------------------------------------------------- evaluation


def namespace() -> dict[str, Any]:
    """What the expressions of an exercise can use."""
    if str(ROOT) not in sys.path:  # the package of this repository, as the examples use it
        sys.path.insert(0, str(ROOT))
    import infotheory

    names: dict[str, Any] = {name: getattr(infotheory, name) for name in infotheory.__all__}
    names.update(np=np, math=math)
    safe = ("abs", "min", "max", "sum", "len", "range", "round", "float", "int", "list",
            "tuple", "sorted", "zip", "enumerate", "any", "all", "bool")  # fmt: skip
    import builtins

    def numpy_only_import(name, *args, **kwargs):
        # numpy imports some of its own modules lazily from C (ndarray.mean imports
        # numpy._core._methods on first use), through the __import__ of the calling
        # frame's builtins: allow those, and nothing else.
        if name == "numpy" or name.startswith("numpy."):
            return builtins.__import__(name, *args, **kwargs)
        raise ImportError(f"exercise expressions cannot import {name!r}")

    names["__builtins__"] = {name: getattr(builtins, name) for name in safe}
    names["__builtins__"]["__import__"] = numpy_only_import
    return names


def _evaluate(expression: Any, scope: dict, where: str) -> Any:
    if isinstance(expression, bool):
        raise ExerciseError(f"{where}: expected an expression, got {expression!r}")
    if isinstance(expression, (int, float, list)):
        return expression  # a YAML number or list: a literal
    if not isinstance(expression, str) or not expression.strip():
        raise ExerciseError(f"{where}: expected a Python expression, got {expression!r}")
    try:
        with np.errstate(all="raise", under="ignore"):
            return eval(compile(expression.strip(), "<exercise>", "eval"), scope)  # noqa: S307
    except Exception as exc:  # any failure of an author's expression fails the build
        raise ExerciseError(f"{where}: {expression!r} raised {type(exc).__name__}: {exc}") from exc


def _scalar(value: Any, what: str, where: str) -> float:
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


@dataclass
class Computed:
    """An exercise's expressions, evaluated."""

    values: dict[str, Any] = field(default_factory=dict)
    answer: float | None = None
    decimals: int = 3
    mistakes: list[dict] = field(default_factory=list)  # kind, value, why (text or None), auto
    correct: int | None = None


def evaluate(spec: dict, where: str) -> Computed:
    """Evaluate every expression of a loaded exercise with the real package."""
    where = f"{where}, exercise {spec['id']!r}"
    scope = namespace()
    result = Computed()
    for name, expression in spec["values"].items():
        value = _evaluate(expression, scope, f"{where}, values.{name}")
        scope[name] = value
        result.values[name] = value
    if spec["type"] == "numeric":
        answer = _scalar(_evaluate(spec["answer"], scope, f"{where}, answer"), "the answer", where)
        tolerance = float(spec["tolerance"])
        result.answer = answer
        result.decimals = decimals_of(tolerance)
        wrong_unit = "nats" if spec["unit"] == "bits" else "bits"
        converted = answer * math.log(2) if spec["unit"] == "bits" else answer / math.log(2)
        listed_units = False
        for i, mistake in enumerate(spec["mistakes"]):
            if mistake.get("value") is None:
                value = converted
            else:
                value = _scalar(
                    _evaluate(mistake["value"], scope, f"{where}, mistake {i}"), f"mistake {i}", where
                )
            listed_units |= mistake["kind"] == wrong_unit
            result.mistakes.append(
                {"kind": mistake["kind"], "value": value, "why": mistake.get("why"), "auto": False}
            )
        if spec["unit"] != "none" and not listed_units and math.isfinite(answer) and abs(converted - answer) > tolerance:
            result.mistakes.append({"kind": wrong_unit, "value": converted, "why": None, "auto": True})
    else:
        correct = spec["correct"]
        if isinstance(correct, str):
            correct = _evaluate(correct, scope, f"{where}, correct")
        if isinstance(correct, (bool, np.bool_)) or not isinstance(correct, (int, np.integer)):
            raise ExerciseError(f"{where}: 'correct' must give an option index, got {correct!r}")
        if not 0 <= int(correct) < len(spec["options"]):
            raise ExerciseError(f"{where}: 'correct' is {correct}, but there are {len(spec['options'])} options")
        result.correct = int(correct)
    return result


def within(value: float, target: float, tolerance: float) -> bool:
    """What the browser does: equal infinities, or finite and within the tolerance."""
    if math.isinf(value) or math.isinf(target):
        return value == target
    return abs(value - target) <= tolerance + 1e-12


# ---------------------------------------------------------------- placeholders


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
        value = _scalar(known[name], f"{{{{{name}}}}}", where)
        digits = int(match["digits"]) if match["digits"] is not None else computed.decimals
        in_math = any(start <= match.start() < end for start, end in spans)
        return format_number(value, digits, lang, in_math)

    return PLACEHOLDER_RE.sub(replace, text)


def python_check(spec: dict, computed: Computed) -> str:
    """The pycon example that ends a numeric solution: the answer, computed by the package."""
    infotheory = sys.modules["infotheory"]  # imported by namespace() for evaluate()

    expressions = [e for e in [*spec["values"].values(), spec["answer"]] if isinstance(e, str)]
    used: set[str] = set()
    for expression in expressions:
        used |= {node.id for node in ast.walk(ast.parse(expression.strip(), mode="eval"))
                 if isinstance(node, ast.Name)}  # fmt: skip
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

    for name, expression in spec["values"].items():
        lines.append(f">>> {name} = {source(expression)}")
    result = next(n for n in ("answer", "result", "value", "x_") if n not in spec["values"])
    lines.append(f">>> {result} = {source(spec['answer'])}")
    lines.append(f'>>> print(f"{{{result}:.{computed.decimals}f}}")')
    lines.append(f"{float(computed.answer):.{computed.decimals}f}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the page


def page_language(src_uri: str) -> str:
    return "es" if src_uri.endswith(".es.md") else "en"


MARK = "\u27e6ex"  # ⟦ex...⟧ marker paragraphs, never written by authors
PIECE_RE = re.compile(
    r"<p>\u27e6ex:(?P<n>\d+):(?P<name>[a-z]+(?:-\d+)?)\u27e7</p>(?P<html>.*?)<p>\u27e6/ex\u27e7</p>",
    re.DOTALL,
)
EXERCISE_RE = re.compile(r"<p>\u27e6ex-begin:(?P<n>\d+)\u27e7</p>(?P<body>.*?)<p>\u27e6ex-end:(?P=n)\u27e7</p>", re.DOTALL)


@dataclass
class PageExercise:
    spec: dict
    computed: Computed
    lang: str


_PAGES: dict[str, list[PageExercise]] = {}  # src_uri -> the page's exercises, between events


def _piece(n: int, name: str, markdown: str) -> str:
    return f"\n\u27e6ex:{n}:{name}\u27e7\n\n{markdown.strip()}\n\n\u27e6/ex\u27e7\n"


def exercises_markdown(markdown: str, src_uri: str) -> tuple[str, list[PageExercise]]:
    """Replace each ```exercise fence by its prose pieces between marker paragraphs."""
    where = f"page {src_uri}"
    lang = page_language(src_uri)
    try:
        fences = find_fences(markdown)
    except ExerciseError as exc:
        raise PluginError(f"exercises: {where}: {exc}") from exc
    if not fences:
        return markdown, []
    lines = markdown.split("\n")
    out: list[str] = []
    exercises: list[PageExercise] = []
    seen: set[str] = set()
    previous = 0
    for n, fence in enumerate(fences):
        try:
            spec = load(fence.body, f"{where} (line {fence.start + 1})")
            if spec["id"] in seen:
                raise ExerciseError(f"{where}: two exercises have the id {spec['id']!r}")
            seen.add(spec["id"])
            computed = evaluate(spec, where)
            here = f"{where}, exercise {spec['id']!r}"
            pieces = [_piece(n, "prompt", fill(spec["prompt"], computed, lang, here))]
            if spec["type"] == "choice":
                for i, option in enumerate(spec["options"]):
                    pieces.append(_piece(n, f"option-{i}", fill(option["text"], computed, lang, here)))
                    if option.get("why"):
                        pieces.append(_piece(n, f"optionwhy-{i}", fill(option["why"], computed, lang, here)))
            else:
                for i, mistake in enumerate(computed.mistakes):
                    if mistake["why"]:
                        pieces.append(_piece(n, f"mistakewhy-{i}", fill(mistake["why"], computed, lang, here)))
            pieces.append(_piece(n, "hint", fill(spec["hint"], computed, lang, here)))
            solution = fill(spec["solution"], computed, lang, here)
            pieces.append(_piece(n, "solution", solution))
            if spec["type"] == "numeric" and spec["code"]:
                pieces.append(_piece(n, "code", f"```pycon\n{python_check(spec, computed)}\n```"))
        except ExerciseError as exc:
            raise PluginError(f"exercises: {exc}") from exc
        exercises.append(PageExercise(spec, computed, lang))
        out.extend(lines[previous : fence.start])
        out.append(f"\n\u27e6ex-begin:{n}\u27e7\n{''.join(pieces)}\n\u27e6ex-end:{n}\u27e7\n")
        previous = fence.end + 1
    out.extend(lines[previous:])
    return "\n".join(out), exercises


def _json_for_script(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")


def _strip_paragraph(fragment: str) -> str:
    """An option's text rendered as one paragraph becomes inline HTML for its label."""
    fragment = fragment.strip()
    match = re.fullmatch(r"<p>(.*)</p>", fragment, flags=re.DOTALL)
    if match and "<p>" not in match[1]:
        return match[1]
    return fragment


def exercise_html(number: int, exercise: PageExercise, pieces: dict[str, str]) -> str:
    spec, computed, lang = exercise.spec, exercise.computed, exercise.lang
    s = STRINGS[lang]
    ident = spec["id"]
    base = f"exercise-{ident}"
    e = html.escape
    parts = [
        f'<div class="exercise" id="{base}" data-exercise="{e(ident)}" data-type="{spec["type"]}" '
        f'role="group" aria-labelledby="{base}-title">',
        f'<p class="exercise-title" id="{base}-title"><a class="exercise-anchor" href="#{base}">'
        f'{e(s["exercise"].format(n=number))}</a><span class="exercise-status"></span></p>',
        f'<div class="exercise-prompt" id="{base}-prompt">{pieces["prompt"]}</div>',
    ]
    data: dict[str, Any] = {"id": ident, "type": spec["type"]}
    whys: list[str] = []
    if spec["type"] == "numeric":
        unit = s["unit"][spec["unit"]]
        suffix = "-none" if spec["unit"] == "none" else ""
        tolerance = f"{spec['tolerance']:g}"
        tolerance = tolerance.replace(".", ",") if lang == "es" else tolerance
        unit_html = f'<span class="exercise-unit" aria-hidden="true">{e(unit)}</span>' if unit else ""
        parts.append(
            f'<form class="exercise-form" action="#{base}" novalidate>'
            f'<div class="exercise-row">'
            f'<label for="{base}-answer">{e(s["answer" + suffix].format(unit=unit))}</label>'
            f'<span class="exercise-field"><input id="{base}-answer" class="exercise-input" type="text" '
            f'inputmode="decimal" autocomplete="off" autocapitalize="off" spellcheck="false" '
            f'aria-describedby="{base}-format">{unit_html}</span>'
            f'<button type="submit" class="md-button md-button--primary exercise-check">{e(s["check"])}</button>'
            f"</div>"
            f'<p class="exercise-format" id="{base}-format">'
            f'{e(s["format" + suffix].format(unit=unit, tolerance=tolerance))}</p>'
            f"</form>"
        )
        mistakes = []
        for i, mistake in enumerate(computed.mistakes):
            entry = {"kind": mistake["kind"], "value": _number(mistake["value"])}
            if f"mistakewhy-{i}" in pieces:
                entry["why"] = len(whys)
                whys.append(pieces[f"mistakewhy-{i}"])
            mistakes.append(entry)
        data.update(
            unit=spec["unit"], tolerance=float(spec["tolerance"]), decimals=computed.decimals,
            answer=_number(computed.answer), mistakes=mistakes,
        )  # fmt: skip
    else:
        options = []
        option_data = []
        for i in range(len(spec["options"])):
            option_id = f"{base}-option-{i}"
            options.append(
                f'<div class="exercise-option"><input type="radio" name="{base}" id="{option_id}" value="{i}">'
                f'<label for="{option_id}">{_strip_paragraph(pieces[f"option-{i}"])}</label></div>'
            )
            entry: dict[str, Any] = {}
            if f"optionwhy-{i}" in pieces:
                entry["why"] = len(whys)
                whys.append(pieces[f"optionwhy-{i}"])
            option_data.append(entry)
        parts.append(
            f'<form class="exercise-form" action="#{base}" novalidate>'
            f'<fieldset class="exercise-options"><legend>{e(s["choose"])}</legend>{"".join(options)}</fieldset>'
            f'<button type="submit" class="md-button md-button--primary exercise-check">{e(s["check"])}</button>'
            f"</form>"
        )
        data.update(correct=computed.correct, options=option_data)
    parts.append(f'<div class="exercise-feedback" id="{base}-feedback" role="status" aria-live="polite"></div>')
    parts.append(
        f'<details class="exercise-hint tip"><summary>{e(s["hint"])}</summary>{pieces["hint"]}</details>'
    )
    solution = pieces["solution"]
    if "code" in pieces:
        solution += f'<p class="exercise-code-caption">{e(s["code"])}</p>{pieces["code"]}'
    parts.append(
        f'<details class="exercise-solution success"><summary>{e(s["solution"])}</summary>{solution}</details>'
    )
    if whys:
        parts.append(
            '<div class="exercise-whys" hidden>'
            + "".join(f'<div class="exercise-why" data-why="{i}">{why}</div>' for i, why in enumerate(whys))
            + "</div>"
        )
    parts.append(f'<script type="application/json" class="exercise-data">{_json_for_script(data)}</script>')
    parts.append("</div>")
    return "".join(parts)


def progress_html(lang: str, count: int) -> str:
    s = STRINGS[lang]
    return (
        f'<div class="exercises-progress" data-count="{count}" hidden>'
        f'<p class="exercises-progress-count"></p>'
        f'<button type="button" class="md-button exercises-clear">{html.escape(s["clear"])}</button>'
        f'<p class="exercises-progress-message" role="status"></p>'
        f"</div>"
    )


def exercises_content(page_html: str, src_uri: str, exercises: list[PageExercise]) -> str:
    where = f"page {src_uri}"
    done: list[int] = []

    def assemble(match: re.Match[str]) -> str:
        n = int(match["n"])
        pieces = {}
        for piece in PIECE_RE.finditer(match["body"]):
            if int(piece["n"]) != n:
                raise PluginError(f"exercises: {where}: exercise {n + 1}'s markup is interleaved")
            pieces[piece["name"]] = piece["html"].strip()
        leftover = PIECE_RE.sub("", match["body"]).strip()
        if leftover or "prompt" not in pieces:
            raise PluginError(
                f"exercises: {where}, exercise {exercises[n].spec['id']!r}: its Markdown did not "
                f"render as separate blocks (is it indented, or inside a list or admonition?) {leftover[:200]!r}"
            )
        done.append(n)
        block = exercise_html(n + 1, exercises[n], pieces)
        return (progress_html(exercises[n].lang, len(exercises)) if n == 0 else "") + block

    result = EXERCISE_RE.sub(assemble, page_html)
    if sorted(done) != list(range(len(exercises))) or MARK in result:
        raise PluginError(
            f"exercises: {where}: an exercise did not render (write ```exercise fences at the "
            "start of a line, outside lists and admonitions)"
        )
    return result


# ---------------------------------------------------------------- MkDocs events


def on_config(config):
    if CSS_URL not in config.extra_css:
        config.extra_css.append(CSS_URL)
    if all(str(script) != SCRIPT_URL for script in config.extra_javascript):
        script = ExtraScriptValue(SCRIPT_URL)
        script.type = "module"
        config.extra_javascript.append(script)
    return config


def on_page_markdown(markdown, page, config, files):
    markdown, exercises = exercises_markdown(markdown, page.file.src_uri)
    if exercises:
        _PAGES[page.file.src_uri] = exercises
    else:
        _PAGES.pop(page.file.src_uri, None)
    return markdown


@event_priority(50)  # before every other hook: math, cells and the rest see the final HTML
def on_page_content(html_content, page, config, files):
    exercises = _PAGES.pop(page.file.src_uri, None)
    if not exercises:
        return html_content
    return exercises_content(html_content, page.file.src_uri, exercises)
