"""Build-time figures: one matplotlib source per figure, rendered to inline SVG per language.

A page places a figure with a ```` ```figure ```` fence holding a small YAML document
(CONTRIBUTING.md, "Figures")::

    source: entropy/binary-entropy.py   # snippets/<page>/<name>.py, shared by both languages
    alt: >-                             # what the figure shows, in the page's language
      ...
    caption: |                          # Markdown (math allowed), in the page's language
      ...
    text:                               # every string the code draws, in the page's language
      x: probability of heads p

The source is short, plain Python: the package computes, matplotlib draws. It runs with
``text``, ``num`` (a number in the page's language), ``lang``, and the colour names
``FG`` and ``MUTED`` in scope, under :data:`STYLE`. The figure it leaves open is saved as
SVG with its text kept as text (``svg.fonttype: none``), so it takes the page's fonts,
and with sentinel colours that :func:`to_inline_svg` turns into CSS variables, so one SVG
serves the light and the dark palette (``frontend/theme/figures.css`` sets them).

:func:`fingerprint` summarises the numbers a figure plots; ``tests/docs/figures.json``
records them, so a figure that starts plotting other numbers fails the tests until the
record is renewed on purpose (``python -m sitetools.figures lock``).

It is long because a figure's whole path (fence, checks, palette, per-language strings,
cache, SVG clean-up) is one pipeline, easier to follow in one file.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import io
import json
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import fences
from .fences import Fence

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
CACHE = ROOT / ".cache" / "figures"
LOCK = ROOT / "tests" / "docs" / "figures.json"

NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEYS = {"source", "alt", "caption", "text"}
REQUIRED = ("source", "alt", "caption")

# Sentinel colours: what the figure code draws with, replaced by CSS variables in the SVG.
FG = "#000001"  # text, axes, ticks
MUTED = "#000002"  # guides, grids, reference lines
CYCLE = ["#0000a0", "#0000a1", "#0000a2", "#0000a3", "#0000a4", "#0000a5"]  # "C0".."C5"
CSS_VARS = {FG: "--it-fig-fg", MUTED: "--it-fig-muted"} | {
    colour: f"--it-fig-c{i}" for i, colour in enumerate(CYCLE)
}
# The values of those variables in each palette: the page's stylesheet is written from
# these (palette_css(), published by hooks/figures.py), and so are the PNG previews.
PALETTES = {
    "light": {"bg": "#ffffff", FG: "#1f2330", MUTED: "#6b7080",
              **dict(zip(CYCLE, ["#3949ab", "#d84315", "#2e7d32", "#8e24aa", "#00838f", "#6d4c41"]))},
    "dark": {"bg": "#1e2129", FG: "#e2e4e9", MUTED: "#8b90a0",
             **dict(zip(CYCLE, ["#8c9eff", "#ff8a65", "#81c784", "#ce93d8", "#4dd0e1", "#bcaaa4"]))},
}  # fmt: skip
SCHEMES = {"light": "default", "dark": "slate"}  # Material's data-md-color-scheme


def palette_css() -> str:
    """The figures' CSS variables in both palettes, from :data:`PALETTES`."""
    blocks = []
    for palette, scheme in SCHEMES.items():
        values = PALETTES[palette] | {FG: "var(--md-default-fg-color)"}  # the page's text
        lines = "".join(f"  {var}: {values[colour]};\n" for colour, var in CSS_VARS.items())
        blocks.append(f'[data-md-color-scheme="{scheme}"] .md-typeset .it-graphic {{\n{lines}}}\n')
    return "/* Written by sitetools.figures.palette_css() from PALETTES. */\n" + "\n".join(blocks)


WIDTH_IN = 5.0
STYLE: dict[str, Any] = {
    "figure.figsize": (WIDTH_IN, 3.1),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "font.family": "sans-serif",
    # 5 in is 360 units of the viewBox: at 390 px the figure is drawn at about 1:1, so
    # these are the sizes a phone shows (in px); wider screens scale them up.
    "font.size": 13,
    "axes.labelsize": 13,
    "axes.titlesize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.frameon": False,
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.edgecolor": "none",
    "text.color": FG,
    "axes.edgecolor": FG,
    "axes.labelcolor": FG,
    "xtick.color": FG,
    "ytick.color": FG,
    "grid.color": MUTED,
    "patch.edgecolor": FG,
    "hatch.color": FG,
    "lines.linewidth": 2,
    "svg.fonttype": "none",
    "svg.hashsalt": "infotheory",
}


class FigureError(ValueError):
    """A figure fence or source that cannot be rendered; the message names where."""


@dataclass(frozen=True)
class FigureSpec:
    """One ```figure fence, as written on a page."""

    name: str  # the source's stem: anchor #figure-<name>, unique on the site
    source: str  # relative to snippets/, "<page>/<name>.py"
    alt: str
    caption: str
    text: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return SNIPPETS / self.source


@dataclass(frozen=True)
class Rendered:
    svg: str  # the inline SVG (CSS variables for colours, no size, no ids shared)
    data: list[dict[str, Any]]  # fingerprint(): what the figure plots


def page_language(src: str) -> str:
    return "es" if src.endswith(".es.md") else "en"


def page_name(src: str) -> str:
    """``docs/entropy.es.md`` or ``entropy.md`` -> ``entropy``."""
    name = Path(src).name
    return name.removesuffix(".md").removesuffix(".es")


# ---------------------------------------------------------------------- the fence


def find_fences(markdown: str) -> list[Fence]:
    """Every ```figure fence at the start of a line, with its YAML body."""
    return fences.find(markdown, "figure", FigureError)


def load(body: str, page: str, where: str) -> FigureSpec:
    """Parse and check one fence's YAML; ``page`` is the page's name (``entropy``)."""
    data = fences.yaml_mapping(body, where, "a figure", FigureError)
    if unknown := set(data) - KEYS:
        raise FigureError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(KEYS)}")
    for key in REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise FigureError(f"{where}: {key!r} is required and must be non-empty text")
    source = data["source"].strip()
    parts = source.split("/")
    if len(parts) != 2 or parts[0] != page or not parts[1].endswith(".py"):
        raise FigureError(
            f"{where}: source must be {page}/<name>.py (the page's own), not {source!r}"
        )
    name = parts[1].removesuffix(".py")
    if not NAME_RE.match(name):
        raise FigureError(f"{where}: the figure name {name!r} must be lowercase words and hyphens")
    if not (SNIPPETS / source).is_file():
        raise FigureError(f"{where}: snippets/{source} does not exist")
    text = data.get("text") or {}
    if not isinstance(text, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in text.items()
    ):
        raise FigureError(f"{where}: text must map names to strings")
    return FigureSpec(name, source, " ".join(data["alt"].split()), data["caption"].strip(),
                      {k: str(v) for k, v in text.items()})  # fmt: skip


def page_figures(markdown: str, src: str) -> list[tuple[Fence, FigureSpec]]:
    """The figures of one page's Markdown, in order, checked."""
    page = page_name(src)
    try:
        found = find_fences(markdown)
    except FigureError as exc:
        raise FigureError(f"{src}: {exc}") from exc
    out, seen = [], set()
    for fence in found:
        spec = load(fence.body, page, f"{src} (line {fence.start + 1})")
        if spec.name in seen:
            raise FigureError(f"{src}: the figure {spec.name!r} appears twice")
        seen.add(spec.name)
        out.append((fence, spec))
    return out


# ---------------------------------------------------------------------- drawing


def format_number(value: float, digits: int = 2, lang: str = "en") -> str:
    """``value`` with ``digits`` decimals, a decimal comma and a true minus in Spanish."""
    out = f"{value:.{digits}f}".replace("-", "\u2212")
    return out.replace(".", ",") if lang == "es" else out


def _decimal_comma(fig: Any) -> None:
    """Give every axis of ``fig`` tick labels with a decimal comma (Spanish)."""
    from matplotlib.ticker import Formatter

    class Comma(Formatter):
        def __init__(self, inner: Formatter) -> None:
            self.inner = inner

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs: Any) -> None:
            self.inner.set_locs(locs)

        def format_ticks(self, values: Any) -> list[str]:
            return [s.replace(".", ",") for s in self.inner.format_ticks(values)]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return self.inner(x, pos).replace(".", ",")

        def get_offset(self) -> str:
            return self.inner.get_offset().replace(".", ",")

    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            for setter, getter in ((axis.set_major_formatter, axis.get_major_formatter),
                                   (axis.set_minor_formatter, axis.get_minor_formatter)):  # fmt: skip
                if not isinstance(getter(), Comma):
                    setter(Comma(getter()))


@contextlib.contextmanager
def style() -> Iterator[None]:
    """The site's figure style, with warnings as errors: draw and save inside it.

    matplotlib resolves "C1", fonts and the SVG options when it saves, not when the code
    runs, so saving outside this context would lose them.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(STYLE | {"axes.prop_cycle": matplotlib.cycler(color=CYCLE)}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield


def draw(path: Path, text: dict[str, str], lang: str) -> Any:
    """Run one figure source and return the figure it made. Call inside :func:`style`."""
    import matplotlib.pyplot as plt

    source = path.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {
        "__name__": "__figure__",
        "__file__": str(path),
        "text": _Text(text, path),
        "num": lambda value, digits=2: format_number(float(value), digits, lang),
        "lang": lang,
        "FG": FG,
        "MUTED": MUTED,
    }
    plt.close("all")
    exec(compile(source, str(path), "exec"), namespace)
    figures = [plt.figure(n) for n in plt.get_fignums()]
    if len(figures) != 1:
        raise FigureError(
            f"{path.name}: the code must leave exactly one figure open, not {len(figures)}"
        )
    fig = figures[0]
    if abs(fig.get_size_inches()[0] - WIDTH_IN) > 1e-9:
        raise FigureError(
            f"{path.name}: keep the figure {WIDTH_IN:g} in wide (it scales to the page)"
        )
    if lang == "es":
        _decimal_comma(fig)
    fig.canvas.draw()  # ticks and layout are final from here on
    return fig


class _Text(dict):
    """The fence's ``text``: a missing key names the figure and the key."""

    def __init__(self, items: dict[str, str], path: Path) -> None:
        super().__init__(items)
        self._path = path

    def __missing__(self, key: str) -> str:
        raise FigureError(
            f"{self._path.name}: text[{key!r}] is used but the fence's text has no {key!r}"
        )


def _round(values: Any) -> list[float]:
    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[np.isfinite(arr)]
    if not arr.size:
        return [0, 0.0, 0.0, 0.0]
    return [int(arr.size)] + [float(f"{v:.6g}") for v in (arr.sum(), arr.min(), arr.max())]


def fingerprint(fig: Any) -> list[dict[str, Any]]:
    """What a figure plots, in data coordinates: count, sum, min and max of each artist.

    Lines, bars and other patches, filled areas and scatter points, per axes, and the
    positions of the annotations. Words are left out (they depend on the language).
    """
    from matplotlib.patches import Rectangle
    from matplotlib.text import Annotation

    out: list[dict[str, Any]] = []
    for n, ax in enumerate(fig.get_axes()):
        for line in ax.get_lines():
            if line.get_visible():
                xy = np.asarray(line.get_xydata(), dtype=float)
                out.append(
                    {"axes": n, "kind": "line", "x": _round(xy[:, 0]), "y": _round(xy[:, 1])}
                )
        for patch in ax.patches:
            if isinstance(patch, Rectangle):
                box = [patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()]
                out.append({"axes": n, "kind": "rect", "xywh": [float(f"{v:.6g}") for v in box]})
            else:
                out.append({"axes": n, "kind": type(patch).__name__,
                            "xy": _round(patch.get_path().vertices)})  # fmt: skip
        for coll in ax.collections:
            verts = [p.vertices for p in coll.get_paths()]
            flat = np.concatenate(verts) if verts else np.zeros((0, 2))
            out.append({"axes": n, "kind": "collection", "paths": _round(flat),
                        "offsets": _round(coll.get_offsets())})  # fmt: skip
        for child in ax.texts:
            if isinstance(child, Annotation):
                out.append({"axes": n, "kind": "annotation", "xy": _round(child.xy)})
        out.append({"axes": n, "kind": "limits",
                    "x": [float(f"{v:.6g}") for v in ax.get_xlim()],
                    "y": [float(f"{v:.6g}") for v in ax.get_ylim()]})  # fmt: skip
    return out


def svg_text(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


_ID_RE = re.compile(r'\bid="([^"]+)"')


def to_inline_svg(svg: str, name: str, alt: str) -> str:
    """matplotlib's SVG document -> an inline ``<svg>`` for the page.

    No XML prologue, no fixed size (the viewBox stays: CSS scales it), the page's fonts
    (no font-family), CSS variables for the sentinel colours, ids prefixed with the
    figure's name (two figures on a page never share one), and ``role="img"`` with the
    text alternative as its title.
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    head_end = svg.index(">") + 1
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    head = head.replace(
        "<svg ",
        f'<svg class="it-graphic__svg" role="img" aria-labelledby="figure-{name}-title" ',
        1,
    )
    body = svg[head_end:]
    body = re.sub(r"font-family:[^;\"]*;?\s*", "", body)
    body = re.sub(r"font:\s*([\d.]+px)\s+'[^']*'", r"font-size: \1", body)
    body = _ID_RE.sub(lambda m: f'id="figure-{name}-{m[1]}"', body)
    body = re.sub(r"url\(#([^)]+)\)", rf"url(#figure-{name}-\1)", body)
    body = re.sub(r'href="#([^"]+)"', rf'href="#figure-{name}-\1"', body)
    for colour, var in CSS_VARS.items():
        body = re.sub(re.escape(colour), f"var({var})", body, flags=re.IGNORECASE)
    title = f'<title id="figure-{name}-title">{html.escape(alt)}</title>'
    return head + title + body.strip()


def _cache_key(spec: FigureSpec, lang: str) -> str:
    import matplotlib

    digest = hashlib.sha256()
    for part in (Path(__file__).read_text(encoding="utf-8"), matplotlib.__version__, lang, spec.name, spec.alt,
                 json.dumps(spec.text, sort_keys=True), spec.path.read_text(encoding="utf-8")):  # fmt: skip
        digest.update(part.encode() + b"\0")
    for module in sorted((ROOT / "infotheory").glob("*.py")):  # the numbers come from here
        digest.update(module.read_bytes())
    return digest.hexdigest()[:32]


def render(spec: FigureSpec, lang: str, *, cache: bool = True) -> Rendered:
    """The inline SVG and the fingerprint of one figure in one language (cached on disk)."""
    key = _cache_key(spec, lang)
    cached = CACHE / f"{key}.json"
    if cache and cached.is_file():
        data = json.loads(cached.read_text(encoding="utf-8"))
        return Rendered(data["svg"], data["data"])
    import matplotlib.pyplot as plt

    try:
        with style():
            fig = draw(spec.path, spec.text, lang)
            rendered = Rendered(
                to_inline_svg(svg_text(fig), spec.name, spec.alt), fingerprint(fig)
            )
    except FigureError:
        raise
    except Exception as exc:  # a figure's own error: name the figure, keep the cause
        raise FigureError(f"snippets/{spec.source} ({lang}): {type(exc).__name__}: {exc}") from exc
    finally:
        plt.close("all")
    if cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(
            json.dumps({"svg": rendered.svg, "data": rendered.data}), encoding="utf-8"
        )
    return rendered


def preview_png(spec: FigureSpec, lang: str, palette: str, out: Path) -> None:
    """A PNG of the figure in one palette, to look at while writing it."""
    import matplotlib.pyplot as plt

    colours = PALETTES[palette]
    with style():
        fig = draw(spec.path, spec.text, lang)
        artists = fig.findobj()
        artists += [a.arrow_patch for a in artists if getattr(a, "arrow_patch", None) is not None]
        for artist in artists:
            for getter, setter in (("get_color", "set_color"), ("get_facecolor", "set_facecolor"),
                                   ("get_edgecolor", "set_edgecolor")):  # fmt: skip
                if not hasattr(artist, getter) or not hasattr(artist, setter):
                    continue
                try:
                    value = getattr(artist, getter)()
                    getattr(artist, setter)(_swap(value, colours))
                except (TypeError, ValueError, AttributeError):
                    pass
        fig.savefig(out, format="png", dpi=150, facecolor=colours["bg"])
        plt.close("all")


def _swap(value: Any, colours: dict[str, str]) -> Any:
    from matplotlib.colors import to_hex, to_rgba

    arr = np.asarray(value, dtype=object)
    if isinstance(value, str) or (arr.ndim == 1 and len(arr) in (3, 4)):
        rgba = to_rgba(value)
        hexed = to_hex(rgba, keep_alpha=False)
        return to_rgba(colours[hexed], rgba[3]) if hexed in colours else value
    if arr.ndim == 2:
        return [_swap(tuple(row), colours) for row in np.asarray(value, dtype=float)]
    return value


# ---------------------------------------------------------------------- the record


def all_figures() -> list[tuple[str, FigureSpec]]:
    """(page source, spec) for every figure fence of every page, both languages."""
    out = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT).as_posix()
        for _, spec in page_figures(page.read_text(encoding="utf-8"), rel):
            out.append((rel, spec))
    return out


def lock() -> dict[str, Any]:
    """Render every English figure and record its fingerprint in tests/docs/figures.json."""
    record = {}
    for src, spec in all_figures():
        if page_language(src) == "en":
            record[spec.source] = render(spec, "en").data
    LOCK.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sitetools.figures", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("render", help="render one figure of a page to PNG (to look at) or SVG")
    show.add_argument("source", help="snippets/<page>/<name>.py")
    show.add_argument(
        "--page", required=True, help="docs/<page>.md or docs/<page>.es.md (gives the fence)"
    )
    show.add_argument("--png", type=Path, help="write a PNG preview here")
    show.add_argument("--svg", type=Path, help="write the inline SVG here")
    show.add_argument("--palette", choices=sorted(PALETTES), default="light")
    sub.add_parser("lock", help=f"renew {LOCK.relative_to(ROOT)} from the English figures")
    args = parser.parse_args(argv)
    if args.command == "lock":
        record = lock()
        print(f"{LOCK.relative_to(ROOT)}: {len(record)} figures")
        return 0
    page = Path(args.page)
    source = Path(args.source).resolve().relative_to(SNIPPETS).as_posix()
    specs = [
        s
        for _, s in page_figures(page.read_text(encoding="utf-8"), page.as_posix())
        if s.source == source
    ]
    if not specs:
        parser.error(f"{page} has no ```figure fence with source: {source}")
    lang = page_language(page.name)
    if args.png:
        preview_png(specs[0], lang, args.palette, args.png)
        print(args.png)
    if args.svg:
        args.svg.write_text(render(specs[0], lang, cache=False).svg, encoding="utf-8")
        print(args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
