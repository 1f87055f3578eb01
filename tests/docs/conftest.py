"""Shared fixtures of the documentation tests: one strict build of the site per session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .sources import ROOT


@dataclass
class BuiltSite:
    returncode: int  # of `mkdocs build --strict`
    log: str  # everything it printed (stdout and stderr)
    site_dir: Path | None  # a complete build to inspect, or None if the site cannot build


def _mkdocs_build(site_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": ""}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "properdocs",
            "build",
            "-f",
            "mkdocs.yml",
            *options,
            "--site-dir",
            str(site_dir),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


_BUILDS: list[BuiltSite] = []  # the session's one build, shared with tests/browser/


def build_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """``mkdocs build --strict`` into a temporary directory, once per test session.

    Runs in a subprocess from the repository root, exactly as `make docs` does, so the
    hooks, the snippets base path and node_modules/ resolve as they do for authors.
    If the strict build fails only because of warnings, the site is built once more
    without --strict, so that the HTML checks still run and report their own findings
    (test_strict_build_succeeds_without_warnings fails either way). The browser tests
    (tests/browser/conftest.py) call this too, and get the same build.
    """
    if _BUILDS:
        return _BUILDS[0]
    strict_dir = tmp_path_factory.mktemp("site")
    strict = _mkdocs_build(strict_dir, "--strict")
    if strict.returncode == 0:
        built = BuiltSite(strict.returncode, strict.stdout, strict_dir)
    else:
        lenient_dir = tmp_path_factory.mktemp("site-lenient")
        lenient = _mkdocs_build(lenient_dir)
        usable = lenient_dir if lenient.returncode == 0 else None
        built = BuiltSite(strict.returncode, strict.stdout, usable)
    _BUILDS.append(built)
    return built


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The session's build of the site (see :func:`build_site`)."""
    return build_site(tmp_path_factory)


@pytest.fixture(scope="session")
def site(built_site: BuiltSite) -> Path:
    """The built site's directory (skips the HTML checks if the site cannot build)."""
    if built_site.site_dir is None:
        pytest.skip("the site does not build; see test_strict_build_succeeds_without_warnings")
    return built_site.site_dir
