"""The English and Spanish versions of every page have the same shape.

For every docs/X.md there is a docs/X.es.md and vice versa, and the two have
* the same number of ``##`` and of ``###`` sections,
* the same snippet includes (--8<--), in the same order,
* the same display formulas, once ``{,}`` is read as ``.`` and the contents of
  ``\\text{...}`` are ignored (only words may be translated, not mathematics),
* the same multiset of checked numbers (see test_numbers.py), decimal comma read as point.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from .sources import (
    DOCS,
    checked_numbers,
    display_formulas,
    language,
    page_name,
    pages,
    parse,
    rel,
    twin,
)

PAGES = pages()
ENGLISH = [p for p in PAGES if language(p) == "en"]
PAIRS = [(p, twin(p)) for p in ENGLISH if twin(p).exists()]
PAIR_IDS = [page_name(p) for p, _ in PAIRS]


@pytest.mark.parametrize("page", PAGES, ids=[rel(p) for p in PAGES])
def test_every_page_has_its_twin(page: Path) -> None:
    other = twin(page)
    assert other.exists(), (
        f"{rel(page)} has no {'Spanish' if language(page) == 'en' else 'English'} twin: "
        f"create {rel(other)}"
    )


def test_there_are_pages() -> None:
    assert (DOCS / "index.md").exists() and (DOCS / "index.es.md").exists()


def _headings(path: Path) -> Counter:
    source = parse(path)
    return Counter(
        m[1] for m in re.finditer(r"^(#{2,3})[ \t]+\S", source.prose, flags=re.MULTILINE)
    )


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_same_sections(en: Path, es: Path) -> None:
    ours, theirs = _headings(en), _headings(es)
    for level in ("##", "###"):
        assert ours[level] == theirs[level], (
            f"{rel(en)} has {ours[level]} '{level}' sections but {rel(es)} has {theirs[level]}"
        )


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_same_snippet_includes(en: Path, es: Path) -> None:
    ours = [target for _, target in parse(en).includes]
    theirs = [target for _, target in parse(es).includes]
    assert ours == theirs, (
        f"snippet includes differ (they must be the same, in the same order):\n"
        f"  {rel(en)}: {ours}\n  {rel(es)}: {theirs}"
    )


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_same_display_formulas(en: Path, es: Path) -> None:
    ours, theirs = display_formulas(parse(en)), display_formulas(parse(es))
    assert len(ours) == len(theirs), (
        f"{rel(en)} has {len(ours)} display formulas but {rel(es)} has {len(theirs)}"
    )
    for n, (a, b) in enumerate(zip(ours, theirs), start=1):
        assert a == b, (
            f"display formula #{n} differs between the languages (after reading {{,}} as . "
            f"and ignoring \\text{{...}} contents):\n  {rel(en)}: {a}\n  {rel(es)}: {b}"
        )


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_same_checked_numbers(en: Path, es: Path) -> None:
    ours = Counter(n.key for n in checked_numbers(parse(en), "en"))
    theirs = Counter(n.key for n in checked_numbers(parse(es), "es"))
    assert ours == theirs, (
        "checked numbers differ between the languages:\n"
        f"  only in {rel(en)}: {sorted((ours - theirs).elements())}\n"
        f"  only in {rel(es)}: {sorted((theirs - ours).elements())}"
    )
