"""MkDocs hook: the labs (Jupyter notebooks) as bilingual pages (:mod:`sitetools.notebooks`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from sitetools import notebooks


def on_config(config):
    notebooks.register_notebook_pages()  # before static-i18n collects the files
    notebooks.patch_nbconvert_math()
    notebooks.prepare_kernels()
    if notebooks.CSS_URL not in config.extra_css:
        config.extra_css.append(notebooks.CSS_URL)
    return config


@event_priority(10)  # before hooks/katex.py (priority 0) renders the math
def on_page_content(html, page, config, files):
    if not notebooks.is_notebook(page.file.src_uri):
        return html
    i18n = config.plugins.get("i18n")
    spanish = i18n is not None and i18n.current_language == "es"
    try:
        return notebooks.clean_page(html, page.file.src_uri, spanish=spanish)
    except notebooks.NotebookError as exc:
        raise PluginError(str(exc)) from exc


def on_post_build(config):
    target = Path(config.site_dir) / notebooks.CSS_URL
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebooks.CSS_SOURCE, target)
