"""Math rendered with KaTeX at build time, so the site ships no math JavaScript.

pymdownx.arithmatex (``generic: true``) leaves every formula in the page HTML as

    <span class="arithmatex">\\(...\\)</span>        inline:  $...$ or \\(...\\)
    <div class="arithmatex">\\[...\\]</div>          display: $$...$$, \\[...\\] or a ```math fence

:func:`render_math` replaces each of them with the HTML that the npm ``katex`` package
produces. All formulas of a build go through ONE long-lived ``node render.mjs`` process
(beside this module) that speaks JSON lines on stdin/stdout: a :class:`KatexServer`,
started on first use and stopped by its ``close()``. Invalid TeX, and anything KaTeX's
strict mode would only warn about, is a :class:`KatexError` naming the page and the
formula. :func:`publish` copies the only KaTeX files readers need, ``katex.min.css`` and
``fonts/``, from ``node_modules/katex/dist`` into the built site (never committed).
hooks/katex.py wires all this to MkDocs.
"""

from __future__ import annotations

import filecmp
import html
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("render.mjs")
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


class KatexError(RuntimeError):
    """KaTeX is missing, its process failed, or a formula does not render."""


class KatexServer:
    """One ``node`` process rendering formulas on request, with a memo of past results."""

    def __init__(self) -> None:
        # Started on first use (a build without math starts no node), stopped by close().
        self._proc: subprocess.Popen[str] | None = None
        self._next_id = 0
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, bool], tuple[bool, str]] = {}

    def _start(self) -> subprocess.Popen[str]:
        if not (KATEX_DIST / "katex.mjs").is_file():
            raise KatexError(
                f"KaTeX is not installed ({KATEX_DIST} is missing): run `make node` "
                "(or `npm ci`) in the repository root."
            )
        node = shutil.which("node")
        if node is None:
            raise KatexError("`node` is not on PATH; the site build needs it for KaTeX.")
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
                raise KatexError(f"the KaTeX renderer process died: {exc}") from exc
            if not line:
                raise KatexError(
                    f"the KaTeX renderer process exited (code {self._proc.poll()}); "
                    "see its error output above."
                )
            reply = json.loads(line)
            if reply.get("id") != self._next_id:
                raise KatexError(f"the KaTeX renderer answered out of order: {line!r}")
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


def render_math(server: KatexServer, page_html: str, where: str) -> str:
    """Replace every arithmatex element of ``page_html`` by KaTeX's HTML."""
    errors: list[str] = []

    def replace(match: re.Match[str]) -> str:
        tag, attrs, body = match["tag"], match["attrs"], match["body"].strip()
        opening, closing, display = WRAPPERS[tag]
        if not (body.startswith(opening) and body.endswith(closing)):
            errors.append(f"unexpected arithmatex output {match[0]!r}")
            return match[0]
        tex = html.unescape(body[len(opening) : -len(closing)]).strip()
        ok, result = server.render(tex, display)
        if not ok:
            errors.append(f"{'display' if display else 'inline'} formula: {tex}\n    {result}")
            return match[0]
        return f"<{tag}{attrs}>{result}</{tag}>"

    rendered = MATH_RE.sub(replace, page_html)
    if errors:
        raise KatexError(f"KaTeX could not render math in {where}:\n  " + "\n  ".join(errors))
    return rendered


def publish(site_dir: Path) -> None:
    """Copy katex.min.css and fonts/ into ``site_dir/assets/katex/`` (unchanged files skipped)."""
    if not (KATEX_DIST / "katex.min.css").is_file():
        raise KatexError(f"KaTeX is not installed ({KATEX_DIST} is missing): run `make node`.")
    target = Path(site_dir) / ASSET_DIR
    for source in [KATEX_DIST / "katex.min.css", *sorted((KATEX_DIST / "fonts").iterdir())]:
        dest = target / source.relative_to(KATEX_DIST)
        if dest.is_file() and filecmp.cmp(source, dest, shallow=False):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
