"""Shared examples follow the snippet convention, so one file serves both languages.

A snippet is ``snippets/<page>/<name>.md`` where docs/<page>.md exists. It holds exactly
one ```pycon fence and nothing else; its examples import what they use; it has no
comments (a ``# doctest: +FLAG`` directive is not a comment) and prints no words: only
numbers and symbols, plus the few Python/numpy words of a repr listed in REPR_WORDS.
Pages include it on a line of its own, ``--8<-- "<page>/<name>.md"``, and only their own
page's snippets; every snippet is included by its page.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from .sources import (
    DOCS,
    OUTPUT_NUMBER_RE,
    SNIPPETS,
    doctest_examples,
    page_name,
    pages,
    parse,
    rel,
    snippet_files,
)

REPR_WORDS = {"True", "False", "None", "nan", "inf", "array", "dtype", "float64", "int64"}

SNIPPET_FILES = snippet_files()
PAGES = pages()


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=[rel(s) for s in SNIPPET_FILES])
def test_snippet_shape(snippet: Path) -> None:
    page = snippet.parent.relative_to(SNIPPETS).as_posix()
    assert page != "." and (DOCS / f"{page}.md").exists(), (
        f"{rel(snippet)}: a snippet lives in snippets/<page>/ for an existing docs/<page>.md"
    )
    source = parse(snippet)
    assert [b.language for b in source.blocks] == ["pycon"], (
        f"{rel(snippet)}: a snippet holds exactly one ```pycon fence"
    )
    assert not source.prose.strip(), f"{rel(snippet)}: nothing may stand outside the fence"
    examples = doctest_examples(source.blocks[0])
    assert examples, f"{rel(snippet)}: the fence has no '>>> ' example"
    problems = []
    for example in examples:
        line = source.blocks[0].first_line + 1 + example.lineno
        for token in tokenize.generate_tokens(io.StringIO(example.source).readline):
            if token.type == tokenize.COMMENT and not re.match(r"#\s*doctest:", token.string):
                problems.append(
                    f"{rel(snippet)}:{line}: no comments in snippets: {token.string!r}"
                )
        words = set(re.findall(r"[A-Za-z_]+", OUTPUT_NUMBER_RE.sub(" ", example.want)))
        if words - REPR_WORDS:
            problems.append(
                f"{rel(snippet)}:{line}: snippets print numbers and symbols only (they serve "
                f"both languages), found {sorted(words - REPR_WORDS)} in {example.want!r}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=[rel(p) for p in PAGES])
def test_pages_include_their_own_snippets(page: Path) -> None:
    name = page_name(page)
    problems = []
    for line, target in parse(page).includes:
        if not (SNIPPETS / target).is_file():
            problems.append(f"{rel(page)}:{line}: snippets/{target} does not exist")
        if Path(target).parent.as_posix() != name:
            problems.append(
                f"{rel(page)}:{line}: {target!r}: a page includes only its own snippets, "
                f'"{name}/<name>.md"'
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snippet", SNIPPET_FILES, ids=[rel(s) for s in SNIPPET_FILES])
def test_every_snippet_is_used(snippet: Path) -> None:
    target = snippet.relative_to(SNIPPETS).as_posix()
    page = DOCS / f"{Path(target).parent.as_posix()}.md"
    if page.exists():
        assert target in [t for _, t in parse(page).includes], (
            f"{rel(snippet)} is not included by {rel(page)}: include it or delete it"
        )
