"""MkDocs hook: hide doctest directives such as ``# doctest: +NUMBER`` from readers.

Examples opt in to looser output checks with a directive comment on the ``>>>`` line
(see CONTRIBUTING.md). The tests need it; readers do not, so the highlighted comment and
the whitespace before it are removed from the rendered page (and so from the copy button
and the search index too). The Markdown sources keep it.
"""

from __future__ import annotations

import re

# Pygments renders the directive as a single comment token, preceded by plain spaces or
# by a whitespace token, depending on the lexer version.
DIRECTIVE_RE = re.compile(
    r'(?:<span class="w">[ \t]*</span>|[ \t])*<span class="c1">#\s*doctest:[^<]*</span>'
)


def on_page_content(html, page, config, files):
    return DIRECTIVE_RE.sub("", html)
