"""MkDocs hook: render the reStructuredText math of numpy-style docstrings.

The package's docstrings follow numpydoc and write math as Sphinx does, ``:math:`H(P)```
inline and a ``.. math::`` directive followed by an indented block. mkdocstrings renders
those as the literal ``:math:`` plus inline code, and a ``.. math::`` paragraph plus a
code block. This hook turns both into arithmatex's generic markup, which hooks/katex.py
(running right after it) renders like any other formula on the site.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

INLINE_RE = re.compile(r":math:<code>(.*?)</code>", re.DOTALL)
DISPLAY_RE = re.compile(
    r"<p>\.\. math::</p>\s*<div class=\"highlight\"><pre><span></span><code>(.*?)</code></pre></div>",
    re.DOTALL,
)


@event_priority(10)  # before hooks/katex.py (priority 0) renders the page's math
def on_page_content(html, page, config, files):
    html = DISPLAY_RE.sub(lambda m: f'<div class="arithmatex">\\[{m[1].strip()}\\]</div>', html)
    return INLINE_RE.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', html)
