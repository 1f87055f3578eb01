"""The Spanish reads as Spanish: one term per idea, no calques, no English left, one register.

A native editor's decisions, written down in CONTRIBUTING.md ("Spanish terms") and checked
here in everything a Spanish reader sees: the prose and math of the Spanish pages (exercise
and figure prose included, code and URLs excluded), the words drawn in the Spanish figures,
the Markdown cells of the Spanish labs, and the Spanish strings of the widgets, the
exercises and the cells. Each rule says what to write instead. A rule that flags a correct
sentence is a rule to refine here, not a sentence to contort.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitetools import figures

from .sources import DOCS, ROOT, _blank, blank_non_prose, language, notebooks, pages, parse, rel


@dataclass(frozen=True)
class Rule:
    pattern: str
    advice: str
    english_words: bool = False  # not applied to the list of sources (English titles)
    sentence_ok: str | None = None  # the match is fine in a sentence matching this

    def finditer(self, text: str):
        for m in re.finditer(self.pattern, text, flags=re.IGNORECASE):
            if self.sentence_ok:
                start = max(text.rfind(c, 0, m.start()) for c in ".;:?!\n") + 1
                ends = [i for i in (text.find(c, m.end()) for c in ".;:?!\n") if i != -1]
                if re.search(
                    self.sentence_ok, text[start : min(ends, default=len(text))], re.IGNORECASE
                ):
                    continue
            yield m


RULES = [
    # Headings of the page shape.
    Rule(r"\bNúcleo formal\b", "«Desarrollo formal»"),
    Rule(r"\bLente computacional\b", "«En el código»"),
    Rule(r"\bLente de aplicación\b", "«En la práctica»"),
    # Calques and false friends.
    Rule(
        r"\bintervalos? de confianza\b",
        "«tramos de confianza predicha» (bins of a reliability diagram)",
    ),
    Rule(r"\bdados? justos?\b", "«dado equilibrado»"),
    Rule(r"\bpracticantes?\b", "rephrase: «quien entrena modelos», «en la práctica»"),
    Rule(r"\bcambia en cambio\b", "rephrase («cambia, en cambio,» reads as a stutter)"),
    Rule(r"\bse informan?\b|\bque informan?\b", "«se registra», «indica»"),
    Rule(r"\bvigilancia\b", "«seguimiento»"),
    # One term per idea.
    Rule(r"\brealidad\b", "«la verdad», «la distribución verdadera»"),
    Rule(
        r"(?<!recta\s)(?<!números\s)(?<!número\s)(?<!tiempo\s)(?<!\$\s)\breal(es)?\b",
        "«verdadero/a» for the truth («real» reads as real-valued); «recta real», «números "
        "reales» and «$x$ real» are fine",
    ),
    Rule(r"\bestudiantes?\b", "«alumno» (distillation: profesor and alumno)"),
    Rule(r"\bteachers?\b|\bstudents?\b", "«profesor», «alumno» (also inside \\text{} in math)"),
    Rule(
        r"\bpriors?\b|\bdistribuci(ón|ones) previas?\b|\bdistribuci(ón|ones) posteriore?s?\b",
        "«a priori», «a posteriori»",
    ),  # fmt: skip
    Rule(r"\b(el|del|al|un) softmax\b", "«la softmax» (feminine: la función softmax)"),
    Rule(
        r"\bdistancia\b",
        "«diferencia» or «brecha» for a gap (KL is not a distance)",
        sentence_ok=r"no es (una|un) |métric|triangular|simétric|no son distancias",
    ),  # fmt: skip
    Rule(r"\bblog post\b|\bun post\b|\bel post\b", "«entrada de blog»"),
    # English left in Spanish.
    Rule(r"\bbenchmarks?\b", "«banco de pruebas», «conjunto de evaluación»", english_words=True),
    Rule(
        r"\bdata collators?\b|\bcollators?\b", "«el código que arma los lotes»", english_words=True
    ),
    Rule(r"\bzero-shot\b", "«sin ejemplos», «sin ajuste»", english_words=True),
    Rule(r"\bexploit\w*\b", "«aprovechar un fallo de la recompensa»", english_words=True),
    Rule(r"\bbatch(es)?\b", "«lote»", english_words=True),
    Rule(r"\bdatasets?\b", "«conjunto de datos»", english_words=True),
    Rule(r"\bpapers?\b", "«artículo»", english_words=True),
    Rule(r"\blosse?s?\b", "«pérdida»", english_words=True),
    Rule(r"\bfine-?tuning\b", "«ajuste fino»", english_words=True),
    Rule(r"\bsampling\b", "«muestreo»", english_words=True),
    Rule(r"\brewards?\b", "«recompensa»", english_words=True),
    Rule(r"\boverfitting\b", "«sobreajuste»", english_words=True),
    Rule(r"\btraining\b", "«entrenamiento»", english_words=True),
    Rule(r"\bsteps?\b", "«paso»", english_words=True),
    Rule(r"\blearning rate\b", "«tasa de aprendizaje»", english_words=True),
    Rule(r"\bweight decay\b", "«decaimiento de los pesos»", english_words=True),
    Rule(r"\bfeedback\b", "«respuesta», «comentario»", english_words=True),
    # One register: tú. Formal imperatives at the start of a sentence are usted.
    Rule(r"\busted(es)?\b", "tú: one register throughout"),
    Rule(
        r"(?:^|[.!?¿¡]\s+|\n\s*[-*]?\s*)(Considere|Observe|Fíjese|Recuerde|Suponga|Calcule|Pruebe|"
        r"Escriba|Elija|Pulse|Compruebe|Imagine|Tenga)\b",
        "tú: «considera», «observa», «fíjate»…",
    ),  # fmt: skip
    # Typography.
    Rule(r"[\"“”]", "Spanish quotation marks «…»"),
    Rule(r"\d(\\?%)", "a space before the percent sign: «85 %» (TeX: 85\\,\\%)"),
]

DECIMAL_LIST_RULES = [
    Rule(r"\d,\d+,\s*\d", "separate decimals with «;» in Spanish: «0,60; 0,25 y 0,14»"),
    Rule(r"\d,\s+\d+,\d", "separate decimals with «;» in Spanish: «1; 0,5»"),
    Rule(r"\{,\}\d+\s*,", "separate decimals with «;» in Spanish TeX: (0{,}6;\\ 0{,}1)"),
    Rule(
        r"\d\s*,\s*(\\[ ,;:!]\s*)*-?\d+\{,\}",
        "separate decimals with «;» in Spanish TeX: (1;\\ 0{,}5)",
    ),
]

SOURCES_HEADING = re.compile(r"^##\s+Fuentes\b.*$", re.MULTILINE)
HTML_TAG = re.compile(r"<[^>\n]+>")
ADMONITION_TITLE = re.compile(
    r'^(\s*(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*\s+)"([^"\n]*)"', re.MULTILINE
)
ATTR_LIST = re.compile(r"\{:?\s*[.#][^}\n]*\}")


@dataclass(frozen=True)
class Text:
    where: str  # file, for messages
    text: str
    line_base: int = 1  # line number of text[0]
    sources_from: int | None = None  # offset where the list of sources starts

    def line_of(self, offset: int) -> int:
        return self.line_base + self.text.count("\n", 0, offset)


def _page_text(path: Path) -> Text:
    prose = parse(path).prose
    prose = ADMONITION_TITLE.sub(lambda m: m[1] + "«" + m[2] + "»", prose)
    prose = HTML_TAG.sub(lambda m: _blank(m[0]), prose)
    prose = ATTR_LIST.sub(lambda m: _blank(m[0]), prose)
    heading = SOURCES_HEADING.search(prose)
    return Text(rel(path), prose, 1, heading.start() if heading else None)


def _figure_texts(path: Path) -> list[Text]:
    found = figures.page_figures(
        path.read_text(encoding="utf-8"), path.relative_to(DOCS).as_posix()
    )
    return [Text(f"{rel(path)} (figure {spec.name}, text)", "\n".join(spec.text.values()))
            for _, spec in found if spec.text]  # fmt: skip


def _lab_texts(path: Path) -> list[Text]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for n, cell in enumerate(notebook["cells"], 1):
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            text = HTML_TAG.sub(lambda m: _blank(m[0]), blank_non_prose(text))
            heading = SOURCES_HEADING.search(text)
            out.append(
                Text(f"{rel(path)} (cell {n})", text, 1, heading.start() if heading else None)
            )
    return out


STRING_RE = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`')


def _spanish_strings(path: Path) -> Text:
    """The string literals of a strings.js file's ``es`` section (placeholders blanked)."""
    source = path.read_text(encoding="utf-8")
    start = re.search(r"^\s*es:\s*\{", source, re.MULTILINE)
    assert start, f"{rel(path)}: no `es: {{` section"
    section = source[start.end() :]
    values = []
    for m in STRING_RE.finditer(section):
        value = m[1] if m[1] is not None else m[2]
        value = re.sub(r"\$\{[^}]*\}", " X ", value).replace('\\"', "«")
        if re.search(r"[A-Za-zÁÉÍÓÚáéíóúñ]{3}", value):  # a word, not a key or a symbol
            values.append(value)
    return Text(rel(path), "\n".join(values))


def spanish_texts() -> list[Text]:
    out: list[Text] = []
    for page in pages():
        if language(page) == "es":
            out.append(_page_text(page))
            out += _figure_texts(page)
    for lab in notebooks():
        if lab.name.endswith(".es.ipynb"):
            out += _lab_texts(lab)
    for strings in sorted((ROOT / "frontend").glob("*/strings.js")):
        out.append(_spanish_strings(strings))
    return out


TEXTS = spanish_texts()
FILES = sorted({t.where.split(" (")[0] for t in TEXTS})


def _problems(rules: list[Rule], where: str) -> list[str]:
    problems = []
    for text in TEXTS:
        if text.where.split(" (")[0] != where:
            continue
        for rule in rules:
            for m in rule.finditer(text.text):
                if (
                    rule.english_words
                    and text.sources_from is not None
                    and m.start() >= text.sources_from
                ):
                    continue
                context = " ".join(text.text[max(0, m.start() - 30) : m.end() + 30].split())
                problems.append(f"{text.where}:{text.line_of(m.start())}: {m[0].strip()!r} → "
                                f"{rule.advice}  […{context}…]")  # fmt: skip
    return problems


@pytest.mark.parametrize("where", FILES)
def test_spanish_terms(where: str) -> None:
    problems = _problems(RULES, where)
    assert not problems, "CONTRIBUTING.md, «Spanish terms»:\n" + "\n".join(problems)


@pytest.mark.parametrize("where", FILES)
def test_spanish_decimal_lists(where: str) -> None:
    problems = _problems(DECIMAL_LIST_RULES, where)
    assert not problems, "CONTRIBUTING.md, «The decimal comma rule»:\n" + "\n".join(problems)


def test_rules_catch_what_they_are_for() -> None:
    """Each rule flags its example and leaves a correct sentence alone."""

    def flagged(sentence: str, rules: list[Rule] = RULES + DECIMAL_LIST_RULES) -> bool:
        return any(True for rule in rules for _ in rule.finditer(sentence))

    for bad in ["Núcleo formal", "un dado justo", "todo practicante", "la distribución real",
                "el softmax de los logits", "la distancia entre dos modelos", "un benchmark",
                "Considere el caso", 'dice "hola"', "un 85% de acierto", "0,60, 0,25 y 0,14",
                r"\mathcal{N}(-2{,}2, 0{,}7^2)", r"(1,\ 0{,}5)", "el valor que se informa",
                r"D(P_{\text{teacher}})", "un estudiante", "el prior"]:  # fmt: skip
        assert flagged(bad), bad
    for good in ["Desarrollo formal", "un dado equilibrado", "la distribución verdadera",
                 "la softmax de los logits", "la KL no es una distancia", "para todo $c$ real",
                 "sobre la recta real", "«hola»", "un 85 % de acierto", "0,60; 0,25 y 0,14",
                 r"\mathcal{N}(-2{,}2;\ 0{,}7^2)", "la brecha entre dos modelos", "a priori",
                 "1,443 bits"]:  # fmt: skip
        assert not flagged(good), good
