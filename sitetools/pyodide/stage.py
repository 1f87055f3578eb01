"""The tree served at ``<site>/assets/``: the Pyodide files, the wheels, the runtime JS
and a manifest with the SRI hash of every file the worker fetches."""

from __future__ import annotations

import base64
import filecmp
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .files import (
    CACHE,
    CDN_URL,
    CORE_FILES,
    DEFAULT_PACKAGES,
    PYODIDE_VERSION,
    RUNTIME_FILES,
    RUNTIME_SRC,
    SOURCES,
    SRI_FILES,
    AssetError,
    _atomic_copy,
    _atomic_write,
    sha256_file,
    sri_hash,
    verify_sha256,
)
from .node import bytecode, memory_snapshot
from .wheels import infotheory_wheel, load_lock, npm_pyodide, official_wheels, package_closure


@dataclass
class Staged:
    assets_dir: Path
    manifest: dict
    copied: int  # files written (unchanged ones are skipped)


def _copy_if_changed(source: Path, dest: Path) -> bool:
    if (
        dest.is_file()
        and dest.stat().st_size == source.stat().st_size
        and filecmp.cmp(source, dest, shallow=False)
    ):
        return False
    _atomic_copy(source, dest)
    return True


def stage(
    assets_dir: Path, *, source: str = "self", packages: Sequence[str] = DEFAULT_PACKAGES
) -> Staged:
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
        integrity[entry["file_name"]] = (
            "sha256-" + base64.b64encode(bytes.fromhex(entry["sha256"])).decode()
        )
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
        "snapshot": {
            "file": "snapshot.bin.gz",
            "encoding": "gzip",
            "integrity": sri_hash(snapshot),
        },
        "bytecode": {"file": "bytecode.zip", "integrity": sri_hash(compiled)},
        "runner": {
            "file": "../runtime/runner.py",
            "integrity": sri_hash(RUNTIME_SRC / "runner.py"),
        },
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
