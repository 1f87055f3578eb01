// Entry point of the exercises (bundled by hooks/cells.py into assets/cells/exercises.js;
// the markup is hooks/exercises.py's). Checks answers in the page, explains the detectable
// mistakes in the page's language, and remembers progress in localStorage, per page and
// language. Nothing is sent anywhere.
import "./exercises.css";
import { el, onEveryPage } from "../shared/dom.js";
import { pageLanguage } from "../shared/language.js";
import { formatNumber } from "../shared/number.js";
import { checkChoice, checkNumeric, parseAnswer, toNumber } from "./check.js";
import { strings } from "./strings.js";

const STORAGE_PREFIX = "infotheory:exercises";

/** localStorage, or null where it is unavailable (blocked, private mode quota, ...). */
function storage() {
  try {
    const store = window.localStorage;
    const probe = `${STORAGE_PREFIX}:probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null;
  }
}

class Progress {
  constructor(lang, path) {
    this.key = `${STORAGE_PREFIX}:${lang}:${path}`;
    this.store = storage();
    this.items = {};
    if (!this.store) return;
    try {
      const saved = JSON.parse(this.store.getItem(this.key) || "null");
      if (saved && saved.version === 1 && saved.items && typeof saved.items === "object") this.items = saved.items;
    } catch {
      this.items = {};
    }
  }

  get available() {
    return this.store !== null;
  }

  get(id) {
    return this.items[id] || null;
  }

  record(id, answer, right) {
    const before = this.items[id];
    this.items[id] = { answer, solved: right || Boolean(before && before.solved) };
    this.save();
  }

  save() {
    if (!this.store) return;
    try {
      this.store.setItem(this.key, JSON.stringify({ version: 1, items: this.items }));
    } catch {
      // Full or blocked: progress is simply not remembered.
    }
  }

  clear() {
    this.items = {};
    if (this.store) this.store.removeItem(this.key);
  }
}

/** A <p> holding `text`. */
const paragraph = (text, className) => el("p", { class: className || null }, [text]);

class Exercise {
  constructor(el, page) {
    this.el = el;
    this.page = page;
    this.data = JSON.parse(el.querySelector(":scope > script.exercise-data").textContent);
    this.id = this.data.id;
    this.form = el.querySelector(":scope > form.exercise-form");
    this.feedback = el.querySelector(":scope > .exercise-feedback");
    this.status = el.querySelector(".exercise-status");
    this.input = this.form.querySelector("input.exercise-input");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.check();
    });
    el.classList.add("exercise--ready");
  }

  why(index) {
    const node = this.el.querySelector(`:scope > .exercise-whys > .exercise-why[data-why="${index}"]`);
    return node ? [...node.cloneNode(true).childNodes] : [];
  }

  show(kind, nodes) {
    this.feedback.className = `exercise-feedback exercise-feedback--${kind}`;
    this.feedback.replaceChildren(...nodes);
  }

  check() {
    const s = this.page.s;
    if (this.data.type === "numeric") {
      const parsed = parseAnswer(this.input.value, this.page.lang);
      if (parsed.error) {
        this.show("invalid", [paragraph(s[parsed.error])]);
        this.input.setAttribute("aria-invalid", "true");
        return;
      }
      this.input.removeAttribute("aria-invalid");
      const result = checkNumeric(this.data, parsed.value);
      const unit = this.data.unit === "none" ? "" : this.data.unit;
      if (result.status === "right") {
        const answer = formatNumber(this.page.lang, toNumber(this.data.answer), this.data.decimals);
        this.show("right", [paragraph(s.right(answer, unit))]);
      } else if (result.status === "mistake") {
        const { mistake } = result;
        const nodes = mistake.why !== undefined ? this.why(mistake.why) : [paragraph(s.mistakes[mistake.kind])];
        this.show("mistake", [paragraph(s.notQuite, "exercise-verdict"), ...nodes]);
        this.feedback.dataset.mistake = mistake.kind;
      } else {
        const typed = formatNumber(this.page.lang, parsed.value, decimalsOf(this.input.value));
        const tolerance = formatNumber(this.page.lang, this.data.tolerance, decimalsOf(String(this.data.tolerance)));
        this.show("wrong", [paragraph(s.wrong(typed, unit, tolerance))]);
      }
      if (result.status !== "mistake") delete this.feedback.dataset.mistake;
      this.page.record(this, this.input.value.trim(), result.status === "right");
    } else {
      const chosen = this.form.querySelector("input[type=radio]:checked");
      if (!chosen) {
        this.show("invalid", [paragraph(s.choose)]);
        return;
      }
      const index = Number(chosen.value);
      const result = checkChoice(this.data, index);
      const right = result.status === "right";
      const nodes = result.option.why !== undefined ? this.why(result.option.why) : [];
      this.show(right ? "right" : "wrong", [
        paragraph(right ? s.choiceRight : s.choiceWrong, "exercise-verdict"),
        ...nodes,
      ]);
      this.page.record(this, String(index), right);
    }
  }

  restore(saved) {
    if (!saved) return;
    if (this.data.type === "numeric") {
      this.input.value = saved.answer || "";
    } else {
      const radio = this.form.querySelector(`input[type=radio][value="${CSS.escape(String(saved.answer))}"]`);
      if (radio) radio.checked = true;
    }
    this.markSolved(Boolean(saved.solved));
  }

  markSolved(solved) {
    this.el.classList.toggle("exercise--solved", solved);
    this.status.textContent = solved ? this.page.s.solved : "";
  }

  reset() {
    this.form.reset();
    if (this.input) this.input.removeAttribute("aria-invalid");
    this.feedback.className = "exercise-feedback";
    this.feedback.replaceChildren();
    delete this.feedback.dataset.mistake;
    this.markSolved(false);
  }
}

/** Decimals a reader wrote (to echo "0.5" as 0,5 and "0.500" as 0,500). */
function decimalsOf(text) {
  const match = /[.,](\d+)/.exec(String(text));
  return match ? Math.min(match[1].length, 12) : 0;
}

class PageExercises {
  constructor(elements) {
    this.lang = pageLanguage(document);
    this.s = strings(this.lang);
    this.progress = new Progress(this.lang, window.location.pathname);
    this.exercises = elements.map((el) => new Exercise(el, this));
    this.bar = document.querySelector(".exercises-progress");
    this.count = this.bar && this.bar.querySelector(".exercises-progress-count");
    this.message = this.bar && this.bar.querySelector(".exercises-progress-message");
    for (const exercise of this.exercises) exercise.restore(this.progress.get(exercise.id));
    if (this.bar && this.progress.available) {
      this.bar.hidden = false;
      this.bar.querySelector(".exercises-clear").addEventListener("click", () => this.clear());
      this.updateCount();
    }
  }

  record(exercise, answer, right) {
    this.progress.record(exercise.id, answer, right);
    if (right) exercise.markSolved(true);
    this.updateCount();
  }

  updateCount() {
    if (!this.count) return;
    const solved = this.exercises.filter((e) => (this.progress.get(e.id) || {}).solved).length;
    this.count.textContent = this.s.count(solved, this.exercises.length);
    if (this.message) this.message.textContent = "";
  }

  clear() {
    this.progress.clear();
    for (const exercise of this.exercises) exercise.reset();
    this.updateCount();
    this.message.textContent = this.s.cleared; // a status region: announced
  }
}

let current = null;

function bind() {
  const elements = [...document.querySelectorAll("div.exercise[data-exercise]")].filter((node) =>
    node.querySelector(":scope > script.exercise-data"),
  );
  if (current && elements.length && current.exercises[0].el === elements[0]) return;
  current = elements.length ? new PageExercises(elements) : null;
}

onEveryPage(bind);
