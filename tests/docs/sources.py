"""Reading the Markdown sources of the site the way the docs tests need them.

Conventions (CONTRIBUTING.md explains them to authors):

* ``docs/<page>.md`` is English, ``docs/<page>.es.md`` its Spanish twin.
* ``snippets/<page>/<name>.md`` holds one ```pycon fence shared by both languages; a page
  includes it with a line ``--8<-- "<page>/<name>.md"`` and nothing else on that line.
* "Checked numbers" are the numbers in prose and math (code excluded) that come from a
  computation: any decimal with at least 3 fractional digits, and any number right after
  ``≈`` or ``\\approx``. English writes ``1.443``; Spanish writes ``1,443`` in prose and
  ``1{,}443`` in TeX.
"""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sybil.evaluators.doctest  # noqa: F401  (registers the NUMBER doctest flag)
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"

LANGUAGES = ("en", "es")
SPANISH_SUFFIX = ".es.md"
NOTEBOOK_SUFFIX = ".ipynb"  # the labs: docs/labs/<lab>.ipynb and <lab>.es.ipynb

# ----------------------------------------------------------------------------- files


def pages() -> list[Path]:
    """Every Markdown page of the site, both languages."""
    return sorted(DOCS.rglob("*.md"))


def notebooks() -> list[Path]:
    """Every notebook page of the site (the labs), both languages."""
    return sorted(DOCS.rglob(f"*{NOTEBOOK_SUFFIX}"))


def site_pages() -> list[Path]:
    """Every page of the site: Markdown pages and notebooks, both languages."""
    return sorted(pages() + notebooks())


def _suffixes(page: Path) -> tuple[str, str]:
    """(English, Spanish) suffixes of a page: ``.md``/``.es.md`` or ``.ipynb``/``.es.ipynb``."""
    ext = NOTEBOOK_SUFFIX if page.name.endswith(NOTEBOOK_SUFFIX) else ".md"
    return ext, f".es{ext}"


def snippet_files() -> list[Path]:
    return sorted(SNIPPETS.rglob("*.md"))


def language(page: Path) -> str:
    return "es" if page.name.endswith(_suffixes(page)[1]) else "en"


def page_name(page: Path) -> str:
    """``docs/guide/kl.es.md`` -> ``guide/kl``: the language-neutral name of a page."""
    rel = page.relative_to(DOCS).as_posix()
    english, spanish = _suffixes(page)
    return rel[: -len(spanish)] if rel.endswith(spanish) else rel[: -len(english)]


def twin(page: Path) -> Path:
    """The same page in the other language (which may not exist)."""
    name = page_name(page)
    english, spanish = _suffixes(page)
    return DOCS / (f"{name}{english}" if language(page) == "es" else f"{name}{spanish}")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ----------------------------------------------------------------------------- fences

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
INCLUDE_RE = re.compile(r'^[ \t]*--8<--[ \t]+"(?P<path>[^"\n]+)"[ \t]*$')


@dataclass
class Block:
    """A fenced code block: its language, its text and its lines (1-based, inclusive)."""

    language: str
    text: str
    first_line: int
    last_line: int


@dataclass
class Source:
    """A Markdown file split into fenced code blocks and everything else ("prose")."""

    path: Path
    text: str
    blocks: list[Block] = field(default_factory=list)
    # The file with code blocks, inline code, comments, URLs and include lines blanked
    # out (replaced by spaces, newlines kept), so offsets still map to lines.
    prose: str = ""
    includes: list[tuple[int, str]] = field(default_factory=list)  # (line, target)

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def parse(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    source = Source(path=path, text=text)
    lines = text.split("\n")
    prose_lines = list(lines)
    i = 0
    while i < len(lines):
        opening = FENCE_RE.match(lines[i])
        if opening is None:
            include = INCLUDE_RE.match(lines[i])
            if include is not None:
                source.includes.append((i + 1, include["path"]))
                prose_lines[i] = ""
            elif "--8<--" in lines[i]:
                raise AssertionError(
                    f"{rel(path)}:{i + 1}: snippet includes must be a line of their own, "
                    f'exactly --8<-- "<page>/<name>.md"; got {lines[i].strip()!r}'
                )
            i += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        info = opening["info"].strip()
        lang = info.split()[0].lstrip(".{") if info else ""
        j = i + 1
        while j < len(lines):
            closing = FENCE_RE.match(lines[j])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            j += 1
        body = [
            line[len(indent) :] if line.startswith(indent) else line for line in lines[i + 1 : j]
        ]
        source.blocks.append(
            Block(lang, "\n".join(body) + "\n", i + 1, min(j, len(lines) - 1) + 1)
        )
        for k in range(i, min(j + 1, len(lines))):
            prose_lines[k] = ""
        if lang in FENCE_PROSE_KEYS:  # an exercise's or a figure's translated text is prose
            for offset, line in enumerate(
                fence_prose("\n".join(body), FENCE_PROSE_KEYS[lang]).split("\n")
            ):
                prose_lines[i + 1 + offset] = " " * len(indent) + line
        i = j + 1
    source.prose = blank_non_prose("\n".join(prose_lines))
    return source


def blank_non_prose(prose: str) -> str:
    """Front matter, HTML comments, inline code, link targets and bare URLs blanked out."""
    patterns = [
        r"\A---\n.*?\n---\n",
        r"<!--.*?-->",
        r"(`+)(?!`).*?(?<!`)\1(?!`)",
        r"\]\([^)\n]*\)",
        r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$",
        r"<?https?://[^\s)>\]]+>?",
    ]
    for pattern in patterns:
        prose = re.sub(pattern, lambda m: _blank(m[0]), prose, flags=re.DOTALL | re.MULTILINE)
    return prose


# The keys of an ```exercise fence (CONTRIBUTING.md, "Exercises") whose values are
# translated Markdown; the rest (ids, Python expressions, tolerances) is not prose.
EXERCISE_PROSE_KEYS = {"prompt", "hint", "solution", "text", "why"}
# The same for a ```figure fence (CONTRIBUTING.md, "Figures"): its text alternative and
# caption. Its ``text`` strings are drawn in the SVG; tests/docs/test_figures.py checks them.
FIGURE_PROSE_KEYS = {"alt", "caption"}
FENCE_PROSE_KEYS = {"exercise": EXERCISE_PROSE_KEYS, "figure": FIGURE_PROSE_KEYS}
# {{answer}}, {{name}}, {{name:4}}: numbers the build computes (sitetools/exercises/), not typed.
PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}")


def exercise_prose(body: str) -> str:
    """The YAML of an exercise with everything but its prose blanked (newlines kept)."""
    return fence_prose(body, EXERCISE_PROSE_KEYS)


def fence_prose(body: str, prose_keys: set[str]) -> str:
    """The YAML of a fence with everything but the values of ``prose_keys`` blanked.

    Placeholders become XXX (not numbers, not spaces, so ``$H = {{answer}}$`` stays math). YAML that does not parse gives nothing (the build and
    test_exercises.py report it).
    """
    try:
        root = yaml.compose(body)
    except yaml.YAMLError:
        return _blank(body)
    keep = [False] * len(body)

    def walk(node: yaml.Node | None) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in prose_keys
                    and isinstance(value, yaml.ScalarNode)
                ):
                    keep[value.start_mark.index : value.end_mark.index] = [True] * (
                        value.end_mark.index - value.start_mark.index
                    )
                else:
                    walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    walk(root)
    text = "".join(c if keep[k] or c == "\n" else " " for k, c in enumerate(body))
    return PLACEHOLDER_RE.sub(lambda m: "X" * len(m[0]), text)  # a word: no number, same length


def included_sources(source: Source) -> list[Source]:
    """The snippet files a page includes, parsed, in order."""
    return [parse(SNIPPETS / target) for _, target in source.includes]


# ----------------------------------------------------------------------------- examples

DOCTEST = doctest.DocTestParser()
OUTPUT_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def doctest_examples(block: Block) -> list[doctest.Example]:
    if block.language == "pycon" or (
        block.language == "python" and block.text.lstrip().startswith(">>>")
    ):
        return DOCTEST.get_examples(block.text)
    return []


def output_numbers(sources: list[Source]) -> list[str]:
    """Every number printed in the expected output of the examples of ``sources``."""
    found = []
    for source in sources:
        for block in source.blocks:
            for example in doctest_examples(block):
                found.extend(OUTPUT_NUMBER_RE.findall(example.want))
    return found


# ----------------------------------------------------------------------------- math

MATH_RES = [
    # (pattern, group holding the TeX, is display math)
    (re.compile(r"\$\$(.+?)\$\$", re.DOTALL), 1, True),
    (re.compile(r"\\\[(.+?)\\\]", re.DOTALL), 1, True),
    (re.compile(r"\\begin\{([a-zA-Z]+\*?)\}.+?\\end\{\1\}", re.DOTALL), 0, True),
    (re.compile(r"\\\((.+?)\\\)", re.DOTALL), 1, False),
    (re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$])+?)(?<!\s)\$"), 1, False),
]


@dataclass
class Math:
    tex: str
    display: bool
    start: int  # offset in the page text
    end: int


def math_spans(source: Source) -> list[Math]:
    """Math in the prose (display and inline) plus ```math fences, in page order."""
    prose = source.prose
    found: list[Math] = []
    for pattern, group, display in MATH_RES:
        for m in pattern.finditer(prose):
            found.append(Math(m[group], display, m.start(group), m.end(group)))
            prose = prose[: m.start()] + _blank(m[0]) + prose[m.end() :]
    offsets = _line_offsets(source.text)
    for block in source.blocks:
        if block.language == "math":
            found.append(
                Math(block.text, True, offsets[block.first_line], offsets[block.first_line])
            )
    return sorted(found, key=lambda m: m.start)


def _line_offsets(text: str) -> list[int]:
    offsets = [0, 0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    return offsets


TEXT_COMMANDS_RE = re.compile(r"\\(?:text|textrm|textit|textbf|textsf|texttt|mbox)\s*\{")


def normalise_formula(tex: str) -> str:
    """Language-neutral form of a formula: ``{,}`` -> ``.``, ``\\text{...}`` emptied."""
    out, i = [], 0
    for m in TEXT_COMMANDS_RE.finditer(tex):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0) if tex[j - 1] != "\\" else 0
            j += 1
        out.append(tex[i : m.end()] + "}")
        i = j
    out.append(tex[i:])
    tex = "".join(out).replace("{,}", ".")
    return re.sub(r"\s+", "", tex)


def display_formulas(source: Source) -> list[str]:
    return [normalise_formula(m.tex) for m in math_spans(source) if m.display]


# ----------------------------------------------------------------------------- checked numbers

# A number as written in prose or TeX. Thousands separators: English "10,000" only.
NUMBER_PATTERNS = {
    "en": r"[-−+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)",
    "es": r"[-−+]?\d+(?:(?:\{,\}|,|\.)\d+)?",
}
# Optional power of ten after the mantissa: 1.2e-3, 1.2 \times 10^{-3}, 1,2 × 10^-3.
EXPONENT = r"(?:[eE](?P<e1>[-+]?\d+)|\s*(?:\\times|×|\\cdot|·)\s*10\^\{?(?P<e2>[-−]?\d+)\}?)?"
APPROX = r"(?:≈|&approx;|\\approx(?![a-zA-Z]))(?:\s|\\[,;:! ]|~)*"


@dataclass(frozen=True)
class Checked:
    written: str  # as in the source
    mantissa: str  # normalised: decimal point, no thousands separators, ASCII minus
    exponent: int
    line: int

    @property
    def key(self) -> str:
        """Language-neutral identity of the number, for comparing twins."""
        return self.mantissa if not self.exponent else f"{self.mantissa}e{self.exponent}"

    def matches(self, printed: str) -> bool:
        """Whether an example's printed number, rounded to this one's digits, is this one."""
        mantissa = Decimal(self.mantissa)
        digits = -mantissa.as_tuple().exponent if "." in self.mantissa else 0
        try:
            value = Decimal(printed).scaleb(-self.exponent)
        except ArithmeticError:
            return False
        return abs(value - mantissa) <= Decimal(5).scaleb(-(digits + 1))


def _normalise_number(written: str, lang: str) -> str:
    number = written.replace("−", "-").lstrip("+")
    if lang == "en":
        return number.replace(",", "")
    return number.replace("{,}", ".").replace(",", ".")


def checked_numbers(source: Source, lang: str) -> list[Checked]:
    number = NUMBER_PATTERNS[lang]
    approx_re = re.compile(rf"{APPROX}(?P<num>{number}){EXPONENT}(?![\w])")
    if lang == "en":
        long_re = re.compile(rf"(?<![\w.,}}])(?P<num>[-−+]?\d+\.\d{{3,}}){EXPONENT}(?![\w])")
    else:
        long_re = re.compile(
            rf"(?<![\w.,}}])(?P<num>[-−+]?\d+(?:\{{,\}}|,|\.)\d{{3,}}){EXPONENT}(?![\w])"
        )
    found: dict[int, Checked] = {}
    for pattern in (approx_re, long_re):
        for m in pattern.finditer(source.prose):
            if m.start("num") in found:
                continue
            exponent = m["e1"] or m["e2"] or "0"
            found[m.start("num")] = Checked(
                written=source.prose[m.start("num") : m.end()].strip(),
                mantissa=_normalise_number(m["num"], lang),
                exponent=int(exponent.replace("−", "-")),
                line=source.line_of(m.start("num")),
            )
    return [found[k] for k in sorted(found)]
