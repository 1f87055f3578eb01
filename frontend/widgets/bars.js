// A bar chart of a probability vector, in SVG, coloured by Material's palette variables
// through the widgets' stylesheet. Editable charts make each bar a slider (role="slider",
// focusable): drag it with a mouse, a pen or a finger, or focus it and use the arrow keys,
// Page Up/Down, Home and End. The owner decides what a change means (renormalising the
// other bars, for instance) and calls set() with the new values.
import { setAttributes, svg, uid } from "../shared/dom.js";
import { fmt } from "./dom.js";
import { strings } from "./strings.js";

const W = 300;
const H = 150;
const TOP = 16; // room for the value labels
const BOTTOM = 18; // room for the outcome labels
const PLOT = H - TOP - BOTTOM;
const STEP = 0.01;
const PAGE = 0.1;

export class Bars {
  /**
   * @param {object} o
   * @param {string} o.lang
   * @param {string} o.tone        colour class: "p" | "q" | "ref" | "opt" | "pred" | "target"
   * @param {string} o.name        accessible name of the chart
   * @param {(i: number) => string} o.barLabel   accessible name of bar i (1-based)
   * @param {(i: number) => string} o.tick       text under bar i (1-based)
   * @param {boolean} o.editable
   * @param {(index: number, value: number) => void} [o.onChange]
   * @param {number} [o.digits]  decimals of the value labels
   */
  constructor({ lang, tone, name, barLabel, tick, editable, onChange, digits = 3 }) {
    this.lang = lang;
    this.tone = tone;
    this.name = name;
    this.barLabel = barLabel;
    this.tick = tick;
    this.editable = editable;
    this.readonly = false;
    this.onChange = onChange;
    this.digits = digits;
    this.values = [];
    this.bars = [];
    this.id = uid("bars");
    this.el = svg("svg", {
      class: `it-bars it-bars--${tone}${editable ? " it-bars--editable" : ""}`,
      viewBox: `0 0 ${W} ${H}`,
      preserveAspectRatio: "xMidYMid meet",
      role: editable ? "group" : "img",
      "aria-label": name,
    });
    if (editable) this.#listen();
  }

  format(v) {
    return fmt(this.lang, v, this.digits);
  }

  /** Show `values`; the bars are rebuilt only when their number changes. */
  set(values) {
    if (values.length !== this.bars.length) this.#build(values.length);
    this.values = values.slice();
    const n = values.length;
    const cw = W / n;
    const bw = Math.min(cw * 0.64, 40);
    const small = n > 7;
    values.forEach((v, i) => {
      const bar = this.bars[i];
      const h = Math.max(0, Math.min(1, v)) * PLOT;
      const x = i * cw + (cw - bw) / 2;
      setAttributes(bar.hit, { x: i * cw, y: 0, width: cw, height: H });
      setAttributes(bar.fill, { x, y: TOP + PLOT - h, width: bw, height: Math.max(h, 0) });
      setAttributes(bar.focus, { x: x - 3, y: TOP - 3, width: bw + 6, height: PLOT + 6 });
      setAttributes(bar.value, { x: i * cw + cw / 2, y: TOP + PLOT - h - 4, class: `it-bars__value${small ? " it-bars__value--small" : ""}` });
      bar.value.textContent = this.format(v);
      setAttributes(bar.tickText, { x: i * cw + cw / 2, y: H - 5 });
      bar.tickText.textContent = this.tick(i + 1);
      if (this.editable) {
        setAttributes(bar.group, {
          "aria-valuenow": Number(v.toFixed(6)),
          "aria-valuetext": this.format(v),
          "aria-readonly": this.readonly ? "true" : false,
        });
      }
    });
    if (!this.editable) {
      this.el.setAttribute("aria-label", `${this.name}: ${values.map((v, i) => `${this.tick(i + 1)} ${this.format(v)}`).join(strings(this.lang).listSeparator)}`);
    }
  }

  setReadonly(readonly) {
    this.readonly = readonly;
    this.el.classList.toggle("it-bars--readonly", readonly);
    this.set(this.values);
  }

  #build(n) {
    const focused = this.bars.findIndex((b) => b.group === document.activeElement);
    this.el.replaceChildren(svg("line", { class: "it-bars__axis", x1: 0, x2: W, y1: TOP + PLOT + 0.5, y2: TOP + PLOT + 0.5 }));
    this.bars = [];
    for (let i = 0; i < n; i++) {
      const group = svg("g", { class: "it-bar", "data-index": i });
      const hit = svg("rect", { class: "it-bar__hit" });
      const fill = svg("rect", { class: "it-bar__fill", rx: 1.5 });
      const focus = svg("rect", { class: "it-bar__focus", rx: 3 });
      const value = svg("text", { class: "it-bars__value", "text-anchor": "middle", "aria-hidden": "true" });
      const tickText = svg("text", { class: "it-bars__tick", "text-anchor": "middle", "aria-hidden": "true" });
      group.append(hit, fill, focus, value, tickText);
      if (this.editable) {
        setAttributes(group, {
          role: "slider",
          tabindex: 0,
          "aria-label": this.barLabel(i + 1),
          "aria-valuemin": 0,
          "aria-valuemax": 1,
          "aria-orientation": "vertical",
        });
        group.addEventListener("keydown", (event) => this.#key(event, i));
      }
      this.el.append(group);
      this.bars.push({ group, hit, fill, focus, value, tickText });
    }
    if (focused >= 0 && this.bars.length) this.bars[Math.min(focused, n - 1)].group.focus({ preventScroll: true });
  }

  /** The bar element of outcome `i` (0-based): the slider to focus or drag. */
  bar(i) {
    return this.bars[i] && this.bars[i].group;
  }

  #change(i, value) {
    if (this.readonly || !this.onChange) return;
    const v = Math.min(1, Math.max(0, Math.round(value / STEP) * STEP));
    this.onChange(i, Number(v.toFixed(10)));
  }

  #key(event, i) {
    const v = this.values[i];
    const moves = {
      ArrowUp: v + STEP,
      ArrowRight: v + STEP,
      ArrowDown: v - STEP,
      ArrowLeft: v - STEP,
      PageUp: v + PAGE,
      PageDown: v - PAGE,
      Home: 0,
      End: 1,
    };
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    this.#change(i, moves[event.key]);
  }

  #listen() {
    let dragging = null; // the pointer id and bar index of a drag in progress
    const at = (event) => {
      const matrix = this.el.getScreenCTM();
      if (!matrix) return null;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      const n = this.values.length;
      const index = Math.min(n - 1, Math.max(0, Math.floor((point.x / W) * n)));
      return { index, value: (TOP + PLOT - point.y) / PLOT };
    };
    this.el.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || this.readonly) return;
      const hit = at(event);
      if (!hit) return;
      event.preventDefault();
      dragging = { id: event.pointerId, index: hit.index };
      this.el.setPointerCapture(event.pointerId);
      this.bars[hit.index].group.focus({ preventScroll: true });
      this.#change(hit.index, hit.value);
    });
    this.el.addEventListener("pointermove", (event) => {
      if (!dragging || event.pointerId !== dragging.id) return;
      const hit = at(event);
      if (hit) this.#change(dragging.index, hit.value);
    });
    const end = (event) => {
      if (dragging && event.pointerId === dragging.id) dragging = null;
    };
    this.el.addEventListener("pointerup", end);
    this.el.addEventListener("pointercancel", end);
  }
}
