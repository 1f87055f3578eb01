"""Fixtures of the runtime tests: the staged Pyodide tree, and node to run things in it.

The tests here exercise the in-browser Python runtime without a browser: the asset
pipeline (sitetools/pyodide/) in-process, and the runtime JS and the package
itself inside real Pyodide (the pinned release) under node, from the very files the site serves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitetools import pyodide as pyodide_assets

ROOT = Path(__file__).resolve().parents[2]
SUMMARY: list[str] = []  # lines for the end of the pytest report


@pytest.fixture(scope="session")
def assets():
    """The asset pipeline, :mod:`sitetools.pyodide`."""
    return pyodide_assets


@pytest.fixture(scope="session")
def staged(assets):
    """The node tests' tree (.cache/pyodide/node/assets/) plus the pytest wheels."""
    try:
        result = assets.stage_for_node()
        assets.pyodide_test_wheels()
    except assets.AssetError as exc:
        pytest.fail(f"the Pyodide assets could not be prepared:\n{exc}", pytrace=False)
    return result


@pytest.fixture(scope="session")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("`node` is not on PATH; the runtime tests need it (see README).")
    return path


def run_node(node: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def pyodide_result(output: str) -> dict | None:
    for line in reversed(output.splitlines()):
        if line.startswith("PYODIDE-RESULT "):
            return json.loads(line[len("PYODIDE-RESULT ") :])
    return None


def pytest_terminal_summary(terminalreporter):
    if SUMMARY:
        terminalreporter.section("in-browser runtime (Pyodide under node)")
        for line in SUMMARY:
            terminalreporter.write_line(line)
