"""The package's tests and docstring examples pass INSIDE Pyodide (the pinned release), not just CPython.

Runs tests/runtime/run_package_tests.mjs under node, offline, from the staged files the
site serves (official numpy 2.0.2 wasm wheel, the infotheory wheel built from this
checkout) plus hash-pinned pytest and hypothesis wheels. Known differences of Pyodide are
listed, with reasons, in tests/runtime/known_failures.json (strict xfail).
"""

from __future__ import annotations

from .conftest import SUMMARY, pyodide_result, run_node


def test_package_tests_pass_inside_pyodide(staged, node):
    proc = run_node(node, "tests/runtime/run_package_tests.mjs", timeout=1800)
    result = pyodide_result(proc.stdout)
    tail = "\n".join(proc.stdout.splitlines()[-80:])
    assert result is not None, f"the Pyodide test run did not finish:\n{tail}"
    t, d = result["tests"], result["doctests"]
    SUMMARY.append(
        f"package inside Pyodide {result['pyodide']} (Python {result['versions']['python']}, "
        f"numpy {result['versions']['numpy']}): tests {t['passed']} passed, {t['failed']} "
        f"failed, {t['skipped']} skipped, {t['xfailed']} known failures; docstring examples "
        f"{d['passed']} passed, {d['failed']} failed, {d['xfailed']} known failures; "
        f"{result['seconds']} s (+{result['load_seconds']} s to load)"
    )
    SUMMARY.append("  left out: " + "; ".join(f"{k} ({v})" for k, v in result["left_out"].items()))
    assert proc.returncode == 0 and result["exit"] == 0, (
        f"the package tests fail inside Pyodide (exit {result['exit']}):\n{tail}"
    )
    assert t["passed"] > 0 and d["passed"] > 0, "no test ran inside Pyodide"
    assert result["infotheory_from"].startswith("/lib/python3.12/site-packages/"), (
        "infotheory must be imported from the installed wheel"
    )
