"""Benchmark the runnable cells as a reader meets them, in Debian's Chromium.

Serves the built site on 127.0.0.1 under /infotheory/ (as the browser tests do) and
measures, over several runs, each in a fresh browser profile (empty cache):

* bytes transferred for the page before the reader runs anything: at the load event
  with the network quiet (the idle-time warm-up switched off), and after the page has
  been open 5 s (the warm-up has then fetched Python in the background);
* cold run: the page loaded, Run clicked at once on the first cell: click to output;
* warm run: the same after the page has been open 5 s;
* second cell once Python is warm: click to output;
* Stop: an endless loop stopped 0.5 s and 3 s into it: click to "stopped", and click to
  ready again (without cross-origin isolation the worker is replaced and earlier runs are
  replayed; a run that lasts 250 ms gets a spare worker loading, so by 3 s it is ready).

Times are measured in the page (performance.now() at the click and when the cell's
state changes), reported as medians with the range. Nothing here is a test.

Usage::

    .venv/bin/python benchmarks/bench_cells.py [--runs 5] [--site-dir site/] [--page entropy/]
                                               [--update-readme]

``--update-readme`` writes the table between the cells-benchmark markers of README.md.

Without --site-dir the site is built first (mkdocs build, a few minutes with the labs).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.support import SiteServer, chromium  # noqa: E402

NO_WARM_UP = "window.requestIdleCallback = () => 0;"

# Records, in the page, when each cell's Run is clicked and when its state changes.
TIMING = """
window.__bench = { clicks: {}, states: [] };
document.addEventListener("click", (event) => {
  const cell = event.target.closest && event.target.closest("div.cell[data-cell]");
  if (cell && event.target.closest(".cell-button--run, .cell-button--stop")) {
    const kind = event.target.closest(".cell-button--run") ? "run" : "stop";
    window.__bench.clicks[`${kind}:${cell.dataset.cell}`] = performance.now();
  }
}, true);
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName === "data-state" && r.target.matches("div.cell[data-cell]")) {
      window.__bench.states.push([r.target.dataset.cell, r.target.dataset.state, performance.now()]);
    }
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""


def build_site(target: Path) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    print(f"building the site into {target} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "-f", "mkdocs.yml", "--site-dir", str(target)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return target


def cell(page, index: int):
    return page.locator(f"div.cell[data-cell='{index}']")


def wait_state(page, index: int, states: tuple[str, ...], timeout: float = 300_000) -> None:
    page.wait_for_function(
        """([i, states]) => states.includes(document.querySelector(`div.cell[data-cell='${i}']`)?.dataset.state)""",
        arg=[index, list(states)],
        timeout=timeout,
    )


def elapsed(page, index: int, kind: str, state: str) -> float:
    """Seconds from the click on `kind` of cell `index` to its first `state` after it."""
    return page.evaluate(
        """([key, index, state]) => {
            const start = window.__bench.clicks[key];
            const hit = window.__bench.states.find(([i, s, t]) => i === String(index) && s === state && t >= start);
            return hit ? (hit[2] - start) / 1000 : null;
        }""",
        [f"{kind}:{index}", index, state],
    )


def set_code(page, index: int, code: str) -> None:
    cell(page, index).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def open_page(context, server: SiteServer, path: str, *, warm_up: bool):
    page = context.new_page()
    page.add_init_script(TIMING if warm_up else TIMING + NO_WARM_UP)
    page.goto(server.url(path), wait_until="load")
    page.wait_for_selector("div.cell.cell--ready")
    return page


def one_run(playwright, server: SiteServer, path: str) -> dict[str, float]:
    result: dict[str, float] = {}

    # 1. Bytes for the page alone (no warm-up), and cold run at once.
    with chromium(playwright) as context:
        server.reset_counters()
        page = open_page(context, server, path, warm_up=False)
        result["runtime_bytes_load"] = runtime_bytes(server)  # at the load event
        page.wait_for_load_state("networkidle")
        result["bytes_load"] = server.bytes_sent
        server.reset_counters()
    with chromium(playwright) as context:
        page = open_page(context, server, path, warm_up=True)
        cell(page, 1).locator(".cell-button--run").click()
        wait_state(page, 1, ("done", "error"))
        result["cold"] = elapsed(page, 1, "run", "done")

    # 2. The page open 5 s first (the warm-up loads Python), then Run; then a second cell.
    with chromium(playwright) as context:
        server.reset_counters()
        page = open_page(context, server, path, warm_up=True)
        page.wait_for_timeout(5_000)
        result["bytes_5s"] = server.bytes_sent
        cell(page, 1).locator(".cell-button--run").click()
        wait_state(page, 1, ("done", "error"))
        result["warm"] = elapsed(page, 1, "run", "done")
        cell(page, 2).locator(".cell-button--run").click()
        wait_state(page, 2, ("done", "error"))
        result["second"] = elapsed(page, 2, "run", "done")

        # 3. Stop an endless loop, 0.5 s and 3 s into it; time to "stopped" and to ready.
        for key, wait in (("stop_ready", 500), ("stop_ready_3s", 3_000)):
            set_code(page, 2, "while True:\n    pass")
            page.evaluate("() => { window.__bench.states = []; }")
            cell(page, 2).locator(".cell-button--run").click()
            wait_state(page, 2, ("running",))
            page.wait_for_timeout(wait)
            cell(page, 2).locator(".cell-button--stop").click()
            started = time.monotonic()
            wait_state(page, 2, ("stopped",))
            if key == "stop_ready":
                result["stop"] = elapsed(page, 2, "stop", "stopped")
            page.wait_for_function(
                "() => !/…$/.test(document.querySelector(\"div.cell[data-cell='2'] .cell-status\").textContent)",
                timeout=300_000,
            )
            result[key] = time.monotonic() - started
    return result


# (key, label, unit, target): the targets of the runnable-cells issue, on a 2-core machine.
ROWS = [
    ("runtime_bytes_load", "bytes of the Python runtime at the load event", "MB", None),
    ("bytes_load", "bytes before any run: page at load, network quiet", "MB", None),
    ("bytes_5s", "bytes before any run: page open 5 s (idle warm-up)", "MB", None),
    ("cold", "cold: Run at once after load -> first cell's output", "s", 4.0),
    ("warm", "Run after the page was open 5 s -> output", "s", 1.0),
    ("second", "second cell once warm -> output", "s", 0.1),
    ("stop", "Stop an endless loop -> stopped", "s", None),
    ("stop_ready", "Stop an endless loop 0.5 s in -> ready again (restart + replay)", "s", 3.0),
    (
        "stop_ready_3s",
        "Stop an endless loop 3 s in -> ready again (spare worker + replay)",
        "s",
        3.0,
    ),
]
README = ROOT / "README.md"
MARKERS = ("<!-- cells-benchmark:start -->", "<!-- cells-benchmark:end -->")


def table(runs: list[dict[str, float]]) -> str:
    lines = [
        f"| measure (median of {len(runs)} runs, fresh profile each) | median | min | max | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for key, label, unit, target in ROWS:
        values = [r[key] for r in runs if r.get(key) is not None]
        if not values:
            continue
        scale = 1e-6 if unit == "MB" else 1.0
        fmt = (
            (lambda v, scale=scale: f"{v * scale:.2f} MB")
            if unit == "MB"
            else (lambda v: f"{v:.3f} s" if v < 1 else f"{v:.2f} s")
        )
        median = statistics.median(values)
        goal = (
            "" if target is None else f"< {target:g} s: {'met' if median < target else 'missed'}"
        )
        lines.append(
            f"| {label} | {fmt(median)} | {fmt(min(values))} | {fmt(max(values))} | {goal} |"
        )
    return "\n".join(lines)


def runtime_bytes(server: SiteServer) -> int:
    """Bytes of the Python runtime (assets/pyodide/, assets/runtime/) served so far."""
    return sum(
        size for path, _, size in server.requests
        if "/assets/pyodide/" in path or "/assets/runtime/" in path
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="runs (>= 5 for a median worth the name)"
    )
    parser.add_argument("--site-dir", type=Path, help="an existing build (default: build one)")
    parser.add_argument("--page", default="entropy/", help="page to measure, site-relative")
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the table between the cells-benchmark markers in README.md",
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-cells-") as tmp:
        site = args.site_dir or build_site(Path(tmp) / "site")
        runs = []
        with SiteServer(site) as server, sync_playwright() as playwright:
            for i in range(args.runs):
                runs.append(one_run(playwright, server, args.page))
                print(f"run {i + 1}/{args.runs}: " + ", ".join(
                    f"{k}={v:.2f}" if "bytes" not in k else f"{k}={v / 1e6:.2f}MB"
                    for k, v in runs[-1].items()
                ), file=sys.stderr, flush=True)  # fmt: skip
    load = os.getloadavg()[0]
    text = (
        f"Page `/infotheory/{args.page}` served on 127.0.0.1; {os.cpu_count()} cores, "
        f"{platform.machine()}; Chromium {chromium_version()}, headless; load average "
        f"{load:.1f} at the end.\n\n{table(runs)}"
    )
    print(text)
    if args.update_readme:
        readme = README.read_text(encoding="utf-8")
        start, end = MARKERS
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not pattern.search(readme):
            sys.exit(f"README.md lacks the markers {start} ... {end}")
        README.write_text(
            pattern.sub(lambda _: f"{start}\n{text}\n{end}", readme), encoding="utf-8"
        )
        print(f"updated {README}", file=sys.stderr)
    return 0


def chromium_version() -> str:
    from tests.browser.support import CHROMIUM

    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return "?"
    match = re.search(r"\d+(\.\d+)+", out.stdout)
    return match.group(0) if match else "?"


if __name__ == "__main__":
    raise SystemExit(main())
