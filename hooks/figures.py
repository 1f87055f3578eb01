"""MkDocs hook: ```figure fences become inline SVG figures drawn at build time.

The work is in :mod:`sitetools.figures` (the fence's format, drawing with matplotlib,
the inline SVG); CONTRIBUTING.md, "Figures", is the authors' side. Here:

1. ``on_page_markdown``: each fence is checked and replaced by its caption, as ordinary
   Markdown between two marker paragraphs, so the page's own pipeline renders it (links,
   math through hooks/katex.py). A bad fence or a figure that raises fails the build,
   naming the page and the source.
2. ``on_page_content``: the markers become ``<figure id="figure-<name>">`` with the SVG,
   drawn in the page's language, and the rendered caption as its ``<figcaption>``.
3. ``frontend/theme/figures.css`` (size, caption), followed by the colours of both
   palettes (``figures.palette_css()``), is published as ``assets/stylesheets/figures.css``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from sitetools import figures

ROOT = Path(__file__).resolve().parent.parent
CSS_SOURCE = ROOT / "frontend" / "theme" / "figures.css"
CSS_URL = "assets/stylesheets/figures.css"
MARK_RE = re.compile(
    r"<p>\u27e6fig:(?P<name>[a-z0-9-]+)\u27e7</p>(?P<caption>.*?)<p>\u27e6/fig\u27e7</p>",
    re.DOTALL,
)

# A page's figures travel from one event to the next on the page object itself (never in
# this module), so a rebuild or another page can never see them.
_ATTR = "infotheory_figures"


def on_config(config):
    if CSS_URL not in config.extra_css:
        config.extra_css.append(CSS_URL)
    return config


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    try:
        found = figures.page_figures(markdown, src)
    except figures.FigureError as exc:
        raise PluginError(f"figures: {exc}") from exc
    setattr(page, _ATTR, {spec.name: spec for _, spec in found})
    if not found:
        return markdown
    lines = markdown.split("\n")
    for fence, spec in reversed(found):
        lines[fence.start : fence.end + 1] = [
            "", f"\u27e6fig:{spec.name}\u27e7", "", spec.caption, "", "\u27e6/fig\u27e7", "",
        ]  # fmt: skip
    return "\n".join(lines)


@event_priority(40)  # before the math (0) and the cells (5)
def on_page_content(html_content, page, config, files):
    specs = getattr(page, _ATTR, None)
    if not specs:
        return html_content
    lang = figures.page_language(page.file.src_uri)

    def figure(match: re.Match[str]) -> str:
        spec = specs[match["name"]]
        try:
            svg = figures.render(spec, lang).svg
        except figures.FigureError as exc:
            raise PluginError(f"figures: {page.file.src_uri}: {exc}") from exc
        return (
            f'<figure class="it-graphic" id="figure-{spec.name}">{svg}'
            f"<figcaption>{match['caption'].strip()}</figcaption></figure>"
        )

    return MARK_RE.sub(figure, html_content)


def on_post_build(config):
    target = Path(config.site_dir) / CSS_URL
    target.parent.mkdir(parents=True, exist_ok=True)
    css = CSS_SOURCE.read_text(encoding="utf-8") + "\n" + figures.palette_css()
    target.write_text(css, encoding="utf-8")
