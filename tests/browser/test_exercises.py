"""The exercises of the theory pages, as a reader uses them, in both languages.

On the entropy page (English and Spanish): a right answer (in Spanish with a decimal
comma), a wrong one, the units mistake and the 0·log 0 mistake explained, a multiple
choice answered wrongly then rightly, the hint and the worked solution opened on request,
progress kept across a reload and cleared by the button, and nothing sent anywhere. Then
axe-core on the page, in the light and the dark palette, with feedback shown and every
hint and solution open, and a smoke
test of every exercise of every theory page (its computed answer is accepted).

The data of each exercise (answer, tolerance, mistakes) are read from the page itself, so
the tests follow the content.
"""

from __future__ import annotations

import json

import pytest

from .pages import PAGES, axe_violations, open_page

WORDS = {
    "en": {"right": "Correct", "wrong": "Not quite", "nats": "in nats", "bits": "in bits",
           "solved": "Solved", "hint": "Hint", "solution": "Solution",
           "count": "Solved {k} of {n}.", "cleared": "was cleared", "comma": "decimal",
           "choice_wrong": "Not this one.", "choice_right": "Correct."},
    "es": {"right": "Correcto", "wrong": "Todavía no", "nats": "en nats", "bits": "en bits",
           "solved": "Resuelto", "hint": "Pista", "solution": "Solución",
           "count": "Has resuelto {k} de {n}.", "cleared": "Se ha borrado",
           "choice_wrong": "Esta no.", "choice_right": "Correcto."},
}  # fmt: skip
PAGE = {"en": "entropy/", "es": "es/entropy/"}
LANGS = pytest.mark.parametrize("lang", ["en", "es"])


def number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "es" else text


def exercises(page) -> list[dict]:
    texts = page.eval_on_selector_all(
        "div.exercise > script.exercise-data", "nodes => nodes.map(n => n.textContent)"
    )
    return [json.loads(t) for t in texts]


def value_of(v) -> float:
    return (
        {"inf": float("inf"), "-inf": float("-inf")}.get(v, v) if isinstance(v, str) else float(v)
    )


def fresh(watched, server, lang: str):
    """The page with no saved progress (the session's browser is shared by the tests)."""
    page = watched.page
    open_page(watched, server, PAGE[lang])
    page.wait_for_selector("div.exercise.exercise--ready")
    page.locator("button.exercises-clear").click()  # what earlier tests saved
    assert saved_keys(page) == []
    return page


def saved_keys(page) -> list[str]:
    """This page's exercise keys in localStorage (the theme and other pages keep theirs too)."""
    return page.evaluate(
        """() => Object.keys(localStorage).filter(
            (k) => k.startsWith("infotheory:exercises:") && k.endsWith(`:${location.pathname}`))"""
    )


def check(page, ident: str, answer: str):
    box = page.locator(f"#exercise-{ident}")
    box.locator("input.exercise-input").fill(answer)
    box.locator("button.exercise-check").click()
    feedback = box.locator(".exercise-feedback")
    feedback.locator("p").first.wait_for()
    return feedback


def first(items, predicate):
    found = [item for item in items if predicate(item)]
    assert found, "no exercise of the kind this test needs on the page"
    return found[0]


@LANGS
def test_right_wrong_and_units_mistake(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    words = WORDS[lang]
    data = first(exercises(page), lambda d: d["type"] == "numeric"
                 and any(m["kind"] in ("nats", "bits") for m in d["mistakes"]))  # fmt: skip
    ident, decimals = data["id"], data["decimals"]
    answer = value_of(data["answer"])

    wrong = check(page, ident, number(answer + 50 * data["tolerance"], decimals, lang))
    assert "exercise-feedback--wrong" in wrong.get_attribute("class")
    assert wrong.inner_text().startswith(words["wrong"])

    units = next(m for m in data["mistakes"] if m["kind"] in ("nats", "bits"))
    feedback = check(page, ident, number(value_of(units["value"]), decimals, lang))
    assert feedback.get_attribute("data-mistake") == units["kind"]
    assert words[units["kind"]] in feedback.inner_text()

    right = check(page, ident, number(answer, decimals, lang))  # a decimal comma in Spanish
    assert "exercise-feedback--right" in right.get_attribute("class")
    assert right.inner_text().startswith(words["right"])
    assert number(answer, decimals, lang) in right.inner_text()
    assert page.locator(f"#exercise-{ident} .exercise-status").inner_text() == words["solved"]
    assert right.get_attribute("aria-live") == "polite"
    watched.assert_clean()


def test_english_explains_a_decimal_comma(watched, server) -> None:
    page = fresh(watched, server, "en")
    data = first(exercises(page), lambda d: d["type"] == "numeric")
    feedback = check(page, data["id"], number(value_of(data["answer"]), data["decimals"], "es"))
    assert "exercise-feedback--invalid" in feedback.get_attribute("class")
    assert "point" in feedback.inner_text()
    assert page.locator(f"#exercise-{data['id']} input").get_attribute("aria-invalid") == "true"


@LANGS
def test_zero_log_zero_mistake_is_explained(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    data = first(exercises(page), lambda d: d["type"] == "numeric"
                 and any(m["kind"] == "zero-log-zero" for m in d["mistakes"]))  # fmt: skip
    mistake = next(m for m in data["mistakes"] if m["kind"] == "zero-log-zero")
    value = value_of(mistake["value"])
    typed = "∞" if value == float("inf") else number(value, data["decimals"], lang)
    feedback = check(page, data["id"], typed)
    assert feedback.get_attribute("data-mistake") == "zero-log-zero"
    assert "0 log 0" in feedback.inner_text().replace("\n", " ").replace("\u2061", "") or (
        feedback.locator(".katex").count() > 0
    )


@LANGS
def test_multiple_choice(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    words = WORDS[lang]
    data = first(exercises(page), lambda d: d["type"] == "choice")
    box = page.locator(f"#exercise-{data['id']}")
    wrong = next(i for i in range(len(data["options"])) if i != data["correct"])
    box.locator(f"input[type=radio][value='{wrong}']").check()
    box.locator("button.exercise-check").click()
    feedback = box.locator(".exercise-feedback")
    feedback.locator("p").first.wait_for()
    assert feedback.inner_text().startswith(words["choice_wrong"])
    if "why" in data["options"][wrong]:
        assert len(feedback.inner_text()) > len(words["choice_wrong"]) + 10  # the option's why
    box.locator(f"input[type=radio][value='{data['correct']}']").check()
    box.locator("button.exercise-check").click()
    page.wait_for_function(
        "(id) => document.querySelector(`#exercise-${id} .exercise-feedback--right`)",
        arg=data["id"],
    )
    assert feedback.inner_text().startswith(words["choice_right"])


@LANGS
def test_hint_and_solution_on_request(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    words = WORDS[lang]
    data = first(exercises(page), lambda d: d["type"] == "numeric")
    box = page.locator(f"#exercise-{data['id']}")
    hint, solution = box.locator("details.exercise-hint"), box.locator("details.exercise-solution")
    assert hint.get_attribute("open") is None and solution.get_attribute("open") is None
    assert not solution.locator("> :not(summary)").first.is_visible()
    assert hint.locator("summary").inner_text().strip() == words["hint"]
    hint.locator("summary").click()
    assert hint.get_attribute("open") is not None
    assert hint.locator("> :not(summary)").first.is_visible()
    assert solution.locator("summary").inner_text().strip() == words["solution"]
    solution.locator("summary").click()
    assert solution.locator("> :not(summary)").first.is_visible()
    shown = number(value_of(data["answer"]), data["decimals"], lang)
    assert shown in solution.inner_text(), f"the worked solution does not show {shown}"


@LANGS
def test_progress_is_kept_and_cleared(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    words = WORDS[lang]
    items = exercises(page)
    data = first(items, lambda d: d["type"] == "numeric")
    total = len(items)
    count = page.locator(".exercises-progress-count")
    assert page.locator(".exercises-progress").is_visible()
    assert count.inner_text() == words["count"].format(k=0, n=total)

    typed = number(value_of(data["answer"]), data["decimals"], lang)
    check(page, data["id"], typed)
    assert count.inner_text() == words["count"].format(k=1, n=total)
    path = page.evaluate("() => location.pathname")
    assert saved_keys(page) == [f"infotheory:exercises:{lang}:{path}"]

    page.reload(wait_until="load")
    page.wait_for_selector("div.exercise.exercise--ready")
    box = page.locator(f"#exercise-{data['id']}")
    assert box.locator("input.exercise-input").input_value() == typed
    assert box.locator(".exercise-status").inner_text() == words["solved"]
    assert count.inner_text() == words["count"].format(k=1, n=total)

    page.locator("button.exercises-clear").click()
    assert words["cleared"] in page.locator(".exercises-progress-message").inner_text()
    assert count.inner_text() == words["count"].format(k=0, n=total)
    assert box.locator("input.exercise-input").input_value() == ""
    assert saved_keys(page) == []
    page.reload(wait_until="load")
    page.wait_for_selector("div.exercise.exercise--ready")
    assert box.locator("input.exercise-input").input_value() == ""
    assert box.locator(".exercise-status").inner_text() == ""


@LANGS
def test_nothing_is_sent(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    data = first(exercises(page), lambda d: d["type"] == "numeric")
    sent = []
    page.on(
        "request", lambda r: sent.append(r) if r.method != "GET" or "exercise" in r.url else None
    )
    check(page, data["id"], number(value_of(data["answer"]), data["decimals"], lang))
    page.locator("button.exercises-clear").click()
    page.wait_for_timeout(300)
    assert not sent, [f"{r.method} {r.url}" for r in sent]
    watched.assert_clean()


@LANGS
def test_axe_in_both_palettes_with_feedback_and_solutions_open(watched, server, lang: str) -> None:
    page = fresh(watched, server, lang)
    for data in exercises(page):
        box = page.locator(f"#exercise-{data['id']}")
        if data["type"] == "numeric":
            check(page, data["id"], "12345")
        else:
            box.locator("input[type=radio]").first.check()
            box.locator("button.exercise-check").click()
        for summary in box.locator("details > summary").all():
            summary.click()
    page.locator("button.exercises-clear").focus()  # a focus ring is on screen too
    try:
        for scheme in ("default", "slate"):
            set_palette(page, scheme)
            page.wait_for_timeout(400)  # Material's buttons fade their colours (125 ms) on focus
            violations = axe_violations(page)
            assert not violations, f"{PAGE[lang]} ({scheme}): axe-core found:\n" + "\n".join(
                violations
            )
    finally:
        set_palette(page, "default")


def set_palette(page, scheme: str) -> None:
    """Switch Material's palette ("default" or "slate") with its toggle, as a reader does."""
    if page.get_attribute("body", "data-md-color-scheme") != scheme:
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
        page.wait_for_function(
            "(s) => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme
        )


THEORY_PATHS = sorted(
    p for p, source in PAGES.items() if "```exercise" in source.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", THEORY_PATHS)
def test_every_computed_answer_is_accepted(watched, server, path: str) -> None:
    """Each exercise of each page with exercises accepts its own computed answer."""
    page = watched.page
    open_page(watched, server, path)
    page.wait_for_selector("div.exercise.exercise--ready")
    page.locator("button.exercises-clear").click()
    lang = "es" if path.startswith("es/") else "en"
    for data in exercises(page):
        box = page.locator(f"#exercise-{data['id']}")
        if data["type"] == "numeric":
            answer = value_of(data["answer"])
            typed = "inf" if answer == float("inf") else number(answer, data["decimals"], lang)
            feedback = check(page, data["id"], typed)
        else:
            box.locator(f"input[type=radio][value='{data['correct']}']").check()
            box.locator("button.exercise-check").click()
            feedback = box.locator(".exercise-feedback")
            feedback.locator("p").first.wait_for()
        assert "exercise-feedback--right" in feedback.get_attribute("class"), (
            f"{path}#exercise-{data['id']}: its own answer was not accepted: {feedback.inner_text()}"
        )
    page.locator("button.exercises-clear").click()
    watched.assert_clean()
