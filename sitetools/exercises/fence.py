"""The ```` ```exercise ```` fence: a ``pymdownx.superfences`` custom fence for MkDocs.

``mkdocs.yml`` registers one :class:`ExerciseFence` object as the fence's formatter.
Superfences calls it with each fence's YAML while it reads the page; it returns the
exercise's HTML, which goes into the page as it is (a raw block in Markdown's stash).
The exercise's prose is Markdown, converted by a Markdown of the page's own extensions
and link rewriting, so math (then hooks/katex.py), highlighting and the runnable cell of
the Python check (hooks/cells.py) work as in the rest of the page.

Markdown does not tell a fence which page it is on, and an exercise needs the page's
language, its place among the page's exercises (the progress bar precedes the first and
counts them) and the source line for the messages. So ``hooks/exercises.py`` calls
:meth:`ExerciseFence.start_page` before MkDocs renders a page (``on_page_markdown``, as
mkdocs-autorefs keeps its ``current_page``) and :meth:`ExerciseFence.finish_page` after
(``on_page_content``), which also checks that every fence of the page was rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

from sitetools.fences import Fence

from .evaluate import evaluate
from .model import ExerciseError, find_fences, load
from .prose import pieces
from .render import progress, render

PLACEMENT = "write ```exercise fences at the start of a line, outside lists and admonitions"


class FenceError(SuperFencesException, PluginError):
    """An exercise that cannot be built: the build stops with this message.

    A superfences formatter that raises anything else is silently left as a code block.
    """


def page_language(src_uri: str) -> str:
    return "es" if src_uri.endswith(".es.md") else "en"


@dataclass
class PageExercises:
    """The page MkDocs is rendering, as far as its exercises are concerned."""

    src_uri: str
    lang: str
    fences: list[Fence]  # the page's ```exercise fences at the start of a line, in order
    new_markdown: Callable[[], markdown.Markdown]  # a Markdown of the page's extensions
    ids: list[str] = field(default_factory=list)  # of the exercises rendered so far
    prose: markdown.Markdown | None = None  # made on first use

    def to_html(self, text: str, page_md: markdown.Markdown) -> str:
        """Markdown of an exercise -> HTML, with the page's extensions and link rewriting."""
        if self.prose is None:
            self.prose = self.new_markdown()
            if "relpath" in page_md.treeprocessors:  # MkDocs' links, relative to this page
                self.prose.treeprocessors.register(page_md.treeprocessors["relpath"], "relpath", 0)
        self.prose.reset()
        return self.prose.convert(text)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.expandtabs(4).strip("\n").split("\n")]


class ExerciseFence:
    """The formatter of the ```exercise custom fence, for one build (see the module)."""

    def __init__(self) -> None:
        self.page: PageExercises | None = None

    def start_page(
        self, src_uri: str, source: str, extensions: list[Any], extension_configs: dict
    ) -> None:
        """Announce the page about to be rendered; ``source`` is its Markdown."""
        try:
            found = find_fences(source)
        except ExerciseError as exc:
            raise PluginError(f"exercises: page {src_uri}: {exc}") from exc

        def new_markdown() -> markdown.Markdown:
            return markdown.Markdown(extensions=extensions, extension_configs=extension_configs)

        self.page = PageExercises(src_uri, page_language(src_uri), found, new_markdown)

    def finish_page(self) -> None:
        """The page is rendered: every one of its fences must have become an exercise."""
        page, self.page = self.page, None
        if page is not None and len(page.ids) != len(page.fences):
            raise PluginError(
                f"exercises: page {page.src_uri}: {len(page.ids)} of its {len(page.fences)} "
                f"```exercise fences rendered ({PLACEMENT})"
            )

    def __call__(
        self,
        src: str,
        language: str,
        class_name: str,
        options: dict,
        md: markdown.Markdown,
        **kwargs: Any,
    ) -> str:
        """The superfences formatter: one fence's YAML -> the exercise's HTML."""
        page = self.page
        if page is None:
            raise FenceError(
                "exercises: an ```exercise fence on a page that hooks/exercises.py did not "
                "announce (is the hook in mkdocs.yml?)"
            )
        n = len(page.ids)
        where = f"page {page.src_uri}"
        if n >= len(page.fences) or _lines(page.fences[n].body) != _lines(src):
            raise FenceError(f"exercises: {where}: exercise {n + 1} is nested ({PLACEMENT})")
        fence = page.fences[n]
        try:
            exercise = load(fence.body, f"{where} (line {fence.start + 1})")
            if exercise.id in page.ids:
                raise ExerciseError(f"{where}: two exercises have the id {exercise.id!r}")
            computed = evaluate(exercise, where)
            prose = pieces(exercise, computed, page.lang, where)
        except ExerciseError as exc:
            raise FenceError(f"exercises: {exc}") from exc
        html = render(
            exercise, computed, page.lang, n + 1, prose, lambda text: page.to_html(text, md)
        )
        page.ids.append(exercise.id)
        return (progress(page.lang, len(page.fences)) if n == 0 else "") + html


def registered(mdx_configs: dict) -> ExerciseFence:
    """The :class:`ExerciseFence` that mkdocs.yml gives ``pymdownx.superfences``."""
    fences = (mdx_configs.get("pymdownx.superfences") or {}).get("custom_fences") or []
    for entry in fences:
        if entry.get("name") == "exercise" and isinstance(entry.get("format"), ExerciseFence):
            return entry["format"]
    raise PluginError(
        "exercises: mkdocs.yml must register the fence: under pymdownx.superfences, "
        "custom_fences: - {name: exercise, class: exercise, "
        "format: !!python/object/apply:sitetools.exercises.ExerciseFence []}"
    )
