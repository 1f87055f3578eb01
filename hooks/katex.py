"""MkDocs hook: render math with KaTeX at build time, so the site ships no math JavaScript.

pymdownx.arithmatex (``generic: true``) leaves every formula in the page HTML as

    <span class="arithmatex">\\(...\\)</span>        inline:  $...$ or \\(...\\)
    <div class="arithmatex">\\[...\\]</div>          display: $$...$$, \\[...\\] or a ```math fence

This hook replaces each of them with the HTML that the npm ``katex`` package produces.
All formulas of a build go through ONE long-lived ``node frontend/katex-render.mjs``
process that speaks JSON lines on stdin/stdout (started on first use, stopped when
MkDocs shuts down, or at interpreter exit). Invalid TeX, and anything KaTeX's strict
mode would only warn about, fails the build naming the page and the formula.

It also publishes the only KaTeX files readers need, ``katex.min.css`` and ``fonts/``,
copied from ``node_modules/katex/dist`` into ``<site_dir>/assets/katex/`` after each
build (they are never committed), and adds that stylesheet to ``extra_css``.
"""

from __future__ import annotations

import atexit
import filecmp
import html
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "frontend" / "katex-render.mjs"
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
ASSET_DIR = "assets/katex"  # inside site_dir
CSS_URL = f"{ASSET_DIR}/katex.min.css"

# arithmatex's generic output. The body is HTML-escaped text, so it cannot contain a
# closing tag and a lazy match up to the first one is exact.
MATH_RE = re.compile(
    r'<(?P<tag>span|div)(?P<attrs>[^>]*\bclass="arithmatex\b[^"]*"[^>]*)>(?P<body>.*?)</(?P=tag)>',
    re.DOTALL,
)
WRAPPERS = {"span": ("\\(", "\\)", False), "div": ("\\[", "\\]", True)}


class KatexServer:
    """One ``node`` process rendering formulas on request, with a memo of past results."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._next_id = 0
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, bool], tuple[bool, str]] = {}

    def _start(self) -> subprocess.Popen[str]:
        if not (KATEX_DIST / "katex.mjs").is_file():
            raise PluginError(
                f"KaTeX is not installed ({KATEX_DIST} is missing): run `make node` "
                "(or `npm ci`) in the repository root."
            )
        node = shutil.which("node")
        if node is None:
            raise PluginError("`node` is not on PATH; the site build needs it for KaTeX.")
        log.info("Starting the KaTeX renderer: node %s", SCRIPT.relative_to(ROOT))
        return subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,  # line buffered
        )

    def render(self, tex: str, display: bool) -> tuple[bool, str]:
        """Return ``(True, html)`` or ``(False, error message)``."""
        key = (tex, display)
        if key in self._cache:
            return self._cache[key]
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            self._next_id += 1
            request = {"id": self._next_id, "tex": tex, "display": display}
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                line = self._proc.stdout.readline()
            except (BrokenPipeError, OSError) as exc:
                raise PluginError(f"the KaTeX renderer process died: {exc}") from exc
            if not line:
                raise PluginError(
                    f"the KaTeX renderer process exited (code {self._proc.poll()}); "
                    "see its error output above."
                )
            reply = json.loads(line)
            if reply.get("id") != self._next_id:
                raise PluginError(f"the KaTeX renderer answered out of order: {line!r}")
        result = (True, reply["html"]) if "html" in reply else (False, reply["error"])
        self._cache[key] = result
        return result

    def close(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


SERVER = KatexServer()
atexit.register(SERVER.close)


def render_math(page_html: str, where: str) -> str:
    """Replace every arithmatex element of ``page_html`` by KaTeX's HTML."""
    errors: list[str] = []

    def replace(match: re.Match[str]) -> str:
        tag, attrs, body = match["tag"], match["attrs"], match["body"].strip()
        opening, closing, display = WRAPPERS[tag]
        if not (body.startswith(opening) and body.endswith(closing)):
            errors.append(f"unexpected arithmatex output {match[0]!r}")
            return match[0]
        tex = html.unescape(body[len(opening) : -len(closing)]).strip()
        ok, result = SERVER.render(tex, display)
        if not ok:
            errors.append(f"{'display' if display else 'inline'} formula: {tex}\n    {result}")
            return match[0]
        return f"<{tag}{attrs}>{result}</{tag}>"

    rendered = MATH_RE.sub(replace, page_html)
    if errors:
        raise PluginError(f"KaTeX could not render math in {where}:\n  " + "\n  ".join(errors))
    return rendered


# ---------------------------------------------------------------- MkDocs events


def on_config(config):
    if CSS_URL not in config.extra_css:
        config.extra_css.append(CSS_URL)
    return config


def on_page_content(html_content, page, config, files):
    return render_math(html_content, f"page {page.file.src_uri}")


def on_post_build(config):
    """Copy katex.min.css and fonts/ into the built site (skipping unchanged files)."""
    if not (KATEX_DIST / "katex.min.css").is_file():
        raise PluginError(f"KaTeX is not installed ({KATEX_DIST} is missing): run `make node`.")
    target = Path(config.site_dir) / ASSET_DIR
    sources = [KATEX_DIST / "katex.min.css", *sorted((KATEX_DIST / "fonts").iterdir())]
    for source in sources:
        dest = target / source.relative_to(KATEX_DIST)
        if dest.is_file() and filecmp.cmp(source, dest, shallow=False):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)


def on_shutdown():
    SERVER.close()
