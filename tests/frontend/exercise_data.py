"""What ``frontend/exercises/check.js`` must decide, for every exercise of the site.

The data are the ``<script class="exercise-data">`` blocks the build writes into the pages
(answer, tolerance, decimals, the mistakes' values, the correct option): those of
``$SITE_DIR`` when it is set (a built site, as in tests/browser), otherwise what the
build's own fence (:class:`sitetools.exercises.ExerciseFence`, in ``pymdownx.superfences``
as mkdocs.yml registers it) makes of each page's fences, without the rest of the site's
build. Nothing here computes an answer or a verdict: the values are the build's, and the
verdicts at the tolerance's edges are the build's ``within``. What is added is what a
reader would type.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import markdown

from sitetools import exercises

from .reference import encode

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA_RE = re.compile(r'<script type="application/json" class="exercise-data">(.*?)</script>')
# Multiples of the tolerance around the answer and each mistake: inside, on and outside.
EDGES = [-1.5, -1.000001, -1, -0.999999, -0.5, 0, 0.5, 0.999999, 1, 1.000001, 1.5]


def fence_html(src: str, source: str) -> str:
    """The page's fences alone, rendered by the build's fence in a superfences Markdown."""
    fence = exercises.ExerciseFence()
    custom = [{"name": "exercise", "class": "exercise", "format": fence}]
    extensions = ["pymdownx.superfences"]
    configs = {"pymdownx.superfences": {"custom_fences": custom}}
    fence.start_page(src, source, extensions, configs)
    html = markdown.Markdown(extensions=extensions, extension_configs=configs).convert(source)
    fence.finish_page()
    return html


def built_page(site: Path, src: str) -> Path:
    spanish = src.endswith(".es.md")
    stem = src.removesuffix(".es.md") if spanish else src.removesuffix(".md")
    page = "" if stem == "index" else stem.removesuffix("/index") + "/"
    return site / ("es/" if spanish else "") / page / "index.html"


def exercise_data() -> list[dict]:
    """Every exercise's browser data, page by page, as the build writes it into the page."""
    site = Path(os.environ["SITE_DIR"]) if os.environ.get("SITE_DIR") else None
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        fences = exercises.find_fences(text)
        if not fences:
            continue
        src = path.relative_to(DOCS).as_posix()
        if site is not None:
            html = built_page(site, src).read_text(encoding="utf-8")
        else:
            lines = text.split("\n")
            only = "\n\n".join("\n".join(lines[f.start : f.end + 1]) for f in fences)
            html = fence_html(src, only)
        blocks = [json.loads(block) for block in DATA_RE.findall(html)]
        assert len(blocks) == len(fences), f"{src}: {len(fences)} exercises, {len(blocks)} data"
        lang = "es" if src.endswith(".es.md") else "en"
        found.extend({"page": src, "lang": lang, "data": data} for data in blocks)
    return found


def shown(value, decimals: int, lang: str) -> str:
    """What a reader types from the page: ∞, or the digits shown (a comma in Spanish)."""
    if isinstance(value, str):
        return {"inf": "∞", "-inf": "−∞"}[value]
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "es" else text


def number(value) -> float:
    return {"inf": math.inf, "-inf": -math.inf}[value] if isinstance(value, str) else float(value)


def typed(value: float, lang: str) -> str:
    """The shortest text of exactly this double, in the page's notation."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value).replace(".", ",") if lang == "es" else repr(value)


def numeric_case(data: dict, lang: str, within) -> dict:
    answer, tolerance, decimals = number(data["answer"]), data["tolerance"], data["decimals"]
    targets = [answer] + [number(m["value"]) for m in data["mistakes"]]
    # A number that no verdict can confuse with the answer or a mistake.
    base = answer if math.isfinite(answer) else 0.0
    far = next(
        base + k * tolerance
        for k in range(50, 10_000)
        if not any(within(base + k * tolerance, t, tolerance) for t in targets)
    )
    probes = []
    for target in targets:
        values = [target + k * tolerance for k in EDGES] if math.isfinite(target) else [target]
        for value in values + [math.inf, -math.inf]:
            verdict = within(value, target, tolerance)
            probes.append(
                dict(typed=typed(value, lang), value=value, target=target, within=verdict)
            )
    return {
        "right": shown(data["answer"], decimals, lang),
        "mistakes": [shown(m["value"], decimals, lang) for m in data["mistakes"]],
        "wrong": shown(far, decimals, lang),
        "probes": probes,
    }


def everything() -> list[dict]:
    """Each exercise: its page, language and data, and for a numeric one what to type."""
    cases = []
    for item in exercise_data():
        if item["data"]["type"] == "numeric":
            item = {**item, **numeric_case(item["data"], item["lang"], exercises.within)}
        cases.append(encode(item))
    return cases
