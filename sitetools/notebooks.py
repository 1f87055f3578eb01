"""Jupyter notebooks (the labs) as bilingual pages, with KaTeX math and no CDN.

mkdocs-jupyter executes each ``docs/**/*.ipynb`` during the build and converts it with
nbconvert. Left alone, that does not fit this site in three ways, fixed here (hooks/notebooks.py wires it to MkDocs):

1. **Twins.** mkdocs-static-i18n (``on_files`` at priority -100, after mkdocs-jupyter)
   rebuilds every file as a plain MkDocs ``File``, which counts only Markdown as a page.
   The notebooks would become assets: ``lab.ipynb`` copied raw to ``lab/index.html`` and
   no Spanish twin. Registering ``.ipynb`` as a page extension makes static-i18n treat
   ``lab.ipynb`` / ``lab.es.ipynb`` exactly like ``page.md`` / ``page.es.md`` (URLs
   ``/labs/lab/`` and ``/es/labs/lab/``, language switcher, no fallback); mkdocs-jupyter
   still renders them, since it picks pages by file name (``include: ["*.ipynb"]``).

2. **Math.** nbconvert leaves notebook math as ``$...$`` / ``$$...$$`` text for MathJax.
   Its Markdown renderer is patched (:func:`patch_nbconvert_math`, when the build starts) to emit arithmatex's generic markup instead
   (``<span class="arithmatex">\\(...\\)</span>``, ``<div class="arithmatex">\\[...\\]</div>``),
   which sitetools.katex then renders like any other formula on the site (invalid TeX
   fails the build). nbconvert's own parser decides what is math, so a ``$`` in code or
   in an output is never touched.

3. **Nothing from another origin.** nbconvert's template loads MathJax from a CDN (a
   ``<script src>``, empty when mkdocs-jupyter's ``custom_mathjax_url`` is unset, plus its
   ``text/x-mathjax-config``) and imports Mermaid from a CDN in a module script; with
   ``include_requirejs`` it would add require.js too. Those tags are removed from every
   notebook page, and the build fails if any ``<script src>`` or ``import(...)`` remains.

Also: the kernel that executes the labs imports ``infotheory`` from the repository root
(``PYTHONPATH``) and starts quietly (hooks/jupyter/). The page is made to behave like the
rest of the site: heading anchors become Material permalinks, code takes the site's
(accessible) colours in both schemes (frontend/theme/notebooks.css) and is keyboard-scrollable, and the copy button's
text stays out of the search index and speaks Spanish on Spanish pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import mkdocs.utils

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_CONFIG = ROOT / "hooks" / "jupyter"
CSS_SOURCE = ROOT / "frontend" / "theme" / "notebooks.css"
CSS_URL = "assets/stylesheets/notebooks.css"
NOTEBOOK_SUFFIX = ".ipynb"


class NotebookError(RuntimeError):
    """A notebook page still loads something from another origin."""


# ------------------------------------------------------------------ 1. notebooks are pages


def register_notebook_pages() -> None:
    """Count ``.ipynb`` files as pages, so that static-i18n makes twins of them."""
    if NOTEBOOK_SUFFIX not in mkdocs.utils.markdown_extensions:
        mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, NOTEBOOK_SUFFIX)


def is_notebook(src_uri: str) -> bool:
    return src_uri.endswith(NOTEBOOK_SUFFIX)


# ------------------------------------------------------------------ 2. math for KaTeX


def _block_math(self, body: str) -> str:
    return f'<div class="arithmatex">\\[{self.escape_html(body.strip())}\\]</div>\n'


def _inline_math(self, body: str) -> str:
    return f'<span class="arithmatex">\\({self.escape_html(body.strip())}\\)</span>'


def _latex_environment(self, name: str, body: str) -> str:
    tex = f"\\begin{{{name}}}{body}\\end{{{name}}}"
    return f'<div class="arithmatex">\\[{self.escape_html(tex)}\\]</div>\n'


def patch_nbconvert_math() -> None:
    """Make nbconvert's Markdown renderer emit arithmatex's generic markup (idempotent).

    Called when the build starts, never at import time: importing this module changes
    nothing. nbconvert offers no hook for this, so its renderer's three math methods are
    replaced; the patch is the same whichever build applies it.
    """
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    IPythonRenderer.block_math = _block_math
    IPythonRenderer.inline_math = _inline_math
    IPythonRenderer.latex_environment = _latex_environment


# A display formula alone in its paragraph: drop the <p> around the <div>.
LONE_DISPLAY_RE = re.compile(
    r'<p>\s*(<div class="arithmatex">\\\[.*?\\\]</div>)\s*</p>', re.DOTALL
)

# ------------------------------------------------------------------ 3. no remote scripts

REMOTE_TAG_RES = [
    # MathJax: <!-- Load mathjax --> <script src=...> ... <!-- End of mathjax configuration -->
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL),
    # Mermaid: a module script that imports it from a CDN when a page has a diagram, and
    # its styles, up to <!-- End of mermaid configuration -->; then any such script left.
    re.compile(
        r'<script type="module">(?:(?!</script>).)*?mermaid'
        r".*?<!-- End of mermaid configuration -->",
        re.DOTALL,
    ),
    re.compile(
        r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>',
        re.DOTALL,
    ),
    # require.js (only with include_requirejs: true) or any other external script.
    re.compile(r'<script\b[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>'),
]
LEFTOVER_RE = re.compile(r"<script\b[^>]*\bsrc=|\bimport\(\s*[\"']")

# ------------------------------------------------------------------ 4. look like the site

# nbconvert's heading anchors -> Material's permalinks (styled alike, left out of search).
ANCHOR_RE = re.compile(r'<a class="anchor-link" href="(#[^"]*)">¶</a>')
PERMALINK = r'<a class="headerlink" href="\1" title="Permanent link">&para;</a>'
# The copy button's "Copied!" notice and its hidden copy of the code stay out of search.
SEARCH_EXCLUDED = ('<div class="zeroclipboard-container"', '<div class="clipboard-copy-txt"')
# Code that overflows sideways scrolls: keyboard users must be able to focus it.
SCROLLABLE = ('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
SPANISH_UI = {
    'aria-label="Copy to Clipboard"': 'aria-label="Copiar al portapapeles"',
    ">Copied!<": ">¡Copiado!<",
}


# ------------------------------------------------------------------ the kernel, and a page


def _prepend_to_env(name: str, path: Path) -> None:
    paths = [str(path), *filter(None, os.environ.get(name, "").split(os.pathsep))]
    os.environ[name] = os.pathsep.join(dict.fromkeys(paths))


def prepare_kernels() -> None:
    """The environment that the kernels executing the labs (child processes) inherit."""
    _prepend_to_env("PYTHONPATH", ROOT)
    # Kernel options (quieter start-up logs): hooks/jupyter/jupyter_nbconvert_config.py.
    _prepend_to_env("JUPYTER_CONFIG_PATH", JUPYTER_CONFIG)
    # debugpy (pulled in by ipykernel) warns about frozen modules on every kernel start.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def clean_page(html: str, src_uri: str, *, spanish: bool) -> str:
    """A converted notebook page made to behave like the rest of the site."""
    for pattern in REMOTE_TAG_RES:
        html = pattern.sub("", html)
    leftover = LEFTOVER_RE.search(html)
    if leftover:
        context = html[max(0, leftover.start() - 80) : leftover.end() + 80]
        raise NotebookError(
            f"notebook page {src_uri} still loads a script (the site loads nothing from "
            f"another origin; extend sitetools/notebooks.py): ...{context}..."
        )
    html = LONE_DISPLAY_RE.sub(r"\1", html)
    html = ANCHOR_RE.sub(PERMALINK, html)
    for opening in SEARCH_EXCLUDED:
        html = html.replace(opening, f"{opening} data-search-exclude")
    html = html.replace(*SCROLLABLE)
    if spanish:
        for english, spanish_text in SPANISH_UI.items():
            html = html.replace(english, spanish_text)
    return html
