"""Numbers computed in the prose are numbers the page's examples actually print.

For every page in both languages: the expected outputs of its examples (its own fences
and the snippets it includes with --8<--) give the printed numbers; every *checked
number* in its prose and math (a decimal with at least 3 fractional digits, or any
number right after ≈ or \\approx) must equal one of them rounded to the digits written.

The decimal comma rule is checked here too: Spanish writes 1,443 in prose and 1{,}443 in
TeX; in TeX a comma between digits is always written {,} (a bare one renders "1, 443").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .sources import (
    checked_numbers,
    included_sources,
    language,
    math_spans,
    output_numbers,
    pages,
    parse,
    rel,
)

PAGES = pages()
IDS = [rel(p) for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_checked_numbers_come_from_examples(page: Path) -> None:
    source = parse(page)
    printed = output_numbers([source, *included_sources(source)])
    problems = [
        f"{rel(page)}:{number.line}: {number.written!r} is not what any example on this "
        "page prints (rounded to the digits written)"
        for number in checked_numbers(source, language(page))
        if not any(number.matches(value) for value in printed)
    ]
    assert not problems, "\n".join(problems) + f"\nnumbers printed on the page: {printed}"


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_decimal_separators(page: Path) -> None:
    source = parse(page)
    lang = language(page)
    problems = []
    for math in math_spans(source):
        for m in re.finditer(r"\d,\d", math.tex):
            line = source.line_of(math.start + m.start())
            problems.append(f"{rel(page)}:{line}: write a comma between digits in TeX as {{,}}")
        if lang == "es":
            for m in re.finditer(r"\d\.\d", math.tex):
                line = source.line_of(math.start + m.start())
                problems.append(
                    f"{rel(page)}:{line}: Spanish TeX uses a decimal comma, 1{{,}}443, not 1.443"
                )
    if lang == "es":
        for number in checked_numbers(source, lang):
            if re.search(r"\d\.\d", number.written):
                problems.append(
                    f"{rel(page)}:{number.line}: Spanish uses a decimal comma "
                    f"(1,443 in prose, 1{{,}}443 in TeX): {number.written!r}"
                )
    assert not problems, "\n".join(problems)
