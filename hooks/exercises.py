"""MkDocs hook: the ```exercise fences of the theory pages become checked exercises.

The work is in :mod:`sitetools.exercises` (the format, the evaluation of the answers with
the real package, the HTML); CONTRIBUTING.md, "Exercises", is the authors' side. The fence
itself is a ``pymdownx.superfences`` custom fence registered in mkdocs.yml. Here:

1. ``on_config``: every page gets the exercises' script and stylesheet, which hooks/cells.py
   bundles from ``frontend/exercises/`` into ``assets/cells/``.
2. ``on_page_markdown`` / ``on_page_content``: the fence is told which page it is on (its
   language, its fences and their lines) and then checks that all of them were rendered.
"""

from __future__ import annotations

from mkdocs.config.config_options import ExtraScriptValue

from sitetools import exercises


def on_config(config):
    exercises.registered(config.mdx_configs)  # fail early when mkdocs.yml lacks the fence
    if exercises.CSS_URL not in config.extra_css:
        config.extra_css.append(exercises.CSS_URL)
    if all(str(script) != exercises.SCRIPT_URL for script in config.extra_javascript):
        script = ExtraScriptValue(exercises.SCRIPT_URL)
        script.type = "module"
        config.extra_javascript.append(script)
    return config


def on_page_markdown(markdown, page, config, files):
    fence = exercises.registered(config.mdx_configs)
    fence.start_page(page.file.src_uri, markdown, config.markdown_extensions, config.mdx_configs)
    return markdown


def on_page_content(html, page, config, files):
    exercises.registered(config.mdx_configs).finish_page()
    return html
