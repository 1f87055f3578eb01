"""MkDocs hook: KaTeX at build time (:mod:`sitetools.katex` does the work).

One renderer per MkDocs run: created at start-up, closed at shut-down (``mkdocs serve``
keeps it across rebuilds, so node starts once), and at interpreter exit as a fallback.
"""

from __future__ import annotations

import atexit

from mkdocs.exceptions import PluginError

from sitetools import katex

_renderer = katex.KatexServer()  # the hook module is the only place MkDocs lets it live
atexit.register(_renderer.close)


def on_config(config):
    if katex.CSS_URL not in config.extra_css:
        config.extra_css.append(katex.CSS_URL)
    return config


def on_page_content(html_content, page, config, files):
    try:
        return katex.render_math(_renderer, html_content, f"page {page.file.src_uri}")
    except katex.KatexError as exc:
        raise PluginError(str(exc)) from exc


def on_post_build(config):
    try:
        katex.publish(config.site_dir)
    except katex.KatexError as exc:
        raise PluginError(str(exc)) from exc


def on_shutdown():
    _renderer.close()
