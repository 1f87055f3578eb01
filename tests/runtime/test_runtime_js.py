"""The runtime's page API (session.js) and execution semantics, under node's test runner.

tests/runtime/runtime.test.mjs drives session.js over worker_threads workers that run
the real engine.js + runner.py in the pinned Pyodide from the staged files: echo of bare
expressions, ordered stdout/stderr, tracebacks, one namespace, Stop by interrupt and by
terminate-and-replay, reset, load failure and retry.
"""

from __future__ import annotations

import re

from .conftest import SUMMARY, run_node


def test_runtime_js(staged, node):
    proc = run_node(
        node, "--test", "--test-reporter=tap", "tests/runtime/runtime.test.mjs", timeout=900
    )
    counts = dict(re.findall(r"^# (pass|fail|cancelled|skipped) (\d+)$", proc.stdout, re.M))
    SUMMARY.append(
        f"session.js + engine.js + runner.py under node: {counts.get('pass', '?')} passed, "
        f"{counts.get('fail', '?')} failed"
    )
    failures = "\n".join(
        line for line in proc.stdout.splitlines() if line.lstrip().startswith("not ok")
    )
    assert proc.returncode == 0, (
        f"node --test tests/runtime/runtime.test.mjs failed:\n{failures}\n\n"
        + "\n".join(proc.stdout.splitlines()[-120:])
    )
    assert int(counts.get("pass", 0)) > 0
