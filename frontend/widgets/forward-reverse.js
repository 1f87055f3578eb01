// Widget 2, "Forward vs reverse KL fit" (forward-vs-reverse page).
//
// The truth P = ½ N(−d, 0.7²) + ½ N(d, 0.7²) and a Gaussian model Q = N(μ, σ²), drawn over
// the window [−6, 6]; sliders for μ, σ and d; D(P‖Q) and D(Q‖P) between the two densities
// truncated to that window and renormalised there, by adaptive quadrature (as
// kl_divergence_continuous(..., lower=-6, upper=6, normalize=True)).
// Three buttons move Q to the forward optimum (moment matching), to the reverse optimum
// (Nelder–Mead from each mode and from the moment-matched Gaussian, as
// fit_gaussian_reverse_kl) and to the reverse objective's local minimum between the modes.
import { el, setDisabled, svg } from "../shared/dom.js";
import { button, fmt, frame, liveRegion, py, readout, sendToCode, slider } from "./dom.js";
import { bimodal, fitForward, fitReverse, fitReverseFrom, gaussian, klContinuous } from "./math.js";

export const LOWER = -6;
export const UPPER = 6;
// The plot is drawn at its CSS size (redrawn when that changes), so its labels keep
// their size from a phone to a desktop.
const PAD = { left: 8, right: 8, top: 8, bottom: 22 };
const SAMPLES = 241;
const DIGITS = 3;

const KEYS = ["D(P‖Q)", "D(Q‖P)"];
// fit_gaussian_reverse_kl's starts: each component, then the moment-matched Gaussian.
const START_CODES = ["(-d, 0.7)", "(d, 0.7)", "(p.mean, p.std)"];

/** The readouts of a state: both directions, truncated to the window, in nats. */
export function compute(mu, sigma, d) {
  const p = bimodal(d);
  const q = gaussian(mu, sigma);
  return {
    "D(P‖Q)": klContinuous(p, q, { lower: LOWER, upper: UPPER, normalize: true }),
    "D(Q‖P)": klContinuous(q, p, { lower: LOWER, upper: UPPER, normalize: true }),
  };
}

/** Python that prints the same readouts (and the fit, after a snap) with infotheory. */
export function pythonCode({ mu, sigma, d, snapped }) {
  const imports = ["Gaussian", "GaussianMixture", "kl_divergence_continuous"];
  const lines = [];
  lines.push(`d = ${py(d)}`, "p = GaussianMixture([0.5, 0.5], [-d, d], [0.7, 0.7])");
  if (snapped) {
    if (snapped.kind === "forward") {
      imports.push("fit_gaussian_forward_kl");
      lines.push("fit = fit_gaussian_forward_kl(p)");
    } else {
      imports.push("fit_gaussian_reverse_kl");
      lines.push(`fit = fit_gaussian_reverse_kl(p, start=${snapped.startCode})`);
    }
    lines.push(
      `print(f"μ       {fit.mean:.${DIGITS}f}")`,
      `print(f"σ       {fit.std:.${DIGITS}f}")`,
      `print(f"fit D   {fit.kl:.${DIGITS}f}")`,
      "q = Gaussian(fit.mean, fit.std)",
    );
  } else {
    lines.push(`q = Gaussian(${py(mu)}, ${py(sigma)})`);
  }
  lines.push(
    `print(f"D(P‖Q)  {float(kl_divergence_continuous(p, q, lower=${LOWER}, upper=${UPPER}, normalize=True)):.${DIGITS}f}")`,
    `print(f"D(Q‖P)  {float(kl_divergence_continuous(q, p, lower=${LOWER}, upper=${UPPER}, normalize=True)):.${DIGITS}f}")`,
  );
  return [`from infotheory import ${imports.join(", ")}`, ...lines].join("\n");
}

function curve(logpdf, top, sx, W, H) {
  const points = [];
  for (let i = 0; i < SAMPLES; i++) {
    const x = LOWER + ((UPPER - LOWER) * i) / (SAMPLES - 1);
    const y = Math.exp(logpdf(x));
    const py = H - PAD.bottom - (Math.min(y, top) / top) * (H - PAD.top - PAD.bottom);
    points.push(`${sx(x).toFixed(2)},${py.toFixed(2)}`);
  }
  return points;
}

export function mount(host, { lang, s, cells }) {
  const f = (x, digits = DIGITS) => fmt(lang, x, digits);
  const state = { mu: 0, sigma: 1.5, d: 2.2, snapped: null };
  const fits = new Map(); // d -> {forward, reverse: {side: fit}, local}
  const domain = `[${f(LOWER, 0)}, ${f(UPPER, 0)}]`;

  frame(host, s.fitTitle, s.fitHelp(domain));

  const plot = svg("svg", { class: "it-plot", role: "img" });
  const legend = el("p", { class: "it-legend", "aria-hidden": "true" }, [
    el("span", { class: "it-key it-key--p" }, [s.pCurve]),
    " ",
    el("span", { class: "it-key it-key--q" }, [s.qCurve]),
  ]);

  const mean = slider({
    label: s.mean, min: -4, max: 4, step: 0.01, value: state.mu, format: (v) => f(v),
    onInput: (v) => { state.mu = v; state.snapped = null; update(); },
  });
  const std = slider({
    label: s.std, min: 0.3, max: 4, step: 0.01, value: state.sigma, format: (v) => f(v),
    onInput: (v) => { state.sigma = v; state.snapped = null; update(); },
  });
  const sep = slider({
    label: s.separation, min: 0.5, max: 3.5, step: 0.1, value: state.d, format: (v) => f(v, 1),
    onInput: (v) => { state.d = v; state.snapped = null; update(); },
  });

  const readouts = Object.fromEntries(KEYS.map((key) => [key, readout(key, `${key} ${domain}`, key)]));
  const note = el("p", { class: "it-note it-note--fit", "aria-live": "polite" });
  const live = liveRegion();

  const snaps = {
    forward: button(s.snapForward, () => snap("forward"), { class: "it-button it-button--forward", "aria-label": s.snapForwardLabel }),
    reverse: button(s.snapReverse, () => snap("reverse"), { class: "it-button it-button--reverse", "aria-label": s.snapReverseLabel }),
    local: button(s.snapLocal, () => snap("local"), { class: "it-button it-button--local", "aria-label": s.snapLocalLabel }),
  };

  host.append(
    el("div", { class: "it-figure" }, [plot, legend]),
    el("div", { class: "it-sliders" }, [mean.el, std.el, sep.el]),
    el("div", { class: "it-toolbar" }, Object.values(snaps)),
    el("div", { class: "it-readouts" }, KEYS.map((key) => readouts[key].el)),
    note,
    sendToCode(host, s, cells, () => pythonCode(state)),
    live.el,
  );

  function fitsFor(d) {
    if (!fits.has(d)) fits.set(d, { reverse: {} });
    return fits.get(d);
  }

  function snap(kind) {
    const d = state.d;
    const p = bimodal(d);
    const cache = fitsFor(d);
    host.setAttribute("aria-busy", "true");
    for (const b of Object.values(snaps)) setDisabled(b, true);
    note.textContent = s.busy;
    // Let the page paint "Searching…" before the (fraction of a second) search.
    setTimeout(() => {
      try {
        let fit;
        let startCode = null;
        let text;
        if (kind === "forward") {
          fit = cache.forward ||= fitForward(p);
          text = s.noteForward(f(fit.mean), f(fit.std), f(fit.kl));
        } else {
          const side = state.mu >= 0 ? 1 : -1;
          const best = (cache.reverse[side] ||= fitReverse(p, side));
          if (kind === "reverse") {
            fit = best;
            text = s.noteReverse(f(fit.mean), f(fit.std), f(fit.kl));
          } else {
            fit = cache.local ||= fitReverseFrom(p, [p.mean, p.std]);
            const separate = Math.abs(best.mean) > 1e-3 && fit.kl > best.kl + 1e-6;
            text = (separate ? s.noteLocal : s.noteNoLocal)(f(fit.mean), f(fit.std), f(fit.kl));
          }
          startCode = kind === "local" ? START_CODES[2] : START_CODES[fit.startIndex];
        }
        state.mu = fit.mean;
        state.sigma = fit.std;
        state.snapped = { kind, startCode, fit: { mean: fit.mean, std: fit.std, kl: fit.kl } };
        update();
        note.textContent = text;
      } finally {
        host.removeAttribute("aria-busy");
        for (const b of Object.values(snaps)) setDisabled(b, false);
      }
    }, 30);
  }

  function draw() {
    const W = Math.max(200, Math.round(plot.getBoundingClientRect().width) || 600);
    const H = Math.round(Math.min(280, Math.max(170, W * 0.42)));
    plot.setAttribute("viewBox", `0 0 ${W} ${H}`);
    plot.setAttribute("height", H);
    const sx = (x) => PAD.left + ((x - LOWER) / (UPPER - LOWER)) * (W - PAD.left - PAD.right);
    const p = bimodal(state.d);
    const q = gaussian(state.mu, state.sigma);
    const peakP = Math.exp(p.logpdf(state.d));
    const peakQ = 1 / (state.sigma * Math.sqrt(2 * Math.PI));
    const top = Math.max(0.35, peakP, peakQ) * 1.08;
    const base = H - PAD.bottom;
    const pPoints = curve(p.logpdf, top, sx, W, H);
    const qPoints = curve(q.logpdf, top, sx, W, H);
    const ticks = [];
    for (let x = LOWER; x <= UPPER; x += 2) {
      ticks.push(
        svg("line", { class: "it-plot__tick", x1: sx(x), x2: sx(x), y1: base, y2: base + 4 }),
        svg("text", { class: "it-plot__label", x: sx(x), y: H - 6, "text-anchor": "middle" }, [f(x, 0)]),
      );
    }
    plot.replaceChildren(
      svg("path", { class: "it-plot__p", d: `M${sx(LOWER)},${base} L${pPoints.join(" L")} L${sx(UPPER)},${base} Z` }),
      svg("polyline", { class: "it-plot__p-line", points: pPoints.join(" ") }),
      svg("polyline", { class: "it-plot__q", points: qPoints.join(" ") }),
      svg("line", { class: "it-plot__axis", x1: sx(LOWER), x2: sx(UPPER), y1: base + 0.5, y2: base + 0.5 }),
      ...ticks,
    );
    plot.setAttribute("aria-label", s.plotLabel(f(state.mu), f(state.sigma), f(state.d, 1)));
  }

  function update() {
    mean.set(state.mu);
    std.set(state.sigma);
    sep.set(state.d);
    const values = compute(state.mu, state.sigma, state.d);
    for (const key of KEYS) readouts[key].set(f(values[key]), s.nats);
    if (!state.snapped) note.textContent = "";
    draw();
    host.dataset.state = JSON.stringify({
      mu: state.mu,
      sigma: state.sigma,
      d: state.d,
      snapped: state.snapped && state.snapped.kind,
      fit: state.snapped && state.snapped.fit,
    });
    if (ready) live.say(s.summaryFit(f(values["D(P‖Q)"]), f(values["D(Q‖P)"])));
  }

  let ready = false;
  update();
  ready = true;
  let width = 0;
  new ResizeObserver(([entry]) => {
    const now = Math.round(entry.contentRect.width);
    if (now && now !== width) {
      width = now;
      draw();
    }
  }).observe(plot);
  return { state, update };
}
