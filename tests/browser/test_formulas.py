"""Display formulas fit: none is cut off on a desktop, and on a phone a long one shows it scrolls.

For every page with math, in both languages: at 1280 px no display formula is wider than
its box (a long one is written over several lines, ``aligned``); at 390 px one that is
still wider scrolls sideways inside its own box, shows the scroll shadow that says there is
more (frontend/theme/formulas.css), and can be scrolled from the keyboard
(frontend/theme/scrollable.js), and none makes the page itself scroll sideways.
"""

from __future__ import annotations

import pytest

from .pages import PAGES, has_math, open_page

MATH_PAGES = sorted(path for path, source in PAGES.items() if has_math(source))

MEASURE = """() => [...document.querySelectorAll("article .katex-display")].map((el) => {
    const box = el.closest("div.arithmatex") || el.parentElement;
    const style = getComputedStyle(box);
    return {
        tex: (el.querySelector("annotation") || {}).textContent || "",
        hidden: box.scrollWidth - box.clientWidth,
        scrolls: ["auto", "scroll"].includes(style.overflowX),
        cue: style.backgroundImage.includes("gradient"),
        keyboard: box.tabIndex >= 0,
    };
})"""


@pytest.mark.parametrize("path", MATH_PAGES, ids=lambda p: p or "index")
def test_display_formulas_fit(watched, server, path: str) -> None:
    page = watched.page
    page.add_init_script("window.requestIdleCallback = () => 0;")  # no Python warm-up
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(watched, server, path)
    page.evaluate("document.fonts.ready")
    wide = [f for f in page.evaluate(MEASURE) if f["hidden"] > 1]
    assert not wide, (
        f"{path} at 1280 px: display formulas cut off (break them with aligned):\n"
        + "\n".join(f"  {f['hidden']} px hidden: {f['tex'][:120]}" for f in wide)
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # scrollable.js re-checks on resize
    problems = []
    for f in page.evaluate(MEASURE):
        if f["hidden"] > 1 and not (f["scrolls"] and f["cue"] and f["keyboard"]):
            problems.append(f"  {f['hidden']} px hidden, scrolls={f['scrolls']} cue={f['cue']} "
                            f"keyboard={f['keyboard']}: {f['tex'][:120]}")  # fmt: skip
    assert not problems, f"{path} at 390 px: formulas clipped without a scroll cue:\n" + "\n".join(
        problems
    )
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{path} at 390 px: the page scrolls sideways by {overflow} px"
