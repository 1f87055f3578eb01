"""Every example in the docs runs, with Sybil, and prints exactly what the page says.

* ```pycon fences are doctests: ``>>>`` prompts, exact expected output.
* ```python fences are executed as plain code (or as doctests if they start with ``>>>``).
* One namespace per file: later examples on a page see the names defined by earlier ones.
* Opt-in tolerance for floats: ``# doctest: +NUMBER`` on the ``>>>`` line compares each
  number only to the precision written in the expected output (Sybil's NUMBER flag,
  like pytest's). Other standard directives (``+ELLIPSIS``, ...) work too.
* ``<!-- skip: next -->`` on the line before a fence skips it (use sparingly).

Files: docs/**/*.md (English and Spanish), snippets/**/*.md and the README.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.example import SybilFailure
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

from .sources import DOCS, ROOT, SNIPPETS, rel


class PyconParser:
    """```pycon fences: every ``>>>`` example in them is a doctest."""

    def __init__(self, optionflags: int = 0) -> None:
        self.doctests = DocTestStringParser(DocTestEvaluator(optionflags))
        self.fences = CodeBlockParser(language="pycon", evaluator=lambda example: None)

    def __call__(self, document: Document):
        for region in self.fences(document):
            source = region.parsed
            found = False
            for doctest_region in self.doctests(source, document.path):
                doctest_region.adjust(region, source)
                found = True
                yield doctest_region
            if not found:
                yield Region(region.start, region.end, source, _no_prompt)


def _no_prompt(example: Example) -> str:
    return "a ```pycon block needs at least one '>>> ' example (use ```python for plain code)"


SYBIL = Sybil(
    parsers=[SkipParser(), PyconParser(), PythonCodeBlockParser()],
    patterns=["*.md"],
    path=str(ROOT),
)

FILES = sorted(DOCS.rglob("*.md")) + sorted(SNIPPETS.rglob("*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("path", FILES, ids=[rel(p) for p in FILES])
def test_examples_run(path: Path) -> None:
    document = SYBIL.parse(path)
    for example in document.examples():
        problem = None
        try:
            example.evaluate()
        except SybilFailure as failure:
            problem = str(failure)
        except Exception:
            problem = (
                f"Example at {rel(path)}, line {example.line} raised:\n{traceback.format_exc()}"
            )
        if problem:
            pytest.fail(problem, pytrace=False)
