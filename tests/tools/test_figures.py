"""sitetools.figures on its own: the fence, the checks, and the SVG it makes of a figure."""

from __future__ import annotations

import re

import pytest

from sitetools import figures

SOURCE = '''"""A line and a bar."""
import numpy as np
import matplotlib.pyplot as plt
from infotheory import entropy

p = np.linspace(0.01, 0.99, 5)
fig, ax = plt.subplots()
ax.plot(p, entropy(np.stack([p, 1 - p], axis=-1)), label=text["curve"])
ax.bar([0.5], [0.25], width=0.1, color="C2")
ax.axhline(0.3, color=MUTED)
ax.annotate(num(0.6931, 3), xy=(0.5, 0.69))
ax.set_xlabel(text["x"])
ax.legend()
'''


@pytest.fixture
def snippets(tmp_path, monkeypatch):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "line.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.setattr(figures, "SNIPPETS", tmp_path)
    monkeypatch.setattr(figures, "CACHE", tmp_path / "cache")
    return tmp_path


FENCE = """Text.

```figure
source: demo/line.py
alt: >-
  A curve and a bar.
caption: |
  The caption, with $H(p)$.
text:
  curve: binary entropy
  x: p (probability)
```
"""


def test_fence_is_read(snippets) -> None:
    [(fence, spec)] = figures.page_figures(FENCE, "demo.md")
    assert (fence.start, spec.name, spec.source) == (2, "line", "demo/line.py")
    assert spec.alt == "A curve and a bar." and spec.text["x"] == "p (probability)"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("source: demo/line.py", "source: other/line.py"), "the page's own"),
        (lambda s: s.replace("source: demo/line.py", "source: demo/none.py"), "does not exist"),
        (lambda s: s.replace("alt: >-\n  A curve and a bar.\n", ""), "'alt' is required"),
        (lambda s: s.replace("text:", "colour: red\ntext:"), "unknown key"),
        (lambda s: s.rstrip().removesuffix("```"), "never closed"),
        (lambda s: s + s[s.index("```figure") :], "appears twice"),
    ],
)
def test_bad_fences_name_the_problem(snippets, edit, message) -> None:
    with pytest.raises(figures.FigureError, match=re.escape(message)):
        figures.page_figures(edit(FENCE), "demo.md")


def test_numbers_in_the_page_language() -> None:
    assert figures.format_number(-0.69314, 3) == "\u22120.693"
    assert figures.format_number(0.69314, 3, "es") == "0,693"


def test_inline_svg_in_both_languages(snippets) -> None:
    [(_, spec)] = figures.page_figures(FENCE, "demo.md")
    en, es = figures.render(spec, "en"), figures.render(spec, "es")
    assert en.data == es.data, "the language changes words, never numbers"
    for rendered in (en, es):
        svg = rendered.svg
        assert svg.startswith(
            '<svg class="it-graphic__svg" role="img" aria-labelledby="figure-line-title"'
        )
        assert '<title id="figure-line-title">A curve and a bar.</title>' in svg
        assert not re.search(r"#[0-9a-fA-F]{6}\b", svg), "sentinel colours become CSS variables"
        assert (
            "var(--it-fig-c0)" in svg
            and "var(--it-fig-c2)" in svg
            and "var(--it-fig-muted)" in svg
        )
        assert "font-family" not in svg and "DejaVu" not in svg, "the page's font"
        ids = re.findall(r'\bid="([^"]+)"', svg)
        assert ids and all(i.startswith("figure-line-") for i in ids)
    texts = " ".join(re.findall(r"<text\b[^>]*>([^<]*)</text>", es.svg))
    assert "0,693" in texts and "0,2" in texts and not re.search(r"\d\.\d", texts)
    assert "0.693" in " ".join(re.findall(r"<text\b[^>]*>([^<]*)</text>", en.svg))
    kinds = [item["kind"] for item in en.data]
    assert kinds == [
        "line",
        "line",
        "rect",
        "annotation",
        "limits",
    ]  # the curve, the guide, the bar


def test_figure_errors_name_the_source(snippets) -> None:
    (snippets / "demo" / "line.py").write_text(
        SOURCE.replace('text["x"]', 'text["y"]'), encoding="utf-8"
    )
    [(_, spec)] = figures.page_figures(FENCE, "demo.md")
    with pytest.raises(figures.FigureError, match=r"text\['y'\] is used"):
        figures.render(spec, "en", cache=False)
    (snippets / "demo" / "line.py").write_text(
        SOURCE.replace("plt.subplots()", "plt.subplots(figsize=(8, 3))")
    )
    with pytest.raises(figures.FigureError, match="5 in wide"):
        figures.render(spec, "en", cache=False)
    (snippets / "demo" / "line.py").write_text("import nothing_here\n")
    with pytest.raises(figures.FigureError, match=r"demo/line.py \(en\): ModuleNotFoundError"):
        figures.render(spec, "en", cache=False)
