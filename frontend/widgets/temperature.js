// Widget 3, "Temperature and label smoothing" (loss, softmax and perplexity page).
//
// Logits z of a few tokens (editable, 2 to 6 tokens); a temperature slider shows
// q = softmax(z / T) and its entropy; a label-smoothing slider shows the target
// p̃ = (1 − ε) e_y + ε / K and the loss of q against it, as cross_entropy_from_logits(z / T,
// y, label_smoothing=ε) computes it, next to the unsmoothed loss and the floor H(p̃).
import { el, setDisabled, uid } from "../shared/dom.js";
import { Bars } from "./bars.js";
import { button, fmt, frame, liveRegion, numberInput, py, pyList, readout, sendToCode, slider } from "./dom.js";
import { crossEntropyFromLogits, entropy, smoothedTarget, softmax } from "./math.js";
import { tokenName } from "./strings.js";

const MIN = 2;
const MAX = 6;
const PROB_DIGITS = 3;
const DIGITS = 4;
const KEYS = ["H(q)", "loss", "nll", "floor"];
const SYMBOLS = { "H(q)": "H(q)", loss: "H(p̃, q)", nll: "−log q_y", floor: "H(p̃)" };

/** Temperatures the slider stops at (the page's examples among them: 0.5, 1, 2, 10). */
export const TEMPERATURES = [
  0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95,
  1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.25, 2.5, 2.75, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10,
];

/** The readouts of a state (nats). */
export function compute({ z, T, eps, y }) {
  const scaled = z.map((v) => v / T);
  const q = softmax(z, T);
  const target = smoothedTarget(z.length, y, eps);
  return {
    q,
    target,
    "H(q)": entropy(q),
    loss: crossEntropyFromLogits(scaled, y, eps),
    nll: crossEntropyFromLogits(scaled, y, 0),
    floor: entropy(target),
  };
}

export function pythonCode({ z, T, eps, y }) {
  return [
    "import numpy as np",
    "from infotheory import cross_entropy_from_logits, entropy, softmax",
    `z = np.array(${pyList(z)})`,
    `T = ${py(T)}`,
    `eps = ${py(eps)}`,
    `y = ${y}`,
    "q = softmax(z, temperature=T)",
    "target = (1 - eps) * np.eye(z.size)[y] + eps / z.size",
    `print("q      ", " ".join(f"{v:.${PROB_DIGITS}f}" for v in q))`,
    `print("p~     ", " ".join(f"{v:.${PROB_DIGITS}f}" for v in target))`,
    `print(f"H(q)    {float(entropy(q)):.${DIGITS}f}")`,
    `print(f"loss    {float(cross_entropy_from_logits(z / T, y, label_smoothing=eps)):.${DIGITS}f}")`,
    `print(f"nll     {float(cross_entropy_from_logits(z / T, y)):.${DIGITS}f}")`,
    `print(f"floor   {float(entropy(target)):.${DIGITS}f}")`,
  ].join("\n");
}

export function mount(host, { lang, s, cells }) {
  const f = (x, digits = DIGITS) => fmt(lang, x, digits);
  const state = { z: [2, 1, 0.1], T: 1, eps: 0, y: 0 };

  frame(host, s.tempTitle, s.tempHelp);

  // --- logits
  const logitsBox = el("div", { class: "it-numbers" });
  let logitInputs = [];
  function buildLogits() {
    logitInputs = state.z.map((v, i) =>
      numberInput({
        prefix: "logit", label: s.logit(i + 1), text: tokenName(i + 1), value: v, min: -20, max: 20, step: 0.1,
        onValue: (value) => {
          state.z = state.z.map((old, j) => (j === i ? value : old));
          update();
        },
      }),
    );
    logitsBox.replaceChildren(el("span", { class: "it-numbers__title", "aria-hidden": "true" }, [s.logits]), ...logitInputs);
  }
  const add = button(s.addToken, () => {
    if (state.z.length >= MAX) return;
    state.z = [...state.z, 0];
    buildLogits();
    update();
  }, { class: "it-button it-button--add" });
  const remove = button(s.removeToken, () => {
    if (state.z.length <= MIN) return;
    state.z = state.z.slice(0, -1);
    if (state.y >= state.z.length) state.y = 0;
    buildLogits();
    update();
  }, { class: "it-button it-button--remove" });

  const correctId = uid("correct");
  const correct = el("select", { id: correctId, class: "it-select" });
  correct.addEventListener("change", () => {
    state.y = Number(correct.value);
    update();
  });

  const temperature = slider({
    label: s.temperature, values: TEMPERATURES, value: state.T, format: (v) => f(v, 2),
    onInput: (v) => { state.T = v; update(); },
  });
  const smoothing = slider({
    label: s.smoothing, min: 0, max: 1, step: 0.01, value: state.eps, format: (v) => f(v, 2),
    onInput: (v) => { state.eps = v; update(); },
  });

  const tick = (i) => tokenName(i);
  const pred = new Bars({ lang, tone: "pred", name: s.prediction, tick, editable: false, digits: PROB_DIGITS });
  const target = new Bars({ lang, tone: "target", name: s.target, tick, editable: false, digits: PROB_DIGITS });
  const chart = (name, bars, tone) =>
    el("div", { class: `it-chart it-chart--${tone}` }, [el("p", { class: "it-chart__name", "aria-hidden": "true" }, [name]), bars.el]);

  const readouts = Object.fromEntries(KEYS.map((key) => [key, readout(key, SYMBOLS[key], s.readoutTemp[key])]));
  const live = liveRegion();

  buildLogits();
  host.append(
    el("div", { class: "it-toolbar" }, [logitsBox, add, remove]),
    el("div", { class: "it-sliders" }, [
      temperature.el,
      smoothing.el,
      el("div", { class: "it-field it-field--block" }, [el("label", { for: correctId }, [s.correct]), " ", correct]),
    ]),
    el("div", { class: "it-charts" }, [chart(s.prediction, pred, "pred"), chart(s.target, target, "target")]),
    el("div", { class: "it-readouts" }, KEYS.map((key) => readouts[key].el)),
    sendToCode(host, s, cells, () => pythonCode(state)),
    live.el,
  );

  function update() {
    const values = compute(state);
    pred.set(values.q);
    target.set(values.target);
    for (const key of KEYS) readouts[key].set(f(values[key]), s.nats);
    if (correct.options.length !== state.z.length) {
      correct.replaceChildren(...state.z.map((_, i) => el("option", { value: i }, [s.token(i + 1)])));
    }
    correct.value = String(state.y);
    setDisabled(add, state.z.length >= MAX);
    setDisabled(remove, state.z.length <= MIN);
    host.dataset.state = JSON.stringify(state);
    if (ready) live.say(s.summaryTemp(f(values["H(q)"]), f(values.loss)));
  }

  let ready = false;
  update();
  ready = true;
  return { state, update };
}
