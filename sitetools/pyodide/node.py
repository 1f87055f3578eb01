"""What Pyodide itself makes under node at build time: the memory snapshot and the
bytecode of the wheels (snapshot.mjs and bytecode.mjs beside this module)."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from .files import (
    BYTECODE_SCRIPT,
    CACHE,
    NPM_DIR,
    ROOT,
    SNAPSHOT_IMPORTS,
    SNAPSHOT_SCRIPT,
    AssetError,
    _atomic_write,
    log,
    sha256_file,
)


def _node_version() -> str:
    try:
        return subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise AssetError(f"node is needed to prepare the Python runtime: {exc}") from exc


def _made_by_node(
    kind: str,
    file_name: str,
    script: Path,
    npm_dir: Path,
    args: Sequence[str],
    inputs: Sequence[Path],
    extra_key: str,
    what: str,
    cache: Path,
    finish=None,
) -> Path:
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
        proc = subprocess.run(
            ["node", str(script), str(npm_dir), str(tmp), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise AssetError(f"{what} failed:\n" + proc.stderr[-4000:])
        _atomic_write(target, finish(tmp.read_bytes()) if finish else tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)
    for old in (cache / kind).iterdir():  # keep only the current one
        if old != target.parent:
            shutil.rmtree(old, ignore_errors=True)
    return target


def memory_snapshot(
    cache: Path = CACHE, npm_dir: Path = NPM_DIR, imports: Sequence[str] = SNAPSHOT_IMPORTS
) -> Path:
    """A gzipped memory snapshot of Pyodide started, made under node and cached.

    Restoring it skips CPython's start-up in the browser (seconds on a slow machine; see
    sitetools/pyodide/snapshot.mjs). It fits only the pyodide.asm.wasm it was made with,
    so the cache key covers the npm files, the script, the imports and node's version.
    """
    return _made_by_node(
        "snapshot",
        "snapshot.bin.gz",
        SNAPSHOT_SCRIPT,
        npm_dir,
        list(imports),
        [
            npm_dir / name
            for name in ("pyodide.asm.wasm", "pyodide.asm.js", "pyodide.mjs", "python_stdlib.zip")
        ],
        " ".join(imports),
        "making the Pyodide memory snapshot",
        cache,
        # mtime=0: the same snapshot gives the same file (and the same SRI hash)
        finish=lambda raw: gzip.compress(raw, compresslevel=6, mtime=0),
    )


def bytecode(wheels: Sequence[Path], cache: Path = CACHE, npm_dir: Path = NPM_DIR) -> Path:
    """The wheels' modules compiled to .pyc by Pyodide's CPython, zipped; cached.

    Importing numpy from source costs the browser about half the import; see
    sitetools/pyodide/bytecode.mjs.
    """
    names = ", ".join(w.name.split("-")[0] for w in wheels)
    return _made_by_node(
        "bytecode",
        "bytecode.zip",
        BYTECODE_SCRIPT,
        npm_dir,
        [str(w) for w in wheels],
        [*wheels, npm_dir / "pyodide.asm.wasm", npm_dir / "python_stdlib.zip"],
        "",
        f"compiling {names} to bytecode",
        cache,
    )
