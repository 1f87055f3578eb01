"""Every page, in both languages, as a reader's browser shows it.

For each page: it loads with no console error and no failed request (the one known
exception is documented in pages.Watched.allowed_noise), requests nothing but 127.0.0.1,
shows its math rendered by KaTeX with no TeX left in the text, has no serious or critical
axe-core violation, shows the cells' controls in the page's language, and its language
switcher lands on the same page in the other language.
"""

from __future__ import annotations

import pytest

from .pages import PAGES, axe_violations, has_math, open_page, strings_for, twin_path
from .pages import language as language_of


@pytest.mark.parametrize("path", sorted(PAGES), ids=lambda p: p or "index")
def test_page(watched, server, path: str) -> None:
    source = PAGES[path]
    lang = language_of(source)
    page = watched.page
    # No idle-time warm-up of Python here: it would only compete for the CPU with the
    # checks. test_cells.py loads Python on its pages (and checks those requests too).
    page.add_init_script("window.requestIdleCallback = () => 0;")
    open_page(watched, server, path)
    assert page.get_attribute("html", "lang") == lang

    # Math: rendered where the source has some, and no TeX delimiters left in the text.
    katex = page.locator(".katex").count()
    if has_math(source):
        assert katex > 0, f"{path}: the source has math but the page shows no .katex element"
    leftovers = page.evaluate(
        """() => {
            const article = document.querySelector("article") || document.body;
            const copy = article.cloneNode(true);
            copy.querySelectorAll("pre, code, script, style, .katex-mathml, annotation").forEach((n) => n.remove());
            const text = copy.textContent;
            return ["$$", "\\\\(", "\\\\)", "\\\\[", "\\\\]"].filter((d) => text.includes(d));
        }"""
    )
    assert not leftovers, f"{path}: unrendered math delimiters {leftovers} in the text"

    # Cells: controls present and in the page's language.
    cells = page.locator("div.cell[data-cell]")
    if cells.count():
        words = strings_for(lang)
        first = cells.first
        for kind in ("run", "stop", "reset", "copy"):
            text = first.locator(f".cell-button--{kind} .cell-button__text").inner_text()
            assert text == words[kind], f"{path}: {kind} button says {text!r}"

    # Accessibility.
    violations = axe_violations(page)
    assert not violations, f"{path}: axe-core found:\n" + "\n".join(violations)

    watched.assert_clean()

    # The language switcher (last: it leaves the page).
    other = "en" if lang == "es" else "es"
    page.hover(".md-header__option .md-select")
    link = page.locator(f"a.md-select__link[hreflang='{other}']")
    link.wait_for(state="visible")
    watched.listening = False  # requests of the page being left may be cut short
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert page.url == server.url(twin_path(source)), f"{path}: the switcher led to {page.url}"
    assert page.get_attribute("html", "lang") == other
