"""MkDocs hook: keep the site's single 404.html in the default language.

mkdocs-static-i18n builds each language into the same site_dir, one after the other, and
every build renders the theme's 404.html to ``<site_dir>/404.html``. Left alone, the last
build (Spanish) wins, and its language switcher points at whatever page that build
rendered last. Here the non-default builds skip 404.html (MkDocs does not write a
template that renders empty), and the default build's 404 gets the plain language roots
in its switcher.
"""

from __future__ import annotations

from copy import deepcopy


def _i18n(config):
    return config.plugins.get("i18n")


def on_template_context(context, template_name, config):
    i18n = _i18n(config)
    if template_name == "404.html" and i18n is not None and i18n.extra_alternate:
        # static-i18n rewrites config.extra.alternate per page; reset it to the roots.
        config.extra.alternate = deepcopy(i18n.extra_alternate)
    return context


def on_post_template(output_content, template_name, config):
    i18n = _i18n(config)
    if template_name == "404.html" and i18n is not None:
        if i18n.current_language != i18n.default_language:
            return ""
    return output_content
