"""MkDocs hook: Jupyter notebooks (the labs) as bilingual pages, with KaTeX math and no CDN.

mkdocs-jupyter executes each ``docs/**/*.ipynb`` during the build and converts it with
nbconvert. Left alone, that does not fit this site in three ways, fixed here:

1. **Twins.** mkdocs-static-i18n (``on_files`` at priority -100, after mkdocs-jupyter)
   rebuilds every file as a plain MkDocs ``File``, which counts only Markdown as a page.
   The notebooks would become assets: ``lab.ipynb`` copied raw to ``lab/index.html`` and
   no Spanish twin. Registering ``.ipynb`` as a page extension makes static-i18n treat
   ``lab.ipynb`` / ``lab.es.ipynb`` exactly like ``page.md`` / ``page.es.md`` (URLs
   ``/labs/lab/`` and ``/es/labs/lab/``, language switcher, no fallback); mkdocs-jupyter
   still renders them, since it picks pages by file name (``include: ["*.ipynb"]``).

2. **Math.** nbconvert leaves notebook math as ``$...$`` / ``$$...$$`` text for MathJax.
   Its Markdown renderer is patched to emit arithmatex's generic markup instead
   (``<span class="arithmatex">\\(...\\)</span>``, ``<div class="arithmatex">\\[...\\]</div>``),
   which hooks/katex.py then renders like any other formula on the site (invalid TeX
   fails the build). nbconvert's own parser decides what is math, so a ``$`` in code or
   in an output is never touched.

3. **Nothing from another origin.** nbconvert's template loads MathJax from a CDN (a
   ``<script src>``, empty when mkdocs-jupyter's ``custom_mathjax_url`` is unset, plus its
   ``text/x-mathjax-config``) and imports Mermaid from a CDN in a module script; with
   ``include_requirejs`` it would add require.js too. Those tags are removed from every
   notebook page, and the build fails if any ``<script src>`` or ``import(...)`` remains.

Also: the kernel that executes the labs imports ``infotheory`` from the repository root
(``PYTHONPATH``), and the notebook's copy button speaks Spanish on Spanish pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import mkdocs.utils
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from nbconvert.filters.markdown_mistune import IPythonRenderer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_SUFFIX = ".ipynb"

# ------------------------------------------------------------------ 1. notebooks are pages

if NOTEBOOK_SUFFIX not in mkdocs.utils.markdown_extensions:
    mkdocs.utils.markdown_extensions = (*mkdocs.utils.markdown_extensions, NOTEBOOK_SUFFIX)


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith(NOTEBOOK_SUFFIX)


# ------------------------------------------------------------------ 2. math for KaTeX


def _block_math(self, body: str) -> str:
    return f'<div class="arithmatex">\\[{self.escape_html(body.strip())}\\]</div>\n'


def _inline_math(self, body: str) -> str:
    return f'<span class="arithmatex">\\({self.escape_html(body.strip())}\\)</span>'


def _latex_environment(self, name: str, body: str) -> str:
    tex = f"\\begin{{{name}}}{body}\\end{{{name}}}"
    return f'<div class="arithmatex">\\[{self.escape_html(tex)}\\]</div>\n'


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
    # Mermaid, imported from a CDN by a module script when a page has a diagram.
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*?</script>', re.DOTALL),
    # require.js (only with include_requirejs: true) or any other external script.
    re.compile(r'<script\b[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>\s*</script>'),
]
LEFTOVER_RE = re.compile(r"<script\b[^>]*\bsrc=|\bimport\(\s*[\"']")

SPANISH_UI = {
    'aria-label="Copy to Clipboard"': 'aria-label="Copiar al portapapeles"',
    ">Copied!<": ">¡Copiado!<",
}

# ------------------------------------------------------------------ MkDocs events


def on_config(config):
    # The kernels that execute the labs are child processes: they inherit the environment.
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    # debugpy (pulled in by ipykernel) warns about frozen modules on every kernel start.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return config


@event_priority(10)  # before hooks/katex.py (priority 0) renders the math
def on_page_content(html, page, config, files):
    if not is_notebook(page):
        return html
    for pattern in REMOTE_TAG_RES:
        html = pattern.sub("", html)
    leftover = LEFTOVER_RE.search(html)
    if leftover:
        context = html[max(0, leftover.start() - 80) : leftover.end() + 80]
        raise PluginError(
            f"notebook page {page.file.src_uri} still loads a script (the site loads nothing "
            f"from another origin; extend hooks/notebooks.py): ...{context}..."
        )
    html = LONE_DISPLAY_RE.sub(r"\1", html)
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.current_language == "es":
        for english, spanish in SPANISH_UI.items():
            html = html.replace(english, spanish)
    return html
