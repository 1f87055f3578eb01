"""The build-time half of the cells (hooks/cells.py): what it writes into each page.

No browser here: the hook's functions on small inputs, and the built site's pages.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest

from hooks.cells import add_cells, cell_data, json_for_script

from .pages import PAGES

PROMPT = '<span class="gp">&gt;&gt;&gt; </span>'


def block(lines: list[str]) -> str:
    """A highlighted block as pymdownx.highlight renders a pycon fence (tokens simplified)."""
    body = "\n".join(lines) + "\n"
    return f'<div class="highlight"><pre><span></span><code>{body}</code></pre></div>'


def prompt(code: str) -> str:
    return PROMPT + html.escape(code)


def cont(code: str) -> str:
    return '<span class="gp">... </span>' + html.escape(code)


def out(text: str) -> str:
    return f'<span class="go">{html.escape(text)}</span>'


class _Scripts(HTMLParser):
    """The cells of a page as a browser's parser sees them: number and JSON text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str]] = []
        self._cell = None
        self._in_script = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "cell" in (a.get("class") or "").split():
            self._cell = a.get("data-cell")
        if tag == "script" and a.get("class") == "cell-data":
            self._in_script, self._text = True, ""

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self.cells.append((self._cell, self._text))
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self._text += data


def parsed_cells(page_html: str) -> list[tuple[str, dict]]:
    parser = _Scripts()
    parser.feed(page_html)
    return [(number, json.loads(text)) for number, text in parser.cells]


def test_prompts_are_stripped_and_continuation_lines_kept() -> None:
    data = cell_data(
        ">>> def show(g):\n...     print(g)\n...\n>>> show(1)\n1\n>>> x = 2  # doctest: +NUMBER\n"
    )
    assert data["code"] == "def show(g):\n    print(g)\nshow(1)\nx = 2\n"
    assert [e["want"] for e in data["examples"]] == ["", "1\n", ""]
    assert data["examples"][2]["flags"] == ["NUMBER"]
    assert data["examples"][2]["source"] == "x = 2\n"


def test_expected_exceptions_are_marked() -> None:
    data = cell_data(
        ">>> 1 / 0\nTraceback (most recent call last):\n  ...\nZeroDivisionError: division by zero\n"
    )
    (example,) = data["examples"]
    assert example["exception"] is True
    assert example["want"].endswith("ZeroDivisionError: division by zero\n")


def test_each_page_numbers_its_cells_from_one() -> None:
    page = (
        block([prompt("print(1)"), out("1")])
        + "<p>text</p>"
        + block([prompt("print(2)"), out("2")])
    )
    for _ in range(2):  # a second page starts again from 1: no state between calls
        assert [n for n, _ in parsed_cells(add_cells(page, "test"))] == ["1", "2"]


def test_the_static_view_is_kept_as_it_was() -> None:
    static = block([prompt("print('<b>')"), out("<b>")])
    wrapped = add_cells(static, "test")
    assert wrapped.startswith('<div class="cell" data-cell="1">' + static)


def test_blocks_without_prompts_are_not_cells() -> None:
    plain = block(['<span class="n">x</span> <span class="o">=</span> <span class="mi">1</span>'])
    assert add_cells(plain, "test") == plain


@pytest.mark.parametrize(
    "code",
    [
        "print('</script><script>alert(1)</script>')",
        "s = '<!--'; t = '<script>'; print(s + t)",
        "print('\u2028 & \u2029 &amp; <img src=x onerror=alert(1)>')",
    ],
)
def test_the_data_cannot_break_out_of_its_script_element(code: str) -> None:
    page = add_cells(block([prompt(code)]), "test")
    script = page[page.index('<script type="application/json"') :]
    body = script[script.index(">") + 1 : script.index("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body
    ((number, data),) = parsed_cells(page)
    assert (number, data["code"]) == ("1", code + "\n")
    assert json.loads(json_for_script({"code": code}))["code"] == code


def test_every_example_of_the_built_site_is_a_numbered_cell(site_dir) -> None:
    problems = []
    for path in sorted(PAGES):
        file = site_dir / path / "index.html"
        text = file.read_text(encoding="utf-8")
        cells = parsed_cells(text)
        numbers = [n for n, _ in cells]
        if numbers != [str(i) for i in range(1, len(cells) + 1)]:
            problems.append(f"{path}: cells numbered {numbers}")
        examples = len(re.findall(r"<code>" + re.escape(PROMPT), text))
        if examples != len(cells):
            problems.append(f"{path}: {examples} doctest blocks but {len(cells)} cells")
        for number, data in cells:
            if ">>>" in data["code"] or not data["examples"]:
                problems.append(f"{path}: cell {number} has code {data['code']!r}")
    assert not problems, "\n".join(problems)
