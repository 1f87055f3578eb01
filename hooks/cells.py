"""MkDocs hook: every doctest example of a page becomes a runnable cell.

Build time only sets the stage; the cells come alive in the browser (frontend/cells/).

1. **Markup.** Each rendered example, a highlighted block whose code starts with a
   ``>>>`` prompt (the ```` ```pycon ```` fences of the pages and snippets, and the
   docstring examples of the API reference), is wrapped as

       <div class="cell" data-cell="3">
         <div class="highlight">...</div>      the static view, untouched: code and the
                                                output checked by `make test`, readable
                                                with scripts off
         <script type="application/json" class="cell-data">{...}</script>
       </div>

   The JSON holds ``code`` (the prompts stripped, continuation lines kept, doctest
   directives removed) and ``examples``: one ``{"source", "want", "exception",
   "flags"}`` per ``>>>`` example, the output the build checked. Cells are numbered
   from 1 in page order; the count lives in the call, nothing is kept across pages.
   It runs before hooks/doctest_flags.py, which then hides the directives from readers.

2. **Front-end.** ``frontend/cells/main.js`` (the cell UI, CodeMirror 6 and the
   Pyodide session of frontend/runtime/) is bundled by esbuild from node_modules into
   ``<site_dir>/assets/cells/`` after each build, and added to every page as a module
   script plus a stylesheet. The bundle is never committed; it is rebuilt when a file
   under frontend/ changes, so `mkdocs serve` picks up edits.
"""

from __future__ import annotations

import doctest
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

log = get_plugin_logger(__name__)

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
ENTRY = FRONTEND / "cells" / "main.js"
# Bundled in the same esbuild run, each to <name>.js (+ <name>.css): the exercises of the
# theory pages (hooks/exercises.py adds their script and stylesheet to the pages).
ENTRIES = [ENTRY, FRONTEND / "exercises" / "exercises.js"]
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
ASSET_DIR = "assets/cells"  # inside site_dir
SCRIPT_URL = f"{ASSET_DIR}/main.js"
CSS_URL = f"{ASSET_DIR}/main.css"

# A Pygments block as pymdownx.highlight renders it (pages) or mkdocstrings does (API
# reference). Its code is HTML-escaped text inside spans, so the first </code> ends it.
BLOCK_RE = re.compile(
    r'<div class="(?:[^"]*\s)?highlight(?:\s[^"]*)?"[^>]*>\s*'
    r"(?P<filename><span class=\"filename\">.*?</span>\s*)?"
    r"<pre[^>]*>(?:<span></span>)?<code[^>]*>(?P<code>.*?)</code></pre>\s*</div>",
    re.DOTALL,
)
PROMPT_HTML = '<span class="gp">&gt;&gt;&gt; </span>'
TAG_RE = re.compile(r"<[^>]+>")
DIRECTIVE_RE = re.compile(r"[ \t]*#\s*doctest:[^\n]*")

PARSER = doctest.DocTestParser()
doctest.register_optionflag("NUMBER")  # Sybil's flag (CONTRIBUTING.md); idempotent
FLAG_NAMES = {flag: name for name, flag in doctest.OPTIONFLAGS_BY_NAME.items()}


def cell_data(text: str) -> dict:
    """The runnable code and the expected output of one doctest block's text."""
    examples = PARSER.get_examples(text)
    code = "".join(DIRECTIVE_RE.sub("", ex.source, count=1) for ex in examples)
    return {
        "code": code,
        "examples": [
            {
                "source": DIRECTIVE_RE.sub("", ex.source, count=1),
                "want": ex.want.replace("<BLANKLINE>", ""),
                "exception": ex.exc_msg is not None,
                "flags": sorted(FLAG_NAMES[f] for f, on in ex.options.items() if on),
            }
            for ex in examples
        ],
    }


def json_for_script(data: dict) -> str:
    """JSON that cannot end or confuse the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


def add_cells(page_html: str, where: str) -> str:
    count = 0

    def wrap(match: re.Match[str]) -> str:
        nonlocal count
        if not match["code"].startswith(PROMPT_HTML):
            return match[0]
        text = html.unescape(TAG_RE.sub("", match["code"]))
        try:
            data = cell_data(text)
        except ValueError as exc:  # doctest's own complaint about a malformed example
            raise PluginError(f"cells: cannot read the example in {where}: {exc}") from exc
        if not data["examples"]:
            return match[0]
        count += 1
        return (
            f'<div class="cell" data-cell="{count}">{match[0]}'
            f'<script type="application/json" class="cell-data">{json_for_script(data)}</script>'
            "</div>"
        )

    return BLOCK_RE.sub(wrap, page_html)


# ---------------------------------------------------------------- the front-end bundle


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(FRONTEND.rglob("*")):
        if path.is_file() and path.suffix in {".js", ".mjs", ".css", ".json"}:
            stat = path.stat()
            digest.update(
                f"{path.relative_to(FRONTEND)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
            )
    lock = ROOT / "package-lock.json"
    if lock.is_file():
        digest.update(str(lock.stat().st_mtime_ns).encode())
    return digest.hexdigest()


class Bundle:
    """esbuild's output for the current sources, built at most once per change."""

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._fingerprint = ""

    def path(self) -> Path:
        fingerprint = _fingerprint()
        if self._dir is None or fingerprint != self._fingerprint:
            self._build()
            self._fingerprint = fingerprint
        assert self._dir is not None
        return Path(self._dir.name)

    def _build(self) -> None:
        if not ESBUILD.exists():
            raise PluginError(
                f"esbuild is not installed ({ESBUILD} is missing): run `make node` "
                "(or `npm ci`) in the repository root."
            )
        out = tempfile.TemporaryDirectory(prefix="cells-bundle-")
        command = [
            str(ESBUILD), *(str(entry.relative_to(ROOT)) for entry in ENTRIES),
            "--bundle", "--format=esm", "--splitting", "--minify", "--target=es2020",
            "--charset=utf8", "--legal-comments=none", "--log-level=warning",
            f"--outdir={out.name}", "--entry-names=[name]", "--chunk-names=chunk-[hash]",
            "--asset-names=[name]-[hash]",
        ]  # fmt: skip
        result = subprocess.run(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if result.returncode != 0 or result.stdout.strip():
            out.cleanup()
            raise PluginError(
                f"esbuild could not bundle {', '.join(str(e.relative_to(ROOT)) for e in ENTRIES)}:\n{result.stdout}"
            )
        if self._dir is not None:
            self._dir.cleanup()
        self._dir = out
        log.debug("cells: bundled %s", sorted(p.name for p in Path(out.name).iterdir()))


BUNDLE = Bundle()


# ---------------------------------------------------------------- MkDocs events


def on_config(config):
    if CSS_URL not in config.extra_css:
        config.extra_css.append(CSS_URL)
    if all(str(script) != SCRIPT_URL for script in config.extra_javascript):
        script = ExtraScriptValue(SCRIPT_URL)
        script.type = "module"
        config.extra_javascript.append(script)
    return config


@event_priority(5)  # before hooks/doctest_flags.py (0) hides the directives; after docstring math
def on_page_content(html_content, page, config, files):
    return add_cells(html_content, f"page {page.file.src_uri}")


def on_post_build(config):
    """Copy the bundle into <site_dir>/assets/cells/, replacing what an older build left."""
    source = BUNDLE.path()
    target = Path(config.site_dir) / ASSET_DIR
    if target.is_dir():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for file in sorted(source.iterdir()):
        shutil.copyfile(file, target / file.name)  # the files only: not the temp dir's mode
