"""Lint the GitHub Actions workflows offline.

check-jsonschema validates each workflow against its built-in GitHub workflow
schema; zizmor audits it for security problems (unpinned actions, excessive
permissions, credential persistence, template injection) without network access.
"""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = pathlib.Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT)


def test_there_is_a_pages_workflow():
    assert ROOT / ".github" / "workflows" / "pages.yml" in WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow):
    result = run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing(workflow):
    result = run(str(BIN / "zizmor"), "--offline", "--no-progress", str(workflow))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_uses_the_makefile_targets(workflow):
    text = workflow.read_text()
    assert "make test" in text and "make docs" in text
