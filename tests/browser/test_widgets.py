"""The instant widgets (frontend/widgets/), driven as a reader would, in English and Spanish.

Every readout a widget shows is compared with the `infotheory` package computed in this
process for the same state, to the digits shown: the widget's state is read from its
``data-state`` attribute (the exact floats it computes with), its readouts from the text
a reader sees. Each widget is moved through a grid of states with the keyboard, the mouse
and its buttons; "Send to code" then Run must print the same numbers in Python; every page
with a widget passes axe-core in both palettes with the widget in use, and fits a phone.

One tab per page and language, shared by the tests of this module (Python loads once per
tab); each test puts the widget in the state it needs first.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from infotheory import (
    Gaussian,
    GaussianMixture,
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    fit_gaussian_forward_kl,
    fit_gaussian_reverse_kl,
    kl_divergence,
    kl_divergence_continuous,
    softmax,
)

from .pages import CELL_DONE, axe_violations, open_page, watch_tab

# The pages that place each widget (without the "es/" prefix).
PAGES = {
    "two-distributions": ["cross-entropy/", "kl-divergence/"],
    "forward-reverse": ["forward-reverse-kl/"],
    "temperature": ["loss-softmax-perplexity/"],
    "kl-leash": ["kl-in-practice/"],
}
WIDGET_PAGES = sorted({path for paths in PAGES.values() for path in paths})
WORDS = {
    "en": {"P": "P, outcome {}", "Q": "Q, outcome {}", "ref": "π_ref, response {}", "send": "Send to code",
           "outcome": "outcome", "swap": "Swap P and Q", "mean": "Mean of Q, μ", "std": "Standard deviation of Q, σ",
           "d": "Mode separation of P, d", "T": "Temperature, T", "eps": "Label smoothing, ε", "beta": "KL strength, β",
           "forward": "Forward optimum", "reverse": "Reverse optimum", "local": "Local minimum",
           "no_local": "no separate local minimum", "logit": "Logit of token {}", "reward": "Reward of response {}"},
    "es": {"P": "P, resultado {}", "Q": "Q, resultado {}", "ref": "π_ref, respuesta {}", "send": "Enviar al código",
           "outcome": "resultado", "swap": "Intercambiar P y Q", "mean": "Media de Q, μ",
           "std": "Desviación típica de Q, σ", "d": "Separación de los modos de P, d", "T": "Temperatura, T",
           "eps": "Suavizado de etiquetas, ε", "beta": "Coeficiente de KL, β", "forward": "Óptimo directo",
           "reverse": "Óptimo inverso", "local": "Mínimo local", "no_local": "no hay un mínimo local aparte",
           "logit": "Logit del token {}", "reward": "Recompensa de la respuesta {}"},
}  # fmt: skip
# Mirrors of the lists in frontend/widgets/temperature.js and kl-leash.js.
TEMPERATURES = [
    0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95,
    1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.25, 2.5, 2.75, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10,
]  # fmt: skip
BETAS = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20,
]  # fmt: skip


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", params=["en", "es"])
def lang(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def tabs(browser, server, lang):
    """The tab of a widget page in this language: kept open while consecutive tests use
    the same page (so Python loads once there), closed when a test asks for another page
    (the tab's request watch is browser-wide: two open pages would mix their records)."""
    opened = {}

    def close():
        for context, _ in opened.values():
            context.__exit__(None, None, None)
        opened.clear()

    def tab(path: str):
        if path not in opened:
            close()
            context = watch_tab(browser)
            record = context.__enter__()
            open_page(record, server, ("es/" if lang == "es" else "") + path)
            record.page.wait_for_selector(".it-widget[data-mounted='true']")
            record.lang = lang
            opened[path] = (context, record)
        return opened[path][1]

    yield tab
    close()


def widget(tab, name: str, index: int = 0):
    return tab.page.locator(f".it-widget[data-widget='{name}']").nth(index)


# --------------------------------------------------------------------------- reading


def number(text: str) -> float:
    text = text.strip().replace("−", "-")
    if text == "∞":
        return math.inf
    return float(text.replace(",", "."))


def decimals(text: str) -> int:
    match = re.search(r"[.,](\d+)$", text.strip())
    return len(match[1]) if match else 0


def check(text: str, exact: float, lang: str, what: str) -> None:
    """`text` (as shown) is `exact` rounded to the digits shown, in the page's language."""
    exact = float(exact)
    if math.isinf(exact):
        assert text == "∞", f"{what}: shows {text!r}, infotheory says {exact}"
        return
    assert text != "∞", f"{what}: shows ∞, infotheory says {exact}"
    if lang == "es":
        assert "." not in text, f"{what}: {text!r} has a decimal point on a Spanish page"
    else:
        assert "," not in text, f"{what}: {text!r} has a decimal comma on an English page"
    digits = decimals(text)
    assert digits >= 2, f"{what}: {text!r}"
    assert abs(number(text) - exact) <= 0.5 * 10**-digits + 1e-12, (
        f"{what}: shows {text!r}, infotheory says {exact!r}"
    )


def state(host) -> dict:
    return json.loads(host.get_attribute("data-state"))


def readouts(host) -> dict[str, str]:
    return host.evaluate(
        """(host) => Object.fromEntries([...host.querySelectorAll("[data-readout]")].map((r) =>
            [r.dataset.readout, r.querySelector(".it-readout__value").textContent]))"""
    )


def bar_texts(host, tone: str) -> list[str]:
    return host.evaluate(
        "(host, tone) => [...host.querySelectorAll(`.it-bars--${tone} .it-bars__value`)].map((t) => t.textContent)",
        tone,
    )


def slider_value(host, label: str) -> str:
    return host.get_by_label(label).get_attribute("aria-valuetext")


# --------------------------------------------------------------------------- the package's numbers


def two_expected(st: dict) -> dict[str, float]:
    p, q = np.array(st["p"]), np.array(st["q"])
    base = 2 if st["unit"] == "bits" else None
    return {
        "H(P)": entropy(p, base=base),
        "H(Q)": entropy(q, base=base),
        "H(P,Q)": cross_entropy(p, q, base=base),
        "D(P‖Q)": kl_divergence(p, q, base=base),
        "D(Q‖P)": kl_divergence(q, p, base=base),
    }


def check_two(host, lang: str, label: str = "") -> dict:
    st = state(host)
    assert len(st["p"]) == len(st["q"]) and 2 <= len(st["p"]) <= 10
    assert abs(sum(st["p"]) - 1) < 1e-12 and abs(sum(st["q"]) - 1) < 1e-12, st
    shown = readouts(host)
    for key, exact in two_expected(st).items():
        check(shown[key], exact, lang, f"{label} {key} at {st}")
    for tone in ("p", "q"):
        for text, value in zip(bar_texts(host, tone), st[tone], strict=True):
            check(text, value, lang, f"{label} bar of {tone.upper()} at {st}")
    return st


def fit_expected(st: dict) -> dict[str, float]:
    p = GaussianMixture([0.5, 0.5], [-st["d"], st["d"]], [0.7, 0.7])
    q = Gaussian(st["mu"], st["sigma"])
    return {
        "D(P‖Q)": kl_divergence_continuous(p, q, lower=-6, upper=6, normalize=True),
        "D(Q‖P)": kl_divergence_continuous(q, p, lower=-6, upper=6, normalize=True),
    }


def check_fit(host, lang: str) -> dict:
    st = state(host)
    shown = readouts(host)
    for key, exact in fit_expected(st).items():
        check(shown[key], exact, lang, f"{key} at {st}")
    return st


def temp_expected(st: dict) -> dict:
    z, T, eps, y = np.array(st["z"], dtype=float), st["T"], st["eps"], st["y"]
    q = softmax(z, temperature=T)
    target = (1 - eps) * np.eye(z.size)[y] + eps / z.size
    return {
        "q": q,
        "target": target,
        "H(q)": entropy(q),
        "loss": cross_entropy_from_logits(z / T, y, label_smoothing=eps),
        "nll": cross_entropy_from_logits(z / T, y),
        "floor": entropy(target),
    }


def check_temp(host, lang: str) -> dict:
    st = state(host)
    exp = temp_expected(st)
    shown = readouts(host)
    for key in ("H(q)", "loss", "nll", "floor"):
        check(shown[key], exp[key], lang, f"{key} at {st}")
    for tone, key in (("pred", "q"), ("target", "target")):
        for text, value in zip(bar_texts(host, tone), exp[key], strict=True):
            check(text, value, lang, f"{key} at {st}")
    return st


def leash_expected(st: dict) -> dict:
    ref, reward, beta = np.array(st["ref"]), np.array(st["reward"], dtype=float), st["beta"]
    with np.errstate(divide="ignore"):
        pi = softmax(np.log(ref) + reward / beta)
    return {
        "pi": pi,
        "E[r]": pi @ reward,
        "D(π*‖π_ref)": kl_divergence(pi, ref),
        "E_ref[r]": ref @ reward,
    }


def check_leash(host, lang: str) -> dict:
    st = state(host)
    exp = leash_expected(st)
    shown = readouts(host)
    for key in ("E[r]", "D(π*‖π_ref)", "E_ref[r]"):
        check(shown[key], exp[key], lang, f"{key} at {st}")
    for text, value in zip(bar_texts(host, "opt"), exp["pi"], strict=True):
        check(text, value, lang, f"π* at {st}")
    for text, value in zip(bar_texts(host, "ref"), st["ref"], strict=True):
        check(text, value, lang, f"π_ref at {st}")
    return st


# --------------------------------------------------------------------------- driving


def press(page, locator, *keys: str) -> None:
    locator.focus()
    for key in keys:
        page.keyboard.press(key)


def drag_bar(page, bar, value: float) -> None:
    """Press on a bar's column and drag to the height of `value` (mouse events)."""
    box = bar.bounding_box()
    scale = box["height"] / 150  # the chart's viewBox height (frontend/widgets/bars.js)
    y = box["y"] + (16 + 116 * (1 - value)) * scale
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + box["height"] * 0.9)
    page.mouse.down()
    page.mouse.move(x, y, steps=6)
    page.mouse.up()


def set_slider(host, label: str, index_or_value) -> None:
    host.get_by_label(label).fill(str(index_or_value))


def reload(tab) -> None:
    """Load the tab's page afresh (what the page was still fetching is cut short: not an error)."""
    tab.listening = False
    tab.page.reload(wait_until="load")
    tab.page.wait_for_selector(".it-widget[data-mounted='true']")
    tab.listening = True


def choose_preset(host, key: str) -> None:
    host.locator("select.it-select").first.select_option(key)


# --------------------------------------------------------------------------- 1. two distributions


@pytest.mark.parametrize("path", PAGES["two-distributions"])
def test_two_distributions_presets_and_units(tabs, path: str) -> None:
    tab = tabs(path)
    host, lang = widget(tab, "two-distributions"), tab.lang
    initial = state(host)
    assert initial["preset"] == ("coin" if path == "cross-entropy/" else "term-by-term")
    presets = host.locator("select.it-select").first.evaluate(
        "(s) => [...s.options].filter(o => !o.disabled).map(o => o.value)"
    )
    assert len(presets) >= 6
    for preset in presets:
        choose_preset(host, preset)
        for unit in ("bits", "nats"):
            host.locator(f"input[type=radio][value={unit}]").check()
            st = check_two(host, lang, preset)
            assert st["unit"] == unit
    # The pages' worked examples, as the pages print them.
    choose_preset(host, "coin")
    host.locator("input[type=radio][value=bits]").check()
    shown = {k: number(v) for k, v in readouts(host).items()}
    assert shown == {"H(P)": 1.0, "H(Q)": 0.469, "H(P,Q)": 1.737, "D(P‖Q)": 0.737, "D(Q‖P)": 0.531}
    choose_preset(host, "codebook")
    host.locator("input[type=radio][value=bits]").check()
    shown = {k: number(v) for k, v in readouts(host).items()}
    assert (shown["H(P)"], shown["H(P,Q)"], shown["D(P‖Q)"], shown["D(Q‖P)"]) == (
        1.75,
        2.375,
        0.625,
        0.5,
    )


def test_two_distributions_keyboard_grid(tabs) -> None:
    tab = tabs("cross-entropy/")
    page, host, lang, words = tab.page, widget(tab, "two-distributions"), tab.lang, WORDS[tab.lang]
    choose_preset(host, "coin")
    p1 = host.get_by_role("slider", name=words["P"].format(1))
    q1 = host.get_by_role("slider", name=words["Q"].format(1))
    # A grid of P = (a, 1 - a), Q = (b, 1 - b), a and b in steps of 0.2, by Page Down.
    press(page, p1, "End")
    for i in range(6):
        press(page, q1, "End")
        for j in range(6):
            st = check_two(host, lang, "grid")
            assert st["p"][0] == pytest.approx(1 - 0.2 * i, abs=1e-9)
            assert st["q"][0] == pytest.approx(1 - 0.2 * j, abs=1e-9)
            press(page, q1, "PageDown", "PageDown")
        press(page, p1, "PageDown", "PageDown")
    # Arrow keys move by 0.01, and the other bars follow so that P still sums to 1.
    choose_preset(host, "codebook")
    before = state(host)["p"]
    press(
        page,
        host.get_by_role("slider", name=words["P"].format(2)),
        "ArrowUp",
        "ArrowUp",
        "ArrowRight",
    )
    after = check_two(host, lang, "arrows")["p"]
    assert after[1] == pytest.approx(before[1] + 0.03, abs=1e-9)
    rest = 1 - after[1]
    for i in (0, 2, 3):
        assert after[i] == pytest.approx(before[i] * rest / (1 - before[1]), abs=1e-12)
    press(page, host.get_by_role("slider", name=words["P"].format(2)), "ArrowDown", "ArrowLeft")
    assert state(host)["p"][1] == pytest.approx(before[1] + 0.01, abs=1e-9)
    slider = host.get_by_role("slider", name=words["P"].format(2))
    assert slider.get_attribute("aria-valuetext") == bar_texts(host, "p")[1]
    tab.assert_clean()


def test_two_distributions_mouse_drag(tabs) -> None:
    tab = tabs("cross-entropy/")
    page, host, lang, words = tab.page, widget(tab, "two-distributions"), tab.lang, WORDS[tab.lang]
    choose_preset(host, "codebook")
    host.scroll_into_view_if_needed()
    for dist, index, value in (("Q", 2, 0.7), ("P", 1, 0.3), ("Q", 4, 0.05), ("P", 3, 0.9)):
        bar = host.get_by_role("slider", name=words[dist].format(index))
        drag_bar(page, bar, value)
        st = check_two(host, lang, f"drag {dist}{index}")
        got = st[dist.lower()][index - 1]
        assert got == pytest.approx(value, abs=0.011), (dist, index, st)
        assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == words[
            dist
        ].format(index)
    tab.assert_clean()


def test_two_distributions_touch_drag(tabs) -> None:
    """A finger drags a bar (touch events, turned into pointer events by the browser)."""
    tab = tabs("cross-entropy/")
    page, host, lang, words = tab.page, widget(tab, "two-distributions"), tab.lang, WORDS[tab.lang]
    choose_preset(host, "coin")
    host.scroll_into_view_if_needed()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    try:
        bar = host.get_by_role("slider", name=words["Q"].format(2))
        box = bar.bounding_box()
        scale = box["height"] / 150
        x = box["x"] + box["width"] / 2
        start, end = box["y"] + box["height"] * 0.9, box["y"] + (16 + 116 * (1 - 0.45)) * scale
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": x, "y": start}]},
        )
        for k in range(1, 6):
            y = start + (end - start) * k / 5
            cdp.send(
                "Input.dispatchTouchEvent",
                {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]},
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        st = check_two(host, lang, "touch")
        assert st["q"][1] == pytest.approx(0.45, abs=0.011), st
    finally:
        cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": False})
        cdp.detach()
    tab.assert_clean()


def test_two_distributions_lock_swap_add_remove(tabs) -> None:
    tab = tabs("cross-entropy/")
    page, host, lang, words = tab.page, widget(tab, "two-distributions"), tab.lang, WORDS[tab.lang]
    choose_preset(host, "term-by-term")
    swap = host.locator(".it-button--swap")
    add = host.locator(".it-button--add")
    remove = host.locator(".it-button--remove")

    # Swap, by keyboard alone.
    before = state(host)
    press(page, swap, "Enter")
    after = check_two(host, lang, "swap")
    assert (after["p"], after["q"]) == (before["q"], before["p"])
    shown = readouts(host)
    press(page, swap, " ")
    back = readouts(host)
    assert (back["H(P)"], back["D(P‖Q)"]) == (shown["H(Q)"], shown["D(Q‖P)"])

    # Lock P: its bars do not move (keys or mouse), Swap and Remove are off, Q still moves.
    host.locator("input.it-check__input").check()
    locked = state(host)
    assert locked["lockP"] is True
    p1 = host.get_by_role("slider", name=words["P"].format(1))
    assert p1.get_attribute("aria-readonly") == "true"
    press(page, p1, "ArrowUp", "PageDown", "Home")
    drag_bar(page, host.get_by_role("slider", name=words["P"].format(2)), 0.8)
    press(page, swap, "Enter")  # aria-disabled: focusable and announced, but inert
    press(page, remove, "Enter")
    assert state(host)["p"] == locked["p"]
    assert (
        swap.get_attribute("aria-disabled") == "true"
        and remove.get_attribute("aria-disabled") == "true"
    )
    press(page, host.get_by_role("slider", name=words["Q"].format(1)), "PageUp")
    assert state(host)["q"][0] == pytest.approx(locked["q"][0] + 0.1, abs=1e-9)
    add.click()
    grown = check_two(host, lang, "add while locked")
    assert grown["p"] == [*locked["p"], 0]
    host.locator("input.it-check__input").uncheck()
    assert p1.get_attribute("aria-readonly") is None

    # Add outcomes up to 10, remove down to 2; the remaining mass is renormalised.
    while state(host)["p"].__len__() < 10:
        add.click()
        check_two(host, lang, "add")
    assert add.get_attribute("aria-disabled") == "true"
    press(page, add, "Enter")
    assert len(state(host)["p"]) == 10
    press(page, host.get_by_role("slider", name=words["P"].format(10)), "PageUp", "PageUp")
    press(page, host.get_by_role("slider", name=words["Q"].format(9)), "PageUp")
    check_two(host, lang, "ten outcomes")
    while len(state(host)["p"]) > 2:
        before = state(host)
        remove.click()
        after = check_two(host, lang, "remove")
        kept = np.array(before["p"][:-1])
        expected = kept / kept.sum() if kept.sum() > 0 else np.full(kept.size, 1 / kept.size)
        assert np.allclose(after["p"], expected, atol=1e-12)
    assert remove.get_attribute("aria-disabled") == "true"
    tab.assert_clean()


def test_two_distributions_infinity(tabs) -> None:
    tab = tabs("kl-divergence/")
    page, host, lang, words = tab.page, widget(tab, "two-distributions"), tab.lang, WORDS[tab.lang]
    note = host.locator(".it-note--infinite")
    # Q rules out outcome 2, which P gives mass: H(P, Q) and D(P‖Q) are ∞, D(Q‖P) is not.
    choose_preset(host, "support")
    st = check_two(host, lang, "support")
    shown = readouts(host)
    assert shown["H(P,Q)"] == shown["D(P‖Q)"] == "∞" and shown["D(Q‖P)"] != "∞"
    assert note.is_visible()
    assert f"{words['outcome']} 2" in note.inner_text() and "∞" in note.inner_text()
    assert st["q"][1] == 0
    # The point mass against the spread model: only D(Q‖P) is infinite, for four outcomes.
    choose_preset(host, "point-spread")
    check_two(host, lang, "point-spread")
    shown = readouts(host)
    assert shown["D(Q‖P)"] == "∞" and shown["D(P‖Q)"] != "∞"
    assert "2, 3, 4" in note.inner_text() and "5" in note.inner_text()
    # Made by hand with the keyboard: Q's bar 1 to 1 leaves nothing for outcome 2.
    choose_preset(host, "term-by-term")
    assert not note.is_visible()
    press(page, host.get_by_role("slider", name=words["Q"].format(1)), "End")
    check_two(host, lang, "Q to a point")
    assert readouts(host)["D(P‖Q)"] == "∞" and note.is_visible()
    press(page, host.get_by_role("slider", name=words["Q"].format(1)), "ArrowDown")
    check_two(host, lang, "back from the point")
    assert not note.is_visible()
    tab.assert_clean()


# --------------------------------------------------------------------------- 2. forward vs reverse


def test_forward_reverse_grid(tabs) -> None:
    tab = tabs("forward-reverse-kl/")
    page, host, lang, words = tab.page, widget(tab, "forward-reverse"), tab.lang, WORDS[tab.lang]
    st = check_fit(host, lang)
    assert (st["mu"], st["sigma"], st["d"]) == (0, 1.5, 2.2)
    assert {k: number(v) for k, v in readouts(host).items()} == {"D(P‖Q)": 0.756, "D(Q‖P)": 1.243}
    for d in (1.0, 2.2, 3.5):
        set_slider(host, words["d"], d)
        for mu in (-2.5, 0, 1.3):
            set_slider(host, words["mean"], mu)
            for sigma in (0.4, 1.5, 3.2):
                set_slider(host, words["std"], sigma)
                st = check_fit(host, lang)
                assert (st["d"], st["mu"], st["sigma"]) == (d, mu, sigma)
    # Keyboard: arrows move μ and σ by 0.01 and d by 0.1.
    press(page, host.get_by_label(words["mean"]), "ArrowRight", "ArrowRight", "ArrowUp")
    press(page, host.get_by_label(words["std"]), "ArrowLeft")
    press(page, host.get_by_label(words["d"]), "ArrowLeft", "ArrowLeft")
    st = check_fit(host, lang)
    assert (st["mu"], st["sigma"], st["d"]) == pytest.approx((1.33, 3.19, 3.3))
    tab.assert_clean()


def snap(host, kind: str) -> str:
    """Press a snap button and wait for the search; the note it leaves."""
    host.locator(f".it-button--{kind}").click()
    host.page.wait_for_function(
        "(h) => !h.hasAttribute('aria-busy') && h.querySelector('.it-note--fit').textContent.includes('=')",
        arg=host.element_handle(),
    )
    return host.locator(".it-note--fit").inner_text()


FIT_NOTE = re.compile(
    r"μ = (?P<mu>-?\d+[.,]\d+), σ = (?P<sigma>\d+[.,]\d+).*?= (?P<kl>\d+[.,]\d+) nats", re.DOTALL
)


def test_forward_reverse_snap_to_optima(tabs) -> None:
    tab = tabs("forward-reverse-kl/")
    host, lang, words = widget(tab, "forward-reverse"), tab.lang, WORDS[tab.lang]
    for d in (2.2, 3.0, 1.5):
        set_slider(host, words["d"], d)
        set_slider(host, words["mean"], 0.5)
        p = GaussianMixture([0.5, 0.5], [-d, d], [0.7, 0.7])
        fits = {
            "forward": fit_gaussian_forward_kl(p),
            "reverse": fit_gaussian_reverse_kl(p),
            "local": fit_gaussian_reverse_kl(p, start=(p.mean, p.std)),
        }
        for kind, fit in fits.items():
            note = snap(host, kind)
            st = check_fit(host, lang)
            assert st["snapped"] == kind
            shown = FIT_NOTE.search(note)
            assert shown, note
            # The mirror image of the package's fit is as good: compare |μ|, and keep the side.
            check(shown["mu"].lstrip("-"), abs(fit.mean), lang, f"{kind} μ at d={d}")
            check(shown["sigma"], fit.std, lang, f"{kind} σ at d={d}")
            check(shown["kl"], fit.kl, lang, f"{kind} D at d={d}")
            assert (
                abs(abs(st["mu"]) - abs(fit.mean)) < 1e-4 and abs(st["sigma"] - fit.std) < 1e-4
            ), (st, fit)
            assert slider_value(host, words["mean"]) == shown["mu"]
            if kind == "reverse" and d >= 2:
                assert st["mu"] > 0  # the mode on the side where Q was
        assert (words["no_local"] in note) == (d < 2), (d, note)
    tab.assert_clean()


# --------------------------------------------------------------------------- 3. temperature


def test_temperature_and_smoothing_grid(tabs) -> None:
    tab = tabs("loss-softmax-perplexity/")
    page, host, lang, words = tab.page, widget(tab, "temperature"), tab.lang, WORDS[tab.lang]
    st = check_temp(host, lang)
    assert st == {"z": [2, 1, 0.1], "T": 1, "eps": 0, "y": 0}
    # Every temperature, by the keyboard; the page's examples among them.
    t_slider = host.get_by_label(words["T"])
    press(page, t_slider, "Home")
    for i, T in enumerate(TEMPERATURES):
        st = check_temp(host, lang)
        assert st["T"] == T
        if T in (0.5, 1, 2, 10):
            expected = {0.5: "0.4537", 1: "0.8467", 2: "1.0262", 10: "1.0956"}[T]
            assert readouts(host)["H(q)"].replace(",", ".") == expected
        if i < len(TEMPERATURES) - 1:
            page.keyboard.press("ArrowRight")
    # ε, the correct token and the logits.
    set_slider(host, words["T"], TEMPERATURES.index(1))
    for y in (0, 2):
        host.locator("select.it-select").select_option(str(y))
        for eps in (0, 0.1, 0.37, 1):
            set_slider(host, words["eps"], eps)
            st = check_temp(host, lang)
            assert (st["y"], st["eps"]) == (y, eps)
    press(page, host.get_by_label(words["eps"]), "Home", "ArrowRight")
    assert check_temp(host, lang)["eps"] == 0.01
    host.get_by_label(words["logit"].format("B")).fill("-3.5")
    host.get_by_label(words["logit"].format("A")).fill("12")
    check_temp(host, lang)
    host.locator(".it-button--add").click()
    host.get_by_label(words["logit"].format("D")).fill("4")
    host.locator("select.it-select").select_option("3")
    for T_index in (0, 10, 41):
        set_slider(host, words["T"], T_index)
        st = check_temp(host, lang)
        assert st["z"] == [12, -3.5, 0.1, 4] and st["y"] == 3
    host.locator(".it-button--remove").click()
    st = check_temp(host, lang)
    assert st["z"] == [12, -3.5, 0.1] and st["y"] == 0
    tab.assert_clean()


# --------------------------------------------------------------------------- 4. the KL leash


def test_kl_leash_beta_grid_and_reference(tabs) -> None:
    tab = tabs("kl-in-practice/")
    page, host, lang, words = tab.page, widget(tab, "kl-leash"), tab.lang, WORDS[tab.lang]
    st = check_leash(host, lang)
    assert st == {"ref": [0.6, 0.25, 0.14, 0.01], "reward": [0, 1, 1.5, 3], "beta": 1}
    page_rows = {
        10: ("0.533", "0.002"),
        1: ("1.055", "0.309"),
        0.5: ("1.955", "1.681"),
        0.25: ("2.933", "4.295"),
        0.1: ("3.000", "4.605"),
    }
    beta = host.get_by_label(words["beta"])
    press(page, beta, "Home")
    for i, value in enumerate(BETAS):
        st = check_leash(host, lang)
        assert st["beta"] == value
        if value in page_rows:
            shown = readouts(host)
            assert (
                shown["E[r]"].replace(",", "."),
                shown["D(π*‖π_ref)"].replace(",", "."),
            ) == page_rows[value]
        if i < len(BETAS) - 1:
            page.keyboard.press("ArrowRight")
    set_slider(host, words["beta"], BETAS.index(0.5))
    # The reference by keyboard and by mouse; the rewards by typing.
    press(page, host.get_by_role("slider", name=words["ref"].format(4)), "PageUp", "ArrowUp")
    st = check_leash(host, lang)
    assert st["ref"][3] == pytest.approx(0.12, abs=1e-9)
    drag_bar(page, host.get_by_role("slider", name=words["ref"].format(1)), 0.3)
    st = check_leash(host, lang)
    assert st["ref"][0] == pytest.approx(0.3, abs=0.011)
    press(page, host.get_by_role("slider", name=words["ref"].format(2)), "Home")
    st = check_leash(host, lang)
    assert st["ref"][1] == 0
    host.get_by_label(words["reward"].format(2)).fill("7")
    host.get_by_label(words["reward"].format(3)).fill("-2.5")
    st = check_leash(host, lang)
    assert st["reward"] == [0, 7, -2.5, 3]
    for index in (0, 12, len(BETAS) - 1):
        set_slider(host, words["beta"], index)
        check_leash(host, lang)
    tab.assert_clean()


# --------------------------------------------------------------------------- Send to code


VECTORS = ("q", "p~", "π*")  # lines that print one value per outcome


def printed(output: str) -> dict:
    """The generated code prints one readout per line: its key, then its value(s)."""
    lines = {}
    for line in output.strip().splitlines():
        head, *values = line.split()
        lines[head] = values if head in VECTORS else values[-1]
    return lines


def send_and_run(tab, host) -> dict:
    host.get_by_role("button", name=re.compile(WORDS[tab.lang]["send"])).click()
    cell = host.locator("xpath=following-sibling::div[contains(@class, 'cell--widget')][1]")
    cell.wait_for()
    tab.page.wait_for_function(
        "([cell, states]) => states.includes(cell.dataset.state)",
        arg=[cell.element_handle(), list(CELL_DONE)],
        timeout=240_000,
    )
    output = cell.locator(".cell-output__text").text_content()
    assert cell.get_attribute("data-state") == "done", output
    return printed(output)


def same(widget_text: str, python_text: str) -> bool:
    """The same number to the same digits (Python may print a zero as -0.000)."""
    python_text = python_text.replace("inf", "∞")
    return number(widget_text) == number(python_text) and decimals(widget_text) == decimals(
        python_text
    )


def test_send_to_code_two_distributions(tabs) -> None:
    tab = tabs("cross-entropy/")
    page, host, words = tab.page, widget(tab, "two-distributions"), WORDS[tab.lang]
    choose_preset(host, "support")
    host.locator("input[type=radio][value=bits]").check()
    press(
        page,
        host.get_by_role("slider", name=words["Q"].format(1)),
        "ArrowDown",
        "ArrowDown",
        "ArrowDown",
    )
    host.locator(".it-button--add").click()
    press(page, host.get_by_role("slider", name=words["Q"].format(3)), "PageUp")
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert {k: out[k] for k in shown} and all(same(shown[k], out[k]) for k in shown), (shown, out)
    # The infinite case prints inf, and a second send rewrites the same cell.
    choose_preset(host, "support")
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert out["H(P,Q)"] == "inf" and all(same(shown[k], out[k]) for k in shown), (shown, out)
    assert (
        host.locator("xpath=following-sibling::div[contains(@class, 'cell--widget')]").count() == 1
    )
    tab.assert_clean()


def test_send_to_code_forward_reverse(tabs) -> None:
    tab = tabs("forward-reverse-kl/")
    host, words = widget(tab, "forward-reverse"), WORDS[tab.lang]
    set_slider(host, words["d"], 2.6)
    set_slider(host, words["mean"], -1.2)
    set_slider(host, words["std"], 0.9)
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert all(same(shown[k], out[k]) for k in shown), (shown, out)
    note = FIT_NOTE.search(snap(host, "reverse"))
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert all(same(shown[k], out[k]) for k in shown), (shown, out)
    expected = tuple(note[k].replace(",", ".") for k in ("mu", "sigma", "kl"))
    assert (out["μ"], out["σ"], out["fit"]) == expected, (note[0], out)
    tab.assert_clean()


def test_send_to_code_temperature(tabs) -> None:
    tab = tabs("loss-softmax-perplexity/")
    host, words = widget(tab, "temperature"), WORDS[tab.lang]
    set_slider(host, words["T"], TEMPERATURES.index(0.35))
    set_slider(host, words["eps"], 0.23)
    host.locator("select.it-select").select_option("1")
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert all(same(shown[k], out[k]) for k in shown), (shown, out)
    assert [t.replace(",", ".") for t in bar_texts(host, "pred")] == out["q"]
    assert [t.replace(",", ".") for t in bar_texts(host, "target")] == out["p~"]
    tab.assert_clean()


def test_send_to_code_kl_leash(tabs) -> None:
    tab = tabs("kl-in-practice/")
    page, host, words = tab.page, widget(tab, "kl-leash"), WORDS[tab.lang]
    set_slider(host, words["beta"], BETAS.index(0.25))
    press(page, host.get_by_role("slider", name=words["ref"].format(3)), "Home")
    host.get_by_label(words["reward"].format(1)).fill("0.5")
    shown = readouts(host)
    out = send_and_run(tab, host)
    assert all(same(shown[k], out[k]) for k in shown), (shown, out)
    assert [t.replace(",", ".") for t in bar_texts(host, "opt")] == out["π*"]
    tab.assert_clean()


# --------------------------------------------------------------------------- accessibility and layout


@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_widget_pages_pass_axe_in_both_palettes(tabs, path: str) -> None:
    tab = tabs(path)
    page = tab.page
    # One axe run per page load: a second run after a palette switch reports colours of
    # the first palette for some of the theme's own elements.
    for scheme in ("default", "slate"):  # Material's light and dark palettes
        reload(tab)
        page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        for host in page.locator(".it-widget").all():
            assert host.get_attribute("role") == "group" and host.get_attribute("aria-labelledby")
            # Show everything a widget can show: the ∞ explanation, the lock, a fit note.
            name = host.get_attribute("data-widget")
            if name == "two-distributions":
                choose_preset(host, "point-spread")
                host.locator("input.it-check__input").check()
                host.get_by_role("slider").first.focus()
            elif name == "forward-reverse":
                host.locator(".it-button--local").focus()
                page.keyboard.press("Enter")
                page.wait_for_function(
                    "(h) => !h.hasAttribute('aria-busy')", arg=host.element_handle()
                )
        page.wait_for_timeout(300)
        violations = axe_violations(page)
        assert not violations, f"{path} {scheme}:\n" + "\n".join(violations)
    reload(tab)
    tab.assert_clean()


@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_widgets_fit_a_phone_screen(tabs, path: str) -> None:
    tab = tabs(path)
    page = tab.page
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.wait_for_timeout(300)
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('.it-widget *')]
                .filter((el) => el.getClientRects().length && !el.closest('.it-sr-only'))
                .filter((el) => { const r = el.getBoundingClientRect();
                                  return r.right > window.innerWidth + 0.5 || r.left < -0.5; })
                .map((el) => el.tagName + '.' + (el.getAttribute('class') || ''))"""
        )
        assert not overflow, f"{path}: widget parts past the edge at 390 px: {overflow[:10]}"
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        page.set_viewport_size(size)
