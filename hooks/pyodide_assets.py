"""MkDocs hook: ship the in-browser Python runtime (Pyodide + numpy + infotheory).

After each build (``mkdocs build`` and every ``mkdocs serve`` rebuild) it stages into
``<site_dir>/assets/``:

* ``pyodide/``: the pinned Pyodide's core files from npm, the official numpy wheel checked
  against the official pyodide-lock.json, the infotheory wheel built from this checkout,
  and ``manifest.json`` (what the worker loads and the SRI hash of each file);
* ``runtime/``: ``session.js`` (the page API), ``worker.js``, ``engine.js``, ``runner.py``
  from frontend/runtime/.

The fetching, caching and verification live in :mod:`sitetools.pyodide` (see its
docstring); nothing is downloaded when ``.cache/pyodide/`` already has the files. A
missing or mismatching file fails the build.

``extra.pyodide`` in mkdocs.yml chooses where the browser gets Pyodide itself::

    extra:
      pyodide:
        source: self   # default: everything from this site (what the tests use)
        # source: cdn  # Pyodide and numpy from cdn.jsdelivr.net (same release, checked
        #              # with the SRI hashes computed here); the infotheory wheel and the
        #              # runtime JS still come from this site
        packages: [numpy]  # Pyodide packages to load (their lock dependencies follow)
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from sitetools import pyodide as assets

log = get_plugin_logger(__name__)


def _settings(config) -> tuple[str, list[str]]:
    settings = (config.extra or {}).get("pyodide") or {}
    if not isinstance(settings, dict):
        raise PluginError("extra.pyodide in mkdocs.yml must be a mapping (source, packages)")
    unknown = set(settings) - {"source", "packages"}
    if unknown:
        raise PluginError(f"extra.pyodide: unknown keys {sorted(unknown)}")
    source = settings.get("source", "self")
    if source not in assets.SOURCES:
        raise PluginError(
            f"extra.pyodide.source must be one of {list(assets.SOURCES)}, not {source!r}"
        )
    packages = settings.get("packages", list(assets.DEFAULT_PACKAGES))
    if not (isinstance(packages, list) and all(isinstance(p, str) for p in packages)):
        raise PluginError("extra.pyodide.packages must be a list of Pyodide package names")
    if "numpy" not in packages:
        raise PluginError("extra.pyodide.packages must include numpy (infotheory needs it)")
    return source, packages


def on_config(config):
    _settings(config)  # fail early, before anything is rendered
    return config


def on_post_build(config):
    source, packages = _settings(config)
    try:
        staged = assets.stage(Path(config.site_dir) / "assets", source=source, packages=packages)
    except assets.AssetError as exc:
        raise PluginError(f"the in-browser Python runtime could not be staged:\n{exc}") from exc
    if staged.copied:
        log.info(
            "Python runtime: Pyodide %s (%s) staged in assets/pyodide/, build %s",
            staged.manifest["pyodide"],
            source,
            staged.manifest["build"],
        )
