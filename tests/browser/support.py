"""What the browser tests and benchmarks/bench_cells.py share: a local server for the built
site under its sub-path, and Debian's Chromium driven by Playwright.

Nothing leaves the machine: the server listens on 127.0.0.1 only, and the browser sends
every request for another host to a proxy that does not exist (``127.0.0.1:1``, refused at
once), so it fails instead of going out; loopback bypasses the proxy, as Chromium always
does. Playwright's own browser builds are never used (no ``playwright install``).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import posixpath
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SUB_PATH = "/infotheory/"  # the sub-path of site_url in mkdocs.yml
# Debian's Chromium here and in CI; the GitHub workflow points CHROMIUM at Google Chrome.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Block everything that is not loopback (see the module docstring).
    "--proxy-server=http://127.0.0.1:1",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
MIME_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".py": "text/plain",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".html": "text/html",
    ".ipynb": "application/json",
}


class SiteServer:
    """The built site at ``http://127.0.0.1:<port>/infotheory/``, served from a thread.

    Like GitHub Pages: ``/dir/`` serves ``dir/index.html``, a missing file gets the site's
    404.html with status 404, and responses may be cached for 10 minutes. ``isolated``
    adds the COOP/COEP headers that make a page cross-origin isolated (GitHub Pages
    cannot send them; the runtime then interrupts with SharedArrayBuffer). Bytes sent
    are counted, for the benchmark.
    """

    def __init__(self, site_dir: Path, *, isolated: bool = False) -> None:
        self.site_dir = Path(site_dir)
        self.isolated = isolated
        self.bytes_sent = 0
        self.requests: list[tuple[str, int, int]] = []  # (path, status, bytes)
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.site_dir), **kwargs)

            def translate_path(self, path: str) -> str:
                path = unquote(urlsplit(path).path)
                if not path.startswith(SUB_PATH):
                    return str(server.site_dir / "\0missing")
                relative = posixpath.normpath(path[len(SUB_PATH) :] or ".")
                if relative.startswith(".."):
                    return str(server.site_dir / "\0missing")
                target = server.site_dir / relative
                return str(target) + ("/" if path.endswith("/") else "")

            def send_head(self):
                target = Path(self.translate_path(self.path))
                if target.is_dir() and not (target / "index.html").is_file():
                    target = Path("\0missing")
                if not target.exists():
                    page_404 = server.site_dir / "404.html"
                    body = page_404.read_bytes() if page_404.is_file() else b"Not found"
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self._count(404, len(body))
                    if self.command == "GET":
                        self.wfile.write(body)
                    return None
                return super().send_head()

            def send_response(self, code, message=None):
                super().send_response(code, message)
                self._status = code

            def end_headers(self):
                self.send_header("Cache-Control", "max-age=600")
                if server.isolated:
                    self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                    self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
                super().end_headers()

            def copyfile(self, source, outputfile):
                before = source.tell()
                super().copyfile(source, outputfile)
                self._count(getattr(self, "_status", 200), source.tell() - before)

            def _count(self, status: int, size: int) -> None:
                with server._lock:
                    server.bytes_sent += size
                    server.requests.append((self.path, status, size))

            def log_message(self, format, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.root_url = self.origin + SUB_PATH
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, page: str = "") -> str:
        """URL of a site-relative path: ``url("es/entropy/")``."""
        return self.root_url + page

    def reset_counters(self) -> None:
        with self._lock:
            self.bytes_sent = 0
            self.requests = []

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def chromium(playwright, **context_options) -> Iterator:
    """A persistent context of Debian's Chromium in a fresh, temporary profile."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        **context_options,
    )
    try:
        yield context
    finally:
        try:
            context.close()
        finally:
            shutil.rmtree(profile, ignore_errors=True)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws") and parts.hostname == "127.0.0.1"
