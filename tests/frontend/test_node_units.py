"""The pure front-end JavaScript under node's own test runner, against the package.

``frontend/widgets/math.js`` (the widgets' numbers) and ``frontend/exercises/check.js``
(answer parsing and checking) touch no DOM, so node imports them directly and the browser
tests need only check what needs a browser. Here, in Python, every expected value is
computed, by ``infotheory`` (reference.py) and from the exercises' data as the build
produces them (exercise_data.py); they are written to a JSON file in pytest's temporary
directory, and each ``tests/frontend/*.test.mjs`` runs under ``node --test`` with that
file's path in ``INFOTHEORY_FRONTEND_EXPECTED``. A failing node test fails its pytest test
with node's report of it.

* ``math.test.mjs``: entropy, cross-entropy and KL (0·log 0 = 0, ∞ where the model has a
  zero, clamping at 0), bits and nats, editing a distribution; softmax at temperatures,
  label smoothing, the KL leash; Gaussian and mixture log-densities and moments; adaptive
  quadrature over finite, half-infinite and infinite ranges, reversed bounds, ∞ and no
  convergence; ``klContinuous`` with and without ``normalize`` on windows and the whole
  line, and the masses it must refuse; Nelder–Mead; the forward and reverse fits.
* ``check.test.mjs``: every exercise in both languages: the right answer as the page shows
  it (a decimal comma in Spanish), each listed mistake, a wrong number, ``within`` against
  the build's ``within`` at the tolerance's edges; bad input comes back as a parse error,
  never as a verdict.

The JavaScript mirrors the package's numerics, not its bits; math.test.mjs states each
tolerance and why. Where math.js is known to differ from the package, its tests are
``todo`` in node (run and reported, not failing) and listed at the end of pytest's report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from . import exercise_data, reference
from .conftest import SUMMARY

ROOT = Path(__file__).resolve().parents[2]
ENV = "INFOTHEORY_FRONTEND_EXPECTED"
NODE_FILES = sorted(Path(__file__).resolve().parent.glob("*.test.mjs"))
NODE_TIMEOUT = 120  # seconds; each file takes 1 to 4 s


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every expected value, as JSON in pytest's temporary directory."""
    values = {"math": reference.everything(), "exercises": exercise_data.everything()}
    path = tmp_path_factory.mktemp("frontend") / "expected.json"
    path.write_text(json.dumps(values, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("`node` is not on PATH; the front-end unit tests need node >= 20.")
    return path


def failed_tests(tap: str) -> str:
    """Each failed test of a TAP report with its diagnostics (not the suites around it)."""
    blocks, block = [], None
    for line in tap.splitlines():
        if block is None:
            if line.lstrip().startswith("not ok") and "# TODO" not in line:
                block = [line]
        else:
            block.append(line)
            if line.strip() == "...":
                if not any("type: 'suite'" in b for b in block):
                    blocks.append("\n".join(block))
                block = None
    return "\n\n".join(blocks)


def test_both_node_files_are_here() -> None:
    assert {"math.test.mjs", "check.test.mjs"} <= {p.name for p in NODE_FILES}, NODE_FILES


@pytest.mark.parametrize("script", NODE_FILES, ids=lambda p: p.name)
def test_node_unit_tests(node: str, expected: Path, script: Path) -> None:
    command = [node, "--test", "--test-reporter=tap", str(script.relative_to(ROOT))]
    proc = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, ENV: str(expected)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=NODE_TIMEOUT,
    )
    tap = proc.stdout
    counts = {k: int(v) for k, v in re.findall(r"^# (pass|fail|cancelled|todo) (\d+)$", tap, re.M)}
    todo = re.findall(r"^\s*(?:not )?ok \d+ - (.*?) # TODO", tap, re.M)
    SUMMARY.append(
        f"{script.name}: {counts.get('pass', '?')} passed, {counts.get('fail', '?')} failed"
        + (f"; known differences from the package (todo): {'; '.join(todo)}" if todo else "")
    )
    assert proc.returncode == 0 and not counts.get("fail") and not counts.get("cancelled"), (
        f"node --test {script.relative_to(ROOT)} failed (expected values in {expected}):\n\n"
        + (failed_tests(tap) or "\n".join(tap.splitlines()[-100:]))
    )
    assert counts.get("pass", 0) > 0, tap[-2000:]
