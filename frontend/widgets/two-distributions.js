// Widget 1, "Two distributions in one room" (cross-entropy and KL divergence pages).
//
// P and Q as bar charts over 2 to 10 outcomes. Dragging a bar (or moving it with the
// keyboard) rescales the other bars of its distribution; P can be locked; P and Q swap;
// outcomes are added (with probability 0 in both) or removed (the rest renormalised).
// Readouts: H(P), H(Q), H(P, Q), D(P‖Q), D(Q‖P) in bits or nats, and a stacked bar
// H(P, Q) = H(P) + D(P‖Q); an infinite value is shown as ∞ with the reason.
import { el, setDisabled, svg, uid } from "../shared/dom.js";
import { Bars } from "./bars.js";
import { button, fmt, frame, liveRegion, pyList, readout, sendToCode } from "./dom.js";
import { crossEntropy, entropy, klDivergence, removeOutcome, setProbability, supportGaps, unitDivisor } from "./math.js";

const MIN = 2;
const MAX = 10;
const DIGITS = 3;

export const PRESETS = {
  coin: { p: [0.5, 0.5], q: [0.9, 0.1], unit: "bits" },
  "coin-reversed": { p: [0.9, 0.1], q: [0.5, 0.5], unit: "bits" },
  codebook: { p: [0.5, 0.25, 0.125, 0.125], q: [0.125, 0.5, 0.25, 0.125], unit: "bits" },
  support: { p: [0.5, 0.5], q: [1, 0], unit: "nats" },
  "term-by-term": { p: [0.9, 0.1], q: [0.6, 0.4], unit: "nats" },
  "point-spread": { p: [1, 0, 0, 0, 0], q: [0.6, 0.1, 0.1, 0.1, 0.1], unit: "nats" },
  legal: { p: [0.85, 0.05, 0.05, 0.05], q: [0.6, 0.2, 0.1, 0.1], unit: "nats" },
};

const KEYS = ["H(P)", "H(Q)", "H(P,Q)", "D(P‖Q)", "D(Q‖P)"];
const SYMBOLS = { "H(P)": "H(P)", "H(Q)": "H(Q)", "H(P,Q)": "H(P, Q)", "D(P‖Q)": "D(P‖Q)", "D(Q‖P)": "D(Q‖P)" };

/** The readouts of a state, in its unit (what the widget shows, before rounding). */
export function compute(p, q, unit) {
  const k = unitDivisor(unit);
  return {
    "H(P)": entropy(p) / k,
    "H(Q)": entropy(q) / k,
    "H(P,Q)": crossEntropy(p, q) / k,
    "D(P‖Q)": klDivergence(p, q) / k,
    "D(Q‖P)": klDivergence(q, p) / k,
  };
}

/** Python that prints the same readouts with infotheory. */
export function pythonCode({ p, q, unit }) {
  const rows = [
    ["H(P)", "entropy(p, base=base)"],
    ["H(Q)", "entropy(q, base=base)"],
    ["H(P,Q)", "cross_entropy(p, q, base=base)"],
    ["D(P‖Q)", "kl_divergence(p, q, base=base)"],
    ["D(Q‖P)", "kl_divergence(q, p, base=base)"],
  ];
  return [
    "from infotheory import cross_entropy, entropy, kl_divergence",
    `p = ${pyList(p)}`,
    `q = ${pyList(q)}`,
    `base = ${unit === "bits" ? "2" : "None"}`,
    ...rows.map(([key, call]) => `print(f"${key.padEnd(7)} {float(${call}):.${DIGITS}f}")`),
  ].join("\n");
}

export function mount(host, { lang, s, cells }) {
  const preset = PRESETS[host.dataset.preset] ? host.dataset.preset : "coin";
  const state = { ...structuredClone(PRESETS[preset]), lockP: false, preset };
  const f = (x) => fmt(lang, x, DIGITS);

  frame(host, s.twoTitle, s.twoHelp);

  // --- controls
  const presetId = uid("preset");
  const presetSelect = el("select", { id: presetId, class: "it-select" }, [
    ...Object.keys(PRESETS).map((key) => el("option", { value: key }, [s.presets[key]])),
    el("option", { value: "custom", disabled: true }, [s.custom]),
  ]);
  presetSelect.addEventListener("change", () => {
    const chosen = PRESETS[presetSelect.value];
    if (!chosen) return;
    Object.assign(state, structuredClone(chosen), { preset: presetSelect.value });
    update();
  });

  const unitName = uid("unit");
  const unitInputs = {};
  const unitGroup = el("fieldset", { class: "it-radios" }, [
    el("legend", { class: "it-radios__legend" }, [s.unit]),
    ...["bits", "nats"].map((unit) => {
      const id = uid("unit");
      const input = el("input", { type: "radio", name: unitName, id, value: unit });
      input.addEventListener("change", () => {
        if (!input.checked) return;
        state.unit = unit;
        update();
      });
      unitInputs[unit] = input;
      return el("span", { class: "it-radio" }, [input, el("label", { for: id }, [s[unit]])]);
    }),
  ]);

  const lockId = uid("lock");
  const lockInput = el("input", { type: "checkbox", id: lockId, class: "it-check__input" });
  lockInput.addEventListener("change", () => {
    state.lockP = lockInput.checked;
    update();
  });
  const lock = el("span", { class: "it-check" }, [lockInput, el("label", { for: lockId }, [s.lockP])]);

  const swap = button(s.swap, () => {
    if (state.lockP) return;
    [state.p, state.q] = [state.q, state.p];
    custom();
  }, { class: "it-button it-button--swap" });
  const add = button(s.add, () => {
    if (state.p.length >= MAX) return;
    state.p = [...state.p, 0];
    state.q = [...state.q, 0];
    custom();
  }, { class: "it-button it-button--add" });
  const remove = button(s.remove, () => {
    if (state.p.length <= MIN || state.lockP) return;
    state.p = removeOutcome(state.p, state.p.length - 1);
    state.q = removeOutcome(state.q, state.q.length - 1);
    custom();
  }, { class: "it-button it-button--remove" });
  const count = el("span", { class: "it-count", "aria-live": "polite" });
  const lockNote = el("p", { class: "it-note it-note--lock", hidden: true }, [s.lockedP]);

  // --- charts
  const tick = (i) => String(i);
  const pBars = new Bars({
    lang,
    tone: "p",
    name: s.chartLabel(s.pName),
    barLabel: (i) => s.barLabel("P", i),
    tick,
    editable: true,
    onChange: (i, v) => {
      if (state.lockP) return;
      state.p = setProbability(state.p, i, v);
      custom();
    },
  });
  const qBars = new Bars({
    lang,
    tone: "q",
    name: s.chartLabel(s.qName),
    barLabel: (i) => s.barLabel("Q", i),
    tick,
    editable: true,
    onChange: (i, v) => {
      state.q = setProbability(state.q, i, v);
      custom();
    },
  });
  const chart = (name, bars, tone) =>
    el("div", { class: `it-chart it-chart--${tone}` }, [el("p", { class: "it-chart__name", "aria-hidden": "true" }, [name]), bars.el]);

  // --- readouts
  const readouts = Object.fromEntries(KEYS.map((key) => [key, readout(key, SYMBOLS[key], s.readoutNames[key])]));
  const patternId = uid("hatch");
  const stack = svg("svg", { class: "it-stack", viewBox: "0 0 300 30", role: "img", preserveAspectRatio: "none" });
  const stackCaption = el("p", { class: "it-stack__caption", "aria-hidden": "true" });
  const infinite = el("p", { class: "it-note it-note--infinite", hidden: true });
  const live = liveRegion();

  host.append(
    el("div", { class: "it-toolbar" }, [
      el("span", { class: "it-field" }, [el("label", { for: presetId }, [s.preset]), " ", presetSelect]),
      unitGroup,
    ]),
    el("div", { class: "it-toolbar" }, [lock, swap, add, remove, count]),
    lockNote,
    el("div", { class: "it-charts" }, [chart(s.pName, pBars, "p"), chart(s.qName, qBars, "q")]),
    el("div", { class: "it-readouts" }, KEYS.map((key) => readouts[key].el)),
    el("div", { class: "it-stackbox" }, [el("p", { class: "it-stack__title", "aria-hidden": "true" }, [s.stackLabel]), stack, stackCaption]),
    infinite,
    sendToCode(host, s, cells, () => pythonCode(state)),
    live.el,
  );

  function custom() {
    state.preset = "custom";
    update();
  }

  function drawStack(values, unit) {
    const h = values["H(P)"];
    const d = values["D(P‖Q)"];
    const ce = values["H(P,Q)"];
    const logN = Math.log(state.p.length) / unitDivisor(unit);
    const finite = Number.isFinite(ce);
    const top = finite ? Math.max(ce, logN, 1e-9) : Math.max(h, logN, 1e-9) * 1.3;
    const wh = (h / top) * 300;
    const wd = finite ? (d / top) * 300 : 300 - wh;
    stack.replaceChildren(
      svg("defs", {}, [
        svg("pattern", { id: patternId, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, [
          svg("rect", { width: 6, height: 6, class: "it-stack__d" }),
          svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "it-stack__hatch" }),
        ]),
      ]),
      svg("rect", { class: "it-stack__track", x: 0, y: 4, width: 300, height: 22 }),
      svg("rect", { class: "it-stack__h", x: 0, y: 4, width: wh, height: 22 }),
      svg("rect", { class: finite ? "it-stack__d" : "", fill: finite ? null : `url(#${patternId})`, x: wh, y: 4, width: Math.max(wd, 0), height: 22 }),
    );
    const u = s[unit];
    stack.setAttribute("aria-label", s.stackText(f(h), f(d), f(ce), u));
    stackCaption.replaceChildren(
      el("span", { class: "it-key it-key--h" }, [`H(P) ${f(h)}`]),
      " + ",
      el("span", { class: "it-key it-key--d" }, [`D(P‖Q) ${f(d)}`]),
      " = ",
      el("span", { class: "it-key" }, [`H(P, Q) ${f(ce)} ${u}`]),
    );
  }

  function update() {
    const { p, q, unit, lockP } = state;
    const values = compute(p, q, unit);
    pBars.set(p);
    qBars.set(q);
    pBars.setReadonly(lockP);
    for (const key of KEYS) readouts[key].set(f(values[key]), s[unit]);
    drawStack(values, unit);

    const notes = [];
    const forward = supportGaps(p, q);
    if (forward.length) notes.push(s.infiniteForward(forward.map((i) => i + 1), forward.map((i) => f(p[i])).join(s.listSeparator)));
    const reverse = supportGaps(q, p);
    if (reverse.length) notes.push(s.infiniteReverse(reverse.map((i) => i + 1), reverse.map((i) => f(q[i])).join(s.listSeparator)));
    infinite.replaceChildren(...notes.map((text) => el("span", { class: "it-note__line" }, [text])));
    infinite.hidden = !notes.length;

    presetSelect.value = state.preset;
    unitInputs[unit].checked = true;
    lockInput.checked = lockP;
    lockNote.hidden = !lockP;
    setDisabled(swap, lockP);
    setDisabled(add, p.length >= MAX);
    setDisabled(remove, lockP || p.length <= MIN);
    count.textContent = s.outcomes(p.length);
    host.dataset.state = JSON.stringify({ p, q, unit, lockP, preset: state.preset });
    if (ready) live.say(s.summaryTwo(Object.fromEntries(KEYS.map((key) => [key, f(values[key])])), s[unit]));
  }

  let ready = false;
  update();
  ready = true;
  return { state, update, pBars, qBars };
}
