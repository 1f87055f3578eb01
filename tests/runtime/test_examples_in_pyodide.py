"""Every example of the site prints, in the reader's browser, what the page shows.

tests/docs/test_examples.py proves the examples in CPython; this runs the same examples
through the in-browser runtime (runner.py in the pinned Pyodide with its numpy and the
infotheory wheel, under node) and compares with the same doctest rules, so a reader who
presses Run sees the output printed on the page. One namespace per file, like Sybil;
```python blocks run as plain code; `<!-- skip: next -->` skips a block.
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path

from docs.sources import DOCS, SNIPPETS, doctest_examples, parse, rel

from .conftest import SUMMARY, pyodide_result, run_node

KNOWN = Path(__file__).with_name("known_failures.json")
NUMBER = doctest.register_optionflag("NUMBER")  # Sybil's flag, as in CONTRIBUTING.md
FLAG_NAMES = {flag: name for name, flag in doctest.OPTIONFLAGS_BY_NAME.items()}
SKIP = "<!-- skip: next -->"


def collect() -> list[dict]:
    files = []
    for path in sorted(DOCS.rglob("*.md")) + sorted(SNIPPETS.rglob("*.md")):
        source = parse(path)
        lines = source.text.split("\n")
        blocks = []
        for block in source.blocks:
            before = [line.strip() for line in lines[: block.first_line - 1] if line.strip()]
            if before and before[-1] == SKIP:
                continue
            examples = doctest_examples(block)
            if examples:
                blocks.append(
                    {
                        "line": block.first_line,
                        "examples": [
                            {
                                "source": ex.source,
                                "want": ex.want,
                                "exc_msg": ex.exc_msg,
                                "flags": [FLAG_NAMES[f] for f, on in ex.options.items() if on],
                                "line": block.first_line + 1 + ex.lineno,
                            }
                            for ex in examples
                        ],
                    }
                )
            elif block.language == "python":
                blocks.append({"line": block.first_line, "code": block.text})
        if blocks:
            files.append({"file": rel(path), "blocks": blocks})
    return files


def test_site_examples_print_the_same_inside_pyodide(staged, node, tmp_path):
    examples = tmp_path / "examples.json"
    examples.write_text(json.dumps(collect()), encoding="utf-8")
    proc = run_node(node, "tests/runtime/run_doc_examples.mjs", str(examples), timeout=900)
    result = pyodide_result(proc.stdout)
    assert result is not None, "the Pyodide run did not finish:\n" + proc.stdout[-6000:]
    c = result["counts"]
    SUMMARY.append(
        f"site examples through runner.py in Pyodide: {c['passed']} passed, {c['failed']} "
        f"failed ({c['files']} files, {c['code_blocks']} plain code blocks), "
        f"{result['seconds']} s (+{result['load_seconds']} s to load)"
    )
    known = json.loads(KNOWN.read_text(encoding="utf-8"))["examples"]
    failing = {f"{f['file']}: {f['source'].splitlines()[0]}": f for f in result["failures"]}
    problems = [
        f"{f['file']}:{f['line']}: >>> {f['source'].rstrip()}\n    {f['problem']}"
        for key, f in failing.items()
        if key not in known
    ]
    if failing.keys() & known.keys():
        SUMMARY.append(
            "  known differences (tests/runtime/known_failures.json): "
            + "; ".join(sorted(failing.keys() & known.keys()))
        )
    assert not problems, (
        "examples that print something else in the reader's browser (Pyodide) than on the "
        "page:\n" + "\n".join(problems)
    )
    fixed = sorted(known.keys() - failing.keys())
    assert not fixed, (
        "these examples now print the same in Pyodide (or are gone): delete them from "
        f"tests/runtime/known_failures.json ('examples'): {fixed}"
    )
    assert c["passed"] > 0
