"""The labs: Jupyter notebooks in docs/labs/, executed by the site build (mkdocs-jupyter).

Conventions (CONTRIBUTING.md, "Adding a lab"):

* ``docs/labs/<lab>.ipynb`` is English, ``docs/labs/<lab>.es.ipynb`` its Spanish twin: the
  same cells in the same order, the same code, translated Markdown.
* Code cells have no comments (they would be in one language on both pages) and print
  numbers and symbols, not sentences; the prose lives in the Markdown cells.
* Notebooks are committed without outputs: the build executes them, so the outputs on the
  site are never stale. Every notebook runs top to bottom without an error or a warning.
* On the built page, notebook math is KaTeX HTML, like any other page: no ``$``, no MathJax.
  (test_site.py checks the lab pages like every other page: links, origins, switcher.)
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from .sources import ROOT, language, notebooks, page_name, rel, twin
from .test_site import output_path, parse_html

NOTEBOOKS = notebooks()
IDS = [rel(p) for p in NOTEBOOKS]
ENGLISH = [p for p in NOTEBOOKS if language(p) == "en"]
PAIRS = [(p, twin(p)) for p in ENGLISH if twin(p).exists()]
PAIR_IDS = [page_name(p) for p, _ in PAIRS]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def cells(path: Path, kind: str) -> list[str]:
    return [cell.source for cell in read(path).cells if cell.cell_type == kind]


def test_there_are_labs() -> None:
    assert len(ENGLISH) >= 3, f"expected at least three labs in docs/labs/, found {ENGLISH}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_every_lab_has_its_twin(notebook: Path) -> None:
    other = twin(notebook)
    assert other.exists(), (
        f"{rel(notebook)} has no {'Spanish' if language(notebook) == 'en' else 'English'} "
        f"twin: create {rel(other)} (same code cells, translated Markdown cells)"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_valid_and_without_outputs(notebook: Path) -> None:
    nb = read(notebook)
    nbformat.validate(nb)
    stale = [
        n
        for n, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not stale, (
        f"{rel(notebook)}: cells {stale} carry stored outputs or execution counts. Commit labs "
        "without outputs (the build executes them): `jupyter nbconvert --clear-output "
        f"--inplace {rel(notebook)}`"
    )
    assert "widgets" not in nb.metadata, f"{rel(notebook)}: stored widget state; clear it"


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_twins_share_their_code(en: Path, es: Path) -> None:
    kinds = [[cell.cell_type for cell in read(path).cells] for path in (en, es)]
    assert kinds[0] == kinds[1], (
        f"the twins must have the same cells in the same order (Markdown and code):\n"
        f"  {rel(en)}: {kinds[0]}\n  {rel(es)}: {kinds[1]}"
    )
    for n, (a, b) in enumerate(zip(cells(en, "code"), cells(es, "code")), start=1):
        assert a == b, (
            f"code cell #{n} differs between {rel(en)} and {rel(es)}; the code of a lab is "
            f"the same in both languages:\n--- en\n{a}\n--- es\n{b}"
        )
    for n, (a, b) in enumerate(zip(cells(en, "markdown"), cells(es, "markdown")), start=1):
        assert a != b, f"Markdown cell #{n} of {rel(es)} is not translated"


@pytest.mark.parametrize(("en", "es"), PAIRS, ids=PAIR_IDS)
def test_twins_have_the_same_sections(en: Path, es: Path) -> None:
    def headings(path: Path) -> list[str]:
        text = "\n".join(cells(path, "markdown"))
        return re.findall(r"^(#{1,3})[ \t]+\S", text, flags=re.MULTILINE)

    assert headings(en) == headings(es), (
        f"{rel(en)} and {rel(es)} must have the same headings (levels, in order): "
        f"{headings(en)} vs {headings(es)}"
    )


@pytest.mark.parametrize("notebook", ENGLISH, ids=[rel(p) for p in ENGLISH])
def test_code_has_no_comments(notebook: Path) -> None:
    problems = []
    for n, source in enumerate(cells(notebook, "code"), start=1):
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                problems.append(f"code cell #{n}: {token.string!r}")
    assert not problems, (
        f"{rel(notebook)}: lab code is shared by both languages, so it has no comments "
        "(explain in a Markdown cell):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_lab_runs(notebook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the notebook as the build does: kernel in docs/labs/, package from the root."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = read(notebook)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(notebook.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{rel(notebook)} fails when executed:\n{error}", pytrace=False)
    stderr = [
        (n, output.text)
        for n, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert not stderr, f"{rel(notebook)} writes to stderr (a warning?): {stderr}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_lab_page_math_is_rendered(site: Path, notebook: Path) -> None:
    html_file = output_path(notebook)
    page = parse_html(site / html_file)
    text = "".join(page.text)
    assert page.katex_spans > 0, f"{html_file}: no KaTeX output (is hooks/notebooks.py active?)"
    assert "$" not in text, (
        f"{html_file}: a '$' outside code, probably unrendered notebook math: "
        + repr(text[max(0, text.find("$") - 60) : text.find("$") + 60])
    )
    raw = (site / html_file).read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b.*?</script>", raw, flags=re.DOTALL)
    leftovers = [s[:120] for s in scripts if re.search(r"mathjax|mermaid|require", s, re.I)]
    assert not leftovers, f"{html_file}: nbconvert's script tags left in the page: {leftovers}"
