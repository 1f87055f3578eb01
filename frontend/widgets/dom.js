// The widgets' own DOM pieces: their numbers, buttons, labelled sliders, number fields,
// readouts, a polite live region, the "Send to code" button and the widget's frame.
// Elements, SVG, ids and aria-disabled come from ../shared/dom.js, the digits of a number
// from ../shared/number.js.
import { button as plainButton, el, uid } from "../shared/dom.js";
import { formatNumber } from "../shared/number.js";

/**
 * A number as the widgets show it: ../shared/number.js (the build's rounding, a decimal
 * comma in Spanish) with the ASCII minus "-" the widgets have always written, so that a
 * readout or note reads as the Python that "Send to code" prints beside it
 * (tests/browser/test_widgets.py compares the two character for character).
 */
export const fmt = (lang, x, digits) => formatNumber(lang, x, digits, { minus: "-" });

/** A widget button (class it-button) showing `text`. */
export function button(text, onClick, attributes = {}) {
  return plainButton([text], onClick, { class: "it-button", ...attributes });
}

/**
 * A native range input with its label and the value shown next to it. `values` (optional)
 * is a list of the allowed values, the slider then moving over their indices; otherwise
 * min/max/step. `format(value)` gives the text shown and read out (aria-valuetext).
 */
export function slider({ label, min, max, step, values, value, format, onInput, name }) {
  const id = uid("slider");
  const input = el("input", {
    type: "range",
    id,
    class: "it-slider__input",
    name,
    min: values ? 0 : min,
    max: values ? values.length - 1 : max,
    step: values ? 1 : step,
  });
  const shown = el("span", { class: "it-slider__value", "aria-hidden": "true" });
  const wrap = el("div", { class: "it-slider" }, [
    el("label", { for: id, class: "it-slider__label" }, [label, " ", shown]),
    input,
  ]);
  const read = () => (values ? values[Number(input.value)] : Number(input.value));
  const control = {
    el: wrap,
    input,
    value: value,
    /** Show `v` (which may lie between the slider's steps: the thumb goes to the nearest). */
    set(v) {
      control.value = v;
      if (values) {
        let best = 0;
        for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - v) < Math.abs(values[best] - v)) best = i;
        input.value = String(best);
      } else {
        input.value = String(v);
      }
      const text = format(v);
      shown.textContent = text;
      input.setAttribute("aria-valuetext", text);
    },
  };
  input.addEventListener("input", () => {
    control.value = read();
    const text = format(control.value);
    shown.textContent = text;
    input.setAttribute("aria-valuetext", text);
    onInput(control.value);
  });
  control.set(value);
  return control;
}

/**
 * A number field (`label` its accessible name, `text` the short label shown before it)
 * that calls `onValue(v)` for every value typed within [min, max]; anything else only
 * marks it aria-invalid.
 */
export function numberInput({ prefix, label, text, value, min, max, step, onValue }) {
  const id = uid(prefix);
  const input = el("input", {
    type: "number", id, class: "it-number__input", "aria-label": label, step, min, max, value: String(value), inputmode: "decimal",
  });
  input.addEventListener("input", () => {
    const v = Number(input.value);
    const ok = input.value.trim() !== "" && Number.isFinite(v) && v >= min && v <= max;
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    if (ok) onValue(v);
  });
  return el("span", { class: "it-number" }, [el("label", { for: id }, [text]), input]);
}

/** One readout: a symbol, its value, a unit, and a name for screen readers. */
export function readout(key, symbol, name) {
  const value = el("span", { class: "it-readout__value" });
  const unit = el("span", { class: "it-readout__unit" });
  const node = el("div", { class: "it-readout", "data-readout": key, role: "group", "aria-label": name }, [
    el("span", { class: "it-readout__symbol" }, [symbol]),
    " ",
    value,
    // A no-break space: in a narrow box the line breaks after the symbol, never between a
    // number and its unit (otherwise "nats" was left alone on a second line).
    "\u00a0",
    unit,
  ]);
  return {
    el: node,
    set(text, unitText = "") {
      value.textContent = text;
      unit.textContent = unitText;
      node.classList.toggle("it-readout--infinite", text === "∞");
    },
  };
}

/** A visually hidden polite live region, updated once the values stop moving. */
export function liveRegion(delay = 700) {
  const node = el("div", { class: "it-sr-only", "aria-live": "polite", "aria-atomic": "true" });
  let timer = null;
  return {
    el: node,
    say(text) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        node.textContent = text;
      }, delay);
    },
  };
}

/** A float as Python reads it back to the same double (JS and Python agree on shortest repr). */
export function py(x) {
  if (x === Infinity) return "float('inf')";
  if (Number.isInteger(x)) return x.toFixed(1);
  return String(x);
}

export const pyList = (values) => `[${values.map(py).join(", ")}]`;

/**
 * The "Send to code" button and its status line. `code()` gives the Python for the
 * widget's current state; `cells.send(host, code)` writes it into a runnable cell after
 * the widget and runs it (frontend/cells/main.js).
 */
export function sendToCode(host, s, cells, code) {
  const status = el("p", { class: "it-send__status", role: "status" });
  const node = button(s.sendToCode, async () => {
    status.textContent = "";
    try {
      if (!cells) throw new Error("no cells API");
      await cells.send(host, code());
      status.textContent = s.sent;
    } catch (err) {
      console.warn("infotheory widgets: Send to code failed:", err);
      status.textContent = s.noCells;
    }
  }, { class: "it-button it-button--send", "aria-label": s.sendToCodeLabel });
  return el("div", { class: "it-send" }, [node, status]);
}

/** The widget's frame: a labelled group with a title and a description. */
export function frame(host, title, help) {
  const titleId = uid("title");
  const helpId = uid("help");
  host.replaceChildren();
  host.classList.add("it-widget--ready");
  host.setAttribute("role", "group");
  host.setAttribute("aria-labelledby", titleId);
  host.setAttribute("aria-describedby", helpId);
  host.append(
    el("p", { class: "it-widget__title", id: titleId }, [title]),
    el("p", { class: "it-widget__help", id: helpId }, [help]),
  );
  return host;
}
