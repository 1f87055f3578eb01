"""Figures: every theory page has its pictures, in both languages, and they plot what they did.

The rules are CONTRIBUTING.md, "Figures"; the machinery is sitetools/figures.py. For each
figure, in both languages: the twin page places the same figure at the same rank with the
same ``text`` keys and a translated text alternative and caption; the drawing has a title
(its text alternative), no colour outside the palette variables, and numbers written with
the page's decimal separator; English and Spanish plot identical numbers; and those numbers
are the ones recorded in tests/docs/figures.json. After an intended change, renew the record
with ``.venv/bin/python -m sitetools.figures lock`` and review its diff.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from sitetools import figures

from .sources import DOCS, SNIPPETS, rel
from .test_exercises import THEORY, path_of

MIN_PER_PAGE = 2


def figures_of(path: Path) -> list[figures.FigureSpec]:
    text = path.read_text(encoding="utf-8")
    return [spec for _, spec in figures.page_figures(text, path.relative_to(DOCS).as_posix())]


FIGURED_PAGES = sorted({p.name.removesuffix(".md").removesuffix(".es") for p in DOCS.glob("*.md")
                        if figures_of(p)})  # fmt: skip
ALL = [(name, lang, spec) for name in FIGURED_PAGES for lang in ("en", "es")
       for spec in figures_of(path_of(name, lang))]  # fmt: skip
IDS = [f"{lang}-{spec.name}" for _, lang, spec in ALL]


@pytest.mark.parametrize("name", THEORY)
def test_every_theory_page_has_figures(name: str) -> None:
    for lang in ("en", "es"):
        found = figures_of(path_of(name, lang))
        assert len(found) >= MIN_PER_PAGE, (
            f"{rel(path_of(name, lang))}: a theory page carries at least {MIN_PER_PAGE} figures "
            f"(```figure fences, CONTRIBUTING.md 'Figures'); it has {len(found)}"
        )


@pytest.mark.parametrize("name", FIGURED_PAGES)
def test_twins_place_the_same_figures(name: str) -> None:
    en, es = figures_of(path_of(name, "en")), figures_of(path_of(name, "es"))
    assert [s.source for s in en] == [s.source for s in es], (
        f"{name}: both languages place the same figures in the same order"
    )
    for a, b in zip(en, es, strict=True):
        assert set(a.text) == set(b.text), f"{a.source}: the text keys differ between languages"
        assert a.alt != b.alt and a.caption != b.caption, (
            f"{a.source}: the Spanish text alternative and caption are translations, not copies"
        )
        assert len(a.alt) >= 40, (
            f"{a.source}: the text alternative should say what the figure shows"
        )


def test_every_figure_source_is_placed() -> None:
    placed = {spec.source for _, _, spec in ALL}
    sources = {p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py")}
    assert not sources - placed, f"figure sources no page places: {sorted(sources - placed)}"
    names = [p.stem for p in SNIPPETS.rglob("*.py")]
    assert len(names) == len(set(names)), "figure names are unique on the site (they are anchors)"


@pytest.mark.parametrize("source", sorted({s.source for _, _, s in ALL}))
def test_figure_source_is_plain(source: str) -> None:
    code = (SNIPPETS / source).read_text(encoding="utf-8")
    tree = ast.parse(code)
    assert ast.get_docstring(tree), f"snippets/{source}: start with a one-line docstring"
    calls = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)}  # fmt: skip
    assert not calls & {"savefig", "show", "use"}, (
        f"snippets/{source}: the renderer saves and shows"
    )


SVG_TEXT_RE = re.compile(r"<text\b[^>]*>([^<]*)</text>")


@pytest.mark.parametrize(("name", "lang", "spec"), ALL, ids=IDS)
def test_figure_draws_in_its_language(name: str, lang: str, spec: figures.FigureSpec) -> None:
    svg = figures.render(spec, lang).svg
    assert svg.startswith("<svg ") and 'role="img"' in svg, f"{spec.source}: an inline SVG image"
    assert f'<title id="figure-{spec.name}-title">' in svg, (
        f"{spec.source}: its text alternative is its title"
    )
    assert not re.search(r"^<svg[^>]*\s(width|height)=", svg), f"{spec.source}: no fixed size"
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgb\(", svg))
    assert not colours, (
        f"{spec.source} ({lang}): colours {sorted(colours)} are outside the palette: draw with "
        '"C0"..."C5", FG and MUTED only, so the figure works in the light and the dark palette'
    )
    words = " ".join(SVG_TEXT_RE.findall(svg))
    assert words.strip(), f"{spec.source}: a figure with no text at all (axis labels?)"
    wrong = r"\d\.\d" if lang == "es" else r"\d,\d"
    assert not re.search(wrong, words), (
        f"{spec.source} ({lang}): numbers in the figure use the page's decimal separator "
        f"(num(x) formats them): {words!r}"
    )


@pytest.mark.parametrize("source", sorted({s.source for _, _, s in ALL}))
def test_figure_plots_the_recorded_numbers(source: str) -> None:
    specs = {lang: s for _, lang, s in ALL if s.source == source}
    en, es = (figures.render(specs[lang], lang).data for lang in ("en", "es"))
    assert en == es, f"snippets/{source}: English and Spanish plot different numbers"
    record = json.loads(figures.LOCK.read_text(encoding="utf-8")) if figures.LOCK.is_file() else {}
    assert source in record, (
        f"snippets/{source} is not in {figures.LOCK.name}: run "
        "`.venv/bin/python -m sitetools.figures lock` and review the diff"
    )
    assert json.loads(json.dumps(en)) == record[source], (
        f"snippets/{source} now plots other numbers than {figures.LOCK.name} records: if that "
        "is intended, run `.venv/bin/python -m sitetools.figures lock` and review the diff"
    )


def test_record_has_no_stale_entries() -> None:
    record = json.loads(figures.LOCK.read_text(encoding="utf-8")) if figures.LOCK.is_file() else {}
    stale = set(record) - {s.source for _, _, s in ALL}
    assert not stale, f"{figures.LOCK.name} records figures no page places: {sorted(stale)}"
