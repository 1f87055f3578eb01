// Widget 4, "The KL leash" (KL in practice page).
//
// A reference policy over four responses (bars: drag or arrow keys, the others
// renormalise), a reward per response (number inputs) and β (slider). Shows the optimal
// policy π* ∝ π_ref · exp(r / β), built as softmax(log π_ref + r / β) like the page's
// example, its expected reward and D(π*‖π_ref), and the reference's expected reward.
import { el } from "../shared/dom.js";
import { Bars } from "./bars.js";
import { fmt, frame, liveRegion, numberInput, py, pyList, readout, sendToCode, slider } from "./dom.js";
import { klDivergence, setProbability, softmax } from "./math.js";

const DIGITS = 3;
const KEYS = ["E[r]", "D(π*‖π_ref)", "E_ref[r]"];
const SYMBOLS = { "E[r]": "E_π*[r]", "D(π*‖π_ref)": "D(π*‖π_ref)", "E_ref[r]": "E_π_ref[r]" };

/** Values of β the slider stops at (the page's examples among them: 10, 1, 0.5, 0.25, 0.1). */
export const BETAS = [
  0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20,
];

/** The optimal policy and the readouts of a state (nats). */
export function compute({ ref, reward, beta }) {
  const pi = softmax(ref.map((r, i) => Math.log(r) + reward[i] / beta));
  const dot = (a, b) => a.reduce((sum, v, i) => sum + v * b[i], 0);
  return { pi, "E[r]": dot(pi, reward), "D(π*‖π_ref)": klDivergence(pi, ref), "E_ref[r]": dot(ref, reward) };
}

export function pythonCode({ ref, reward, beta }) {
  return [
    "import numpy as np",
    "from infotheory import kl_divergence, softmax",
    `ref = np.array(${pyList(ref)})`,
    `reward = np.array(${pyList(reward)})`,
    `beta = ${py(beta)}`,
    'with np.errstate(divide="ignore"):',
    "    pi = softmax(np.log(ref) + reward / beta)",
    `print("π*         ", " ".join(f"{v:.${DIGITS}f}" for v in pi))`,
    `print(f"E[r]        {pi @ reward:.${DIGITS}f}")`,
    `print(f"D(π*‖π_ref) {float(kl_divergence(pi, ref)):.${DIGITS}f}")`,
    `print(f"E_ref[r]    {ref @ reward:.${DIGITS}f}")`,
  ].join("\n");
}

export function mount(host, { lang, s, cells }) {
  const f = (x, digits = DIGITS) => fmt(lang, x, digits);
  const state = { ref: [0.6, 0.25, 0.14, 0.01], reward: [0, 1, 1.5, 3], beta: 1 };

  frame(host, s.leashTitle, s.leashHelp);

  const tick = (i) => String(i);
  const refBars = new Bars({
    lang,
    tone: "ref",
    name: s.reference,
    barLabel: (i) => `π_ref, ${s.response(i)}`,
    tick,
    editable: true,
    onChange: (i, v) => {
      state.ref = setProbability(state.ref, i, v);
      update();
    },
  });
  const optBars = new Bars({ lang, tone: "opt", name: s.optimal, tick, editable: false });
  const chart = (name, bars, tone) =>
    el("div", { class: `it-chart it-chart--${tone}` }, [el("p", { class: "it-chart__name", "aria-hidden": "true" }, [name]), bars.el]);

  const rewardInputs = state.reward.map((v, i) =>
    numberInput({
      prefix: "reward", label: s.reward(i + 1), text: String(i + 1), value: v, min: -10, max: 10, step: 0.5,
      onValue: (value) => {
        state.reward = state.reward.map((old, j) => (j === i ? value : old));
        update();
      },
    }),
  );

  const beta = slider({
    label: s.beta, values: BETAS, value: state.beta, format: (v) => f(v, 2),
    onInput: (v) => { state.beta = v; update(); },
  });

  const readouts = Object.fromEntries(KEYS.map((key) => [key, readout(key, SYMBOLS[key], s.readoutLeash[key])]));
  const live = liveRegion();

  host.append(
    el("div", { class: "it-toolbar" }, [
      el("div", { class: "it-numbers" }, [el("span", { class: "it-numbers__title", "aria-hidden": "true" }, [s.rewards]), ...rewardInputs]),
    ]),
    el("div", { class: "it-sliders" }, [beta.el]),
    el("div", { class: "it-charts" }, [chart(s.reference, refBars, "ref"), chart(s.optimal, optBars, "opt")]),
    el("div", { class: "it-readouts" }, KEYS.map((key) => readouts[key].el)),
    sendToCode(host, s, cells, () => pythonCode(state)),
    live.el,
  );

  function update() {
    const values = compute(state);
    refBars.set(state.ref);
    optBars.set(values.pi);
    readouts["E[r]"].set(f(values["E[r]"]));
    readouts["D(π*‖π_ref)"].set(f(values["D(π*‖π_ref)"]), s.nats);
    readouts["E_ref[r]"].set(f(values["E_ref[r]"]));
    host.dataset.state = JSON.stringify(state);
    if (ready) live.say(s.summaryLeash(f(values["E[r]"]), f(values["D(π*‖π_ref)"])));
  }

  let ready = false;
  update();
  ready = true;
  return { state, update };
}
