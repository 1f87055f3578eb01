"""The package builds into a pure-Python wheel with every module, py.typed, and numpy only."""

from __future__ import annotations

import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "infotheory"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "-w",
            str(out),
            "--disable-pip-version-check",
            "-q",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}"
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, f"expected exactly one wheel, got {[w.name for w in wheels]}"
    return wheels[0]


def test_exactly_one_pure_python_wheel(wheel):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert wheel.name == f"infotheory-{version}-py3-none-any.whl"


def test_wheel_contains_every_module_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"infotheory/{p.name}" for p in PACKAGE.glob("*.py")}
    assert {"infotheory/__init__.py", "infotheory/logits.py", "infotheory/_blocks.py"} <= modules
    missing = (modules | {"infotheory/py.typed"}) - names
    assert not missing, f"missing from the wheel: {sorted(missing)}"
    # nothing but the package and its metadata (no tests, docs or site)
    stray = [n for n in names if not n.startswith(("infotheory/", "infotheory-"))]
    assert not stray, f"unexpected files in the wheel: {stray}"


def test_numpy_is_the_only_dependency(wheel):
    with zipfile.ZipFile(wheel) as zf:
        [metadata_name] = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(zf.read(metadata_name))
    requires = metadata.get_all("Requires-Dist") or []
    assert len(requires) == 1, requires
    assert requires[0].replace(" ", "").startswith("numpy"), requires
    assert ";" not in requires[0]  # not conditional on an extra or a platform
    assert metadata["Name"] == "infotheory"
