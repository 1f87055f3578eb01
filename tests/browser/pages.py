"""What the browser tests know about the site's pages, and how they drive a tab."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from docs.sources import language, page_name

from .support import ROOT, SiteServer, is_local

try:  # the labs (notebooks) are pages too, where the docs tests know about them
    from docs.sources import site_pages
except ImportError:  # pragma: no cover
    from docs.sources import pages as site_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CELL_DONE = ("done", "error", "stopped", "failed")  # data-state of a cell that is not busy


# --------------------------------------------------------------------------- the pages


def page_path(source: Path) -> str:
    """Site-relative directory of a page (use_directory_urls): ``es/entropy/``."""
    name = page_name(source)
    prefix = "es/" if language(source) == "es" else ""
    if name == "index":
        return prefix
    if name.endswith("/index"):
        return prefix + name[: -len("index")]
    return f"{prefix}{name}/"


def twin_path(source: Path) -> str:
    name = page_name(source)
    other = "en" if language(source) == "es" else "es"
    prefix = "es/" if other == "es" else ""
    if name == "index":
        return prefix
    return f"{prefix}{name}/"


PAGES = {page_path(p): p for p in site_pages()}


def has_examples(source: Path) -> bool:
    """Whether a page shows doctest examples (so the build makes runnable cells of them)."""
    if source.suffix != ".md":
        return False
    text = source.read_text(encoding="utf-8")
    return bool(re.search(r"^\s*(```pycon|--8<--|::: )", text, flags=re.MULTILINE))


CELL_PAGES = sorted(path for path, source in PAGES.items() if has_examples(source))


def has_math(source: Path) -> bool:
    if source.suffix == ".md":
        from docs.sources import math_spans, parse

        return bool(math_spans(parse(source)))
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    text = "\n".join(
        "".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown"
    )
    return bool(re.search(r"\$[^$\n]+\$", text))


@dataclass
class Watched:
    """A tab and everything that went wrong in it."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "<status or error> <url>"
    outside: list[str] = field(default_factory=list)  # requests not to 127.0.0.1
    dialogs: list[str] = field(default_factory=list)
    listening: bool = True

    def allowed_noise(self) -> set[str]:
        """The only failure the theme causes on its own: for each alternate-language link
        of the page, Material fetches ``<alternate>/sitemap.xml`` (to map the page across
        languages) and the site has one sitemap only, at its root: those are 404s.
        On the home page that is exactly ``<root>/es/sitemap.xml``."""
        hrefs = self.page.evaluate(
            "() => [...document.querySelectorAll('link[rel=alternate][hreflang]')].map(l => l.href)"
        )
        return {urljoin(href, "sitemap.xml") for href in hrefs}

    def problems(self) -> list[str]:
        noise = self.allowed_noise()
        failed = [f for f in self.failed if not (f.startswith("404 ") and f[4:] in noise)]
        console = [
            c
            for c in self.console_errors
            if not (c.startswith("404-resource ") and c.split(" ", 1)[1] in noise)
        ]
        return (
            [f"console error: {c}" for c in console]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"failed request: {f}" for f in failed]
            + [f"request outside 127.0.0.1: {u}" for u in self.outside]
            + [f"dialog opened: {d}" for d in self.dialogs]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


@contextlib.contextmanager
def watch_tab(browser) -> Iterator[Watched]:
    """A new tab of `browser`, recording what goes wrong in it until the block ends."""
    page = browser.new_page()
    record = Watched(page)

    def on_console(message):
        if not record.listening or message.type != "error":
            return
        text = message.text
        url = (message.location or {}).get("url", "")
        if text.startswith("Failed to load resource: the server responded with a status of 404"):
            record.console_errors.append(f"404-resource {url}")
        else:
            record.console_errors.append(f"{text} ({url})")

    def on_response(response):
        if record.listening and response.status >= 400:
            record.failed.append(f"{response.status} {response.url}")

    def on_failed(request):
        if record.listening:
            record.failed.append(f"{request.failure} {request.url}")

    def on_request(request):
        if record.listening and not is_local(request.url):
            record.outside.append(request.url)

    def on_page_error(error):
        if record.listening:
            record.page_errors.append(str(error))

    def on_dialog(dialog):
        record.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    # Context-wide: requests of the page's Web Worker (the Python runtime) count too.
    browser.on("request", on_request)
    browser.on("response", on_response)
    browser.on("requestfailed", on_failed)
    try:
        yield record
    finally:
        record.listening = False
        browser.remove_listener("request", on_request)
        browser.remove_listener("response", on_response)
        browser.remove_listener("requestfailed", on_failed)
        page.close()


# --------------------------------------------------------------------------- helpers


def open_page(watched: Watched, server: SiteServer, path: str) -> None:
    """Load a page of the site and wait until its cells (if any) are bound."""
    response = watched.page.goto(server.url(path), wait_until="load")
    assert response is not None and response.status == 200, (
        f"{path}: HTTP {response and response.status}"
    )
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('div.cell[data-cell]')].every(c => c.classList.contains('cell--ready'))"
    )


def axe_violations(page, *, context: str = "document") -> list[str]:
    """axe-core's serious and critical violations on the page, one line per node."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (selector) => {
            const root = selector === "document" ? document : document.querySelector(selector);
            const result = await axe.run(root, { resultTypes: ["violations"] });
            return result.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .flatMap((v) => v.nodes.slice(0, 8).map((n) =>
                  `${v.impact} ${v.id} (${v.help}): ${n.target.join(" ")} :: ${n.failureSummary}`));
        }""",
        context,
    )
    return found


def cell_state(page, index: int) -> str:
    return page.locator(f"div.cell[data-cell='{index}']").get_attribute("data-state") or ""


def wait_cell(page, index: int, states=CELL_DONE, timeout: float = 180_000) -> str:
    """Wait until cell `index` (1-based) is in one of `states`; return that state."""
    page.wait_for_function(
        """([index, states]) => {
            const cell = document.querySelector(`div.cell[data-cell='${index}']`);
            return cell && states.includes(cell.dataset.state);
        }""",
        arg=[index, list(states)],
        timeout=timeout,
    )
    return cell_state(page, index)


def cell_data(page, index: int) -> dict:
    text = page.locator(f"div.cell[data-cell='{index}'] > script.cell-data").text_content()
    return json.loads(text)


def cell_output(page, index: int) -> str:
    return page.locator(f"div.cell[data-cell='{index}'] .cell-output__text").text_content() or ""


def set_code(page, index: int, code: str) -> None:
    """Replace the code in cell `index`'s editor as a reader would: select all, type."""
    content = page.locator(f"div.cell[data-cell='{index}'] .cm-content")
    if not content.count():  # still the static view: Run turns it into the editor
        page.locator(f"div.cell[data-cell='{index}'] .cell-button--run").click()
        wait_cell(page, index)
    content.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def strings_for(lang: str) -> dict:
    """The UI strings of frontend/cells/strings.js that the tests look for."""
    return {
        "en": {"run": "Run", "stop": "Stop", "reset": "Reset", "copy": "Copy", "retry": "Retry",
               "done": "Done in", "stopped": "Stopped", "ran_before": "Run before example",
               "reset_done": "back to their original code", "output": "Output",
               "built": "Output when the page was built"},
        "es": {"run": "Ejecutar", "stop": "Detener", "reset": "Restablecer", "copy": "Copiar",
               "retry": "Reintentar", "done": "Terminado en", "stopped": "Detenido",
               "ran_before": "Ejecutado antes del ejemplo",
               "reset_done": "vuelven a su código original", "output": "Salida",
               "built": "Salida al generar la página"},
    }[lang]  # fmt: skip
