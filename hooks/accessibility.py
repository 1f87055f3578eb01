"""MkDocs hook: small accessibility fixes to the theme's defaults (WCAG AA, axe-core).

* ``frontend/theme/formulas.css``: display formulas that scroll on a phone show it.
* ``frontend/theme/accessibility.css`` is published as ``assets/stylesheets/accessibility.css``
  and added to ``extra_css``: underlined links in running text, and code colours with
  enough contrast in both palettes (the stylesheet says which and why).
* Material's search overlay is a ``role="dialog"`` without a name; it gets the label of
  its own search field (so it is translated like the field: "Search", "Búsqueda").

tests/browser/test_pages.py runs axe-core on every page and fails on any serious or
critical violation, so a theme upgrade that brings a new one is noticed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "frontend" / "theme"
# frontend/theme/<name> -> assets/stylesheets/<name>, each added to extra_css.
STYLESHEETS = ("accessibility.css", "formulas.css")
CSS_DIR = "assets/stylesheets"  # inside site_dir

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL_RE = re.compile(r'<input\b[^>]*\bclass="md-search__input"[^>]*\baria-label="([^"]+)"')


def on_config(config):
    for name in STYLESHEETS:
        if f"{CSS_DIR}/{name}" not in config.extra_css:
            config.extra_css.append(f"{CSS_DIR}/{name}")
    return config


def on_post_page(output, page, config):
    label = SEARCH_LABEL_RE.search(output)
    if SEARCH_DIALOG in output and label:
        output = output.replace(
            SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{label[1]}">', 1
        )
    return output


def on_post_build(config):
    for name in STYLESHEETS:
        source = THEME / name
        if not source.is_file():
            raise PluginError(f"{source} is missing")
        target = Path(config.site_dir) / CSS_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
