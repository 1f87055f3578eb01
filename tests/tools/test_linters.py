"""The linters run over the whole repository, as part of `make test`.

ruff (lint and format check) over all Python, eslint (eslint.config.js) over all
JavaScript, and TypeScript's compiler over the sources that carry ``// @ts-check``
(tsconfig.json). Each failure prints the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"
RUFF = Path(sys.executable).with_name("ruff")


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
    )


def assert_clean(proc: subprocess.CompletedProcess[str], what: str) -> None:
    assert proc.returncode == 0, f"{what} found problems:\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.parametrize(
    "args", [["check", "."], ["format", "--check", "."]], ids=["ruff check", "ruff format"]
)
def test_ruff(args):
    assert RUFF.is_file(), f"{RUFF} is missing: run `make install`"
    assert_clean(run([str(RUFF), *args]), f"ruff {args[0]}")


def test_eslint():
    eslint = NODE_BIN / "eslint"
    assert eslint.is_file(), f"{eslint} is missing: run `make node`"
    assert_clean(run([str(eslint), "--max-warnings", "0", "."]), "eslint")


def test_tsc():
    tsc = NODE_BIN / "tsc"
    assert tsc.is_file(), f"{tsc} is missing: run `make node`"
    configs = sorted(ROOT.glob("tsconfig*.json"))
    assert configs, "tsconfig.json is missing"
    for config in configs:
        assert_clean(
            run([str(tsc), "--noEmit", "-p", str(config.relative_to(ROOT))]),
            f"tsc -p {config.name}",
        )
