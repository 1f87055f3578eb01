"""The exercises of the theory pages (CONTRIBUTING.md, "Exercises").

* Every theory page (the "Theory" section of the nav) has at least 4 exercises in each
  language, in its ``## Exercises`` / ``## Ejercicios`` section, and the site has at least
  30 in all (English pages counted).
* The two languages have the same exercises in the same order: ids, types, units,
  tolerances, the Python expressions (values, answer, mistakes, correct), the number of
  options; prompt, hint and solution, each option's text and every ``why`` exist in both.
* Every expression evaluates with the real package, every placeholder is known, and no
  mistake lies within the tolerance of the answer (or of another mistake): a reader's
  number could not be told apart.
* The built pages carry one rendered exercise per fence, with its data, and nothing of
  the build's intermediate markup.

Typed numbers in an exercise's prose are checked numbers like any other (test_numbers.py
and test_parity.py read the prose of the fences through sources.parse).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from sitetools.exercises import (
    Exercise,
    ExerciseError,
    Fence,
    evaluate,
    fill,
    find_fences,
    load,
    within,
)

from .sources import DOCS, ROOT, parse, rel

MINIMUM_PER_PAGE = 4
MINIMUM_TOTAL = 30
SECTION = {"en": "## Exercises", "es": "## Ejercicios"}
NEXT = {"en": "## Where to go next", "es": "## Adónde seguir"}


class _NavLoader(yaml.SafeLoader):
    """mkdocs.yml has !!python tags; the nav does not need them."""


_NavLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_NavLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def theory_pages() -> list[str]:
    """The pages of the nav's "Theory" section, as language-neutral names."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_NavLoader)
    for entry in config["nav"]:
        if isinstance(entry, dict) and "Theory" in entry:
            return [next(iter(item.values()))[: -len(".md")] for item in entry["Theory"]]
    raise AssertionError("mkdocs.yml has no 'Theory' section in its nav")


THEORY = theory_pages()


def path_of(name: str, lang: str) -> Path:
    return DOCS / (f"{name}.md" if lang == "en" else f"{name}.es.md")


def exercises_of(path: Path) -> list[tuple[Fence, Exercise]]:
    """The fences of a page, each loaded (validated) by the build's own code."""
    text = path.read_text(encoding="utf-8")
    found = []
    for fence in find_fences(text):
        found.append((fence, load(fence.body, f"{rel(path)}:{fence.start + 1}")))
    return found


# ----------------------------------------------------------------------------- counts


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", THEORY)
def test_every_theory_page_has_exercises(name: str, lang: str) -> None:
    path = path_of(name, lang)
    count = len(exercises_of(path))
    assert count >= MINIMUM_PER_PAGE, (
        f"{rel(path)} has {count} exercises; every theory page needs at least "
        f"{MINIMUM_PER_PAGE} in each language (CONTRIBUTING.md, 'Exercises')"
    )


def test_enough_exercises_in_all() -> None:
    counts = {name: len(exercises_of(path_of(name, "en"))) for name in THEORY}
    total = sum(counts.values())
    assert total >= MINIMUM_TOTAL, (
        f"the theory pages have {total} exercises in all; at least {MINIMUM_TOTAL} are "
        f"required. Per page: {counts}"
    )


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", THEORY)
def test_exercises_are_in_their_section(name: str, lang: str) -> None:
    path = path_of(name, lang)
    fences = [fence for fence, _ in exercises_of(path)]
    if not fences:
        pytest.skip("no exercises yet (test_every_theory_page_has_exercises reports it)")
    lines = path.read_text(encoding="utf-8").split("\n")
    headings = [(i, line) for i, line in enumerate(lines) if re.match(r"##[ \t]", line)]
    section = [i for i, line in headings if line.strip() == SECTION[lang]]
    assert len(section) == 1, f"{rel(path)} needs one '{SECTION[lang]}' section"
    following = [line.strip() for i, line in headings if i > section[0]]
    assert following and following[0] == NEXT[lang], (
        f"{rel(path)}: '{SECTION[lang]}' goes just before '{NEXT[lang]}'"
    )
    end = next(i for i, line in headings if i > section[0])
    outside = [f.start + 1 for f in fences if not section[0] < f.start < end]
    assert not outside, f"{rel(path)}: exercises outside '{SECTION[lang]}' at lines {outside}"


# ----------------------------------------------------------------------------- twins

SAME = ("id", "type", "unit", "tolerance", "values", "answer", "correct", "code")


def _expressions(spec: Exercise) -> dict:
    """Everything of an exercise that must be identical in both languages."""
    same = {key: getattr(spec, key, None) for key in SAME}
    same["mistakes"] = [(m.kind, m.value) for m in getattr(spec, "mistakes", ())]
    same["mistake whys"] = [m.why is not None for m in getattr(spec, "mistakes", ())]
    same["options"] = len(getattr(spec, "options", ()))
    same["option whys"] = [o.why is not None for o in getattr(spec, "options", ())]
    return same


@pytest.mark.parametrize("name", THEORY)
def test_both_languages_have_the_same_exercises(name: str) -> None:
    en_path, es_path = path_of(name, "en"), path_of(name, "es")
    english, spanish = exercises_of(en_path), exercises_of(es_path)
    en_ids = [spec.id for _, spec in english]
    es_ids = [spec.id for _, spec in spanish]
    assert en_ids == es_ids, (
        f"the exercises differ (same ids, same order in both languages):\n"
        f"  {rel(en_path)}: {en_ids}\n  {rel(es_path)}: {es_ids}"
    )
    problems = []
    for (_, en), (_, es) in zip(english, spanish):
        ours, theirs = _expressions(en), _expressions(es)
        for key in ours:
            if ours[key] != theirs[key]:
                problems.append(
                    f"exercise {en.id!r}: {key} differs: {ours[key]!r} (English) "
                    f"vs {theirs[key]!r} (Spanish); only the prose is translated"
                )
        for key in ("prompt", "hint", "solution"):
            for lang, spec in (("English", en), ("Spanish", es)):
                if not str(getattr(spec, key) or "").strip():
                    problems.append(f"exercise {en.id!r}: no {key} in {lang}")
    assert not problems, f"{rel(en_path)} / {rel(es_path)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", THEORY)
def test_the_translation_is_not_a_copy(name: str) -> None:
    english = {spec.id: spec for _, spec in exercises_of(path_of(name, "en"))}
    copies = [
        f"{spec.id}.{key}"
        for _, spec in exercises_of(path_of(name, "es"))
        for key in ("prompt", "hint", "solution")
        if spec.id in english
        and getattr(spec, key).strip() == getattr(english[spec.id], key).strip()
    ]
    assert not copies, f"{name}: Spanish text identical to the English one: {copies}"


# ----------------------------------------------------------------------------- values


def _all_exercises() -> list[tuple[Path, Exercise | SimpleNamespace]]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        try:
            found.extend((path, spec) for _, spec in exercises_of(path))
        except ExerciseError:
            found.append((path, SimpleNamespace(id="<unreadable>", type=None, path=path)))
    return found


EXERCISES = _all_exercises()
EXERCISE_IDS = [f"{rel(path)}#{spec.id}" for path, spec in EXERCISES]


@pytest.mark.parametrize("page", sorted({path for path, _ in EXERCISES}), ids=rel)
def test_exercises_load(page: Path) -> None:
    try:
        exercises = exercises_of(page)
    except ExerciseError as exc:
        pytest.fail(str(exc))
    ids = [spec.id for _, spec in exercises]
    assert len(ids) == len(set(ids)), f"{rel(page)}: duplicate exercise ids {ids}"


@pytest.mark.parametrize(("page", "spec"), EXERCISES, ids=EXERCISE_IDS)
def test_expressions_evaluate(page: Path, spec: Exercise) -> None:
    if spec.id == "<unreadable>":
        pytest.skip("see test_exercises_load")
    lang = "es" if page.name.endswith(".es.md") else "en"
    where = rel(page)
    try:
        computed = evaluate(spec, where)
        texts = [spec.prompt, spec.hint, spec.solution]
        texts += [o.text for o in getattr(spec, "options", ())]
        texts += [o.why or "" for o in getattr(spec, "options", ())]
        texts += [m.why or "" for m in getattr(spec, "mistakes", ())]
        for text in texts:
            fill(text, computed, lang, f"{where}, exercise {spec.id!r}")
    except ExerciseError as exc:
        pytest.fail(str(exc))
    if spec.type == "numeric":
        assert computed.answer is not None and not math.isnan(computed.answer)


NUMERIC = [(i, e) for i, e in zip(EXERCISE_IDS, EXERCISES) if e[1].type == "numeric"]


@pytest.mark.parametrize(("page", "spec"), [e for _, e in NUMERIC], ids=[i for i, _ in NUMERIC])
def test_mistakes_are_told_apart(page: Path, spec: Exercise) -> None:
    computed = evaluate(spec, rel(page))
    tolerance = float(spec.tolerance)
    problems = []
    for mistake in computed.mistakes:
        if within(mistake.value, computed.answer, tolerance):
            problems.append(
                f"the {mistake.kind!r} mistake ({mistake.value!r}) is within ±{tolerance} "
                f"of the answer ({computed.answer!r}): the reader would be told both"
            )
    for i, first in enumerate(computed.mistakes):
        for second in computed.mistakes[i + 1 :]:
            if within(first.value, second.value, tolerance):
                problems.append(
                    f"the {first.kind!r} and {second.kind!r} mistakes are within ±{tolerance} "
                    "of each other: only the first would ever be explained"
                )
    assert not problems, f"{rel(page)}, exercise {spec.id!r}:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------- the site


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", THEORY)
def test_exercises_are_rendered(site: Path, name: str, lang: str) -> None:
    source = path_of(name, lang)
    specs = [spec for _, spec in exercises_of(source)]
    built = site / ("" if lang == "en" else "es") / name / "index.html"
    html = built.read_text(encoding="utf-8")
    assert "\u27e6" not in html, f"{rel(source)}: the build's markers were left in the page"
    rendered = re.findall(r'<div class="exercise" id="exercise-([a-z0-9-]+)"', html)
    assert rendered == [spec.id for spec in specs], f"{rel(source)}: rendered {rendered}"
    for spec, data in zip(
        specs,
        re.findall(r'<script type="application/json" class="exercise-data">(.*?)</script>', html),
    ):
        data = json.loads(data)
        assert data["id"] == spec.id and data["type"] == spec.type
    if specs:
        assert html.count('class="exercises-progress"') == 1
    assert not re.search(r"\{\{[^}]*\}\}", html), f"{rel(source)}: a placeholder was left unfilled"


def test_parse_sees_exercise_prose() -> None:
    """sources.parse keeps an exercise's prose (for the number checks) and blanks the rest."""
    page = DOCS / "entropy.md"
    prose = parse(page).prose
    assert "tolerance: 0.001" not in prose and "answer: entropy(" not in prose
    spec = exercises_of(page)[0][1]
    assert spec.prompt.split("\n")[0].strip() in prose
