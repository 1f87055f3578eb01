"""frontend/runtime/unzip.js, the worker's wheel reader, against Python's zipfile.

The worker installs the numpy and infotheory wheels with it (not with Pyodide's
loadPackage), so it must read exactly the files zipfile reads, and refuse what would be
unsafe or damaged rather than install something else.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from .conftest import run_node


def read_with_js(node: str, path: Path):
    proc = run_node(node, "tests/runtime/unzip_files.mjs", str(path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def read_with_zipfile(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        return [
            [info.filename, hashlib.sha256(archive.read(info)).hexdigest()]
            for info in archive.infolist()
            if not info.is_dir()
        ]


def test_the_shipped_wheels_read_exactly_as_zipfile_reads_them(staged, node):
    pyodide = staged.assets_dir / "pyodide"
    wheels = [*staged.manifest["packageWheels"], *(w["file"] for w in staged.manifest["wheels"])]
    assert any(name.startswith("numpy-") for name in wheels)
    for name in wheels:
        assert read_with_js(node, pyodide / name) == read_with_zipfile(pyodide / name), name


def make_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_stored_and_deflated_entries(tmp_path, node):
    members = {"pkg/__init__.py": b"x = 1\n" * 100, "pkg/data.bin": bytes(range(256)) * 50}
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        path = make_zip(tmp_path / f"m{method}.zip", members, method)
        assert read_with_js(node, path) == read_with_zipfile(path)


@pytest.mark.parametrize("name", ["../evil.py", "/etc/evil.py", "pkg/../../evil.py", "pkg//x.py"])
def test_a_name_that_leaves_site_packages_is_refused(tmp_path, node, name):
    path = make_zip(tmp_path / "evil.zip", {name: b"print('no')\n"})
    assert "unsafe file name" in read_with_js(node, path)["error"]


def test_damaged_archives_are_refused(tmp_path, node):
    (tmp_path / "not.zip").write_bytes(b"PK but not really" * 10)
    assert read_with_js(node, tmp_path / "not.zip")["error"] == "not a zip archive"

    path = make_zip(tmp_path / "size.zip", {"a.txt": b"hello world" * 100})
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (5).to_bytes(4, "little")  # claim 5 bytes inflated
    (tmp_path / "size.zip").write_bytes(bytes(data))
    assert "expected 5" in read_with_js(node, tmp_path / "size.zip")["error"]

    path = make_zip(tmp_path / "bz.zip", {"a.txt": b"hello" * 100}, zipfile.ZIP_BZIP2)
    assert "compression method 12" in read_with_js(node, path)["error"]


def test_without_decompression_stream_pyodide_unpacks_the_wheels(staged, node):
    proc = run_node(node, "tests/runtime/without_decompression_stream.mjs", timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["output"] == [["stdout", "1.0\n"]]
    assert result["loaded"] == ["numpy"], "numpy came through pyodide.loadPackage"
    assert result["info"]["numpy"] == "2.0.2"
