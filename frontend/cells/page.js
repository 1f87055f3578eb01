// The cells of one page: their controls, and the one Python session they share.
//
// A cell starts as the static example the build rendered (code and checked output).
// Run turns it into an editor and runs it; earlier cells not yet run go first, since the
// example may use what they define. Stop interrupts; Reset puts the whole page back as it
// was loaded (original code, static outputs, a fresh interpreter).
import { button, el, setDisabled, svg } from "../shared/dom.js";
import { OutputView } from "./output.js";
import { strings } from "./strings.js";

let editorModule = null;
/** CodeMirror and the statement splitter, a chunk of their own loaded on first need. */
export function loadEditor() {
  editorModule ||= import("./editor.js").catch((err) => {
    editorModule = null;
    throw err;
  });
  return editorModule;
}

const ICONS = {
  run: "M8 5.14v14l11-7-11-7z",
  stop: "M6 6h12v12H6z",
  reset:
    "M12 4a8 8 0 0 0-7.45 5.08l1.86.74A6 6 0 1 1 6 12H4a8 8 0 1 0 8-8zm-8 0v6h6L7.76 7.76z",
  copy:
    "M19 21H8V7h11v14zm0-16H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm-3-4H4a2 2 0 0 0-2 2v14h2V3h12V1z",
};

function icon(name) {
  return svg("svg", { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" }, [
    svg("path", { d: ICONS[name] }),
  ]);
}

function cellButton(kind, text, label, onClick) {
  return button(
    [icon(kind), el("span", { class: "cell-button__text" }, [text])],
    () => onClick(),
    { class: `cell-button cell-button--${kind}`, "aria-label": label },
  );
}

/** The fraction in whatever shape the runtime reports progress. */
function fractionOf(args) {
  for (const arg of args) {
    if (typeof arg === "number" && Number.isFinite(arg)) return arg;
    if (arg && typeof arg === "object" && Number.isFinite(arg.fraction)) return arg.fraction;
  }
  return null;
}

class Cell {
  constructor(page, el) {
    this.page = page;
    this.el = el;
    this.index = Number(el.dataset.cell);
    this.data = JSON.parse(el.querySelector(":scope > script.cell-data").textContent);
    this.staticView = el.firstElementChild;
    this.view = null; // the CodeMirror editor, once the cell has been run
    this.ran = false; // run in the current interpreter (since the last Reset)
    this.#build();
  }

  #build() {
    const s = this.page.s;
    const n = this.index;
    const id = `cell-${n}`;
    this.editorHost = el("div", { class: "cell-editor", hidden: true });
    this.help = el("p", { class: "cell-help", id: `${id}-help`, hidden: true }, [s.editorHelp]);
    this.runButton = cellButton("run", s.run, s.runLabel(n), () => this.page.run(this));
    this.stopButton = cellButton("stop", s.stop, s.stopLabel(n), () => this.page.stop(this));
    this.resetButton = cellButton("reset", s.reset, s.resetLabel, () => this.page.reset(this));
    this.copyButton = cellButton("copy", s.copy, s.copyLabel(n), () => this.copy());
    setDisabled(this.stopButton, true);
    this.status = el("span", { class: "cell-status", role: "status" });
    this.progress = el("progress", {
      class: "cell-progress",
      max: "1",
      "aria-label": s.loadingLabel,
      hidden: true,
    });
    this.retryButton = el("button", { type: "button", class: "cell-button cell-button--retry", hidden: true }, [
      s.retry,
    ]);
    this.retryButton.addEventListener("click", () => {
      this.retryButton.hidden = true;
      this.page.run(this);
    });
    const bar = el("div", { class: "cell-bar", role: "group", "aria-label": s.group(n) }, [
      this.runButton,
      this.stopButton,
      this.resetButton,
      this.copyButton,
    ]);
    const info = el("div", { class: "cell-info" }, [this.status, this.progress, this.retryButton]);
    this.outputLabel = el("div", { class: "cell-output__label", id: `${id}-output-label` });
    this.outputPre = el("pre", {
      class: "cell-output__text",
      tabindex: "0",
      "aria-labelledby": `${id}-output-label`,
    });
    this.output = new OutputView(this.outputPre, s.truncated);
    this.outputBox = el("div", { class: "cell-output", hidden: true }, [this.outputLabel, this.outputPre]);
    this.hint = el("p", { class: "cell-hint", hidden: true });
    this.staticView.after(this.editorHost, this.help, bar, info, this.outputBox, this.hint);
    this.el.classList.add("cell--ready");
    this.setState("static");
  }

  setState(state) {
    this.el.dataset.state = state;
    if (state === "starting" || state === "running" || state === "loading") this.el.setAttribute("aria-busy", "true");
    else this.el.removeAttribute("aria-busy");
  }

  say(text) {
    this.status.textContent = text || "";
  }

  setHint(text) {
    this.hint.textContent = text || "";
    this.hint.hidden = !text;
  }

  showProgress(args) {
    const fraction = fractionOf(args);
    this.progress.hidden = false;
    if (fraction == null) this.progress.removeAttribute("value");
    else this.progress.value = Math.max(0, Math.min(1, fraction));
  }

  hideProgress() {
    this.progress.hidden = true;
  }

  code() {
    return this.view ? this.page.editor.editorText(this.view) : this.data.code;
  }

  builtOutput() {
    return this.data.examples.map((example) => example.want).join("");
  }

  async toEditor() {
    if (this.view) return;
    const editor = await loadEditor();
    if (this.view || !this.el.isConnected) return;
    this.page.editor = editor;
    const s = this.page.s;
    this.view = editor.createEditor(this.editorHost, this.data.code.replace(/\n$/, ""), {
      label: s.editorLabel(this.index),
      describedBy: this.help.id,
      onRun: () => this.page.run(this),
      onFocus: () => this.page.preload(),
    });
    this.staticView.hidden = true;
    this.editorHost.hidden = false;
    this.help.hidden = false;
    this.el.classList.add("cell--editing");
    const built = this.builtOutput();
    if (built) {
      this.outputLabel.textContent = this.page.s.builtOutput;
      this.output.showText(built);
      this.outputBox.hidden = false;
      this.outputBox.classList.add("cell-output--built");
    }
  }

  toStatic() {
    if (this.view) this.view.destroy();
    this.view = null;
    this.editorHost.replaceChildren();
    this.editorHost.hidden = true;
    this.help.hidden = true;
    this.staticView.hidden = false;
    this.el.classList.remove("cell--editing");
    this.output.clear();
    this.outputBox.hidden = true;
    this.ran = false;
    this.say("");
    this.setHint("");
    this.hideProgress();
    this.retryButton.hidden = true;
    this.setState("static");
  }

  startOutput() {
    this.output.clear();
    this.outputLabel.textContent = this.page.s.output;
    this.outputBox.classList.remove("cell-output--built");
    this.outputBox.hidden = false;
    this.setHint("");
  }

  async copy() {
    const s = this.page.s;
    const text = this.code();
    try {
      await navigator.clipboard.writeText(text);
      this.say(s.copied);
    } catch {
      const area = el("textarea", { class: "cell-clipboard", readonly: true, "aria-hidden": "true" });
      area.value = text;
      document.body.append(area);
      area.select();
      let ok;
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      area.remove();
      this.copyButton.focus();
      this.say(ok ? s.copied : s.copyFailed);
    }
  }

  /** New code for this cell (a widget's "Send to code"), in its static view and editor. */
  setCode(code) {
    this.data.code = code.endsWith("\n") ? code : `${code}\n`;
    this.staticView.querySelector("code").textContent = code;
    if (this.view) this.page.editor.setEditorText(this.view, code);
  }

  destroy() {
    if (this.view) this.view.destroy();
    this.view = null;
  }
}

export class PageCells {
  /**
   * @param {Element[]} elements   the .cell elements of the page, in order
   * @param {object} o
   * @param {string} o.lang        "en" | "es"
   * @param {() => Promise<object>} o.createSession   the runtime's session for this page
   */
  constructor(elements, { lang, createSession }) {
    this.lang = lang;
    this.s = strings(lang);
    this.createSession = createSession;
    this.sessionPromise = null;
    this.editor = null;
    this.busy = false;
    this.stopRequested = false;
    this.generation = 0; // bumped by Reset: runs of an older generation touch nothing
    this.initiator = null; // the cell whose Run started the current run
    this.current = null; // the cell executing now
    this.warm = false;
    this.cells = elements.map((el) => new Cell(this, el));
  }

  session() {
    this.sessionPromise ||= Promise.resolve()
      .then(() => this.createSession())
      .catch((err) => {
        this.sessionPromise = null;
        throw err;
      });
    return this.sessionPromise;
  }

  /** Start fetching the editor and Python without waiting for them (idle time, focus). */
  warmUp() {
    if (this.warm) return;
    this.warm = true;
    loadEditor().catch(() => {});
    this.session()
      .then((session) => session.warmUp && session.warmUp())
      .catch(() => {});
  }

  /** Load Python now (a reader focused an editor): they are about to run something. */
  preload() {
    loadEditor().catch(() => {});
    this.session()
      .then((session) => session.ensureLoaded())
      .catch(() => {});
  }

  #updateButtons() {
    for (const cell of this.cells) {
      const canStop = this.busy && (cell === this.initiator || cell === this.current);
      setDisabled(cell.runButton, this.busy);
      setDisabled(cell.stopButton, !canStop);
    }
  }

  async run(cell) {
    if (this.busy) {
      if (cell !== this.initiator && cell !== this.current) cell.say(this.s.busy);
      return;
    }
    this.busy = true;
    this.stopRequested = false;
    this.initiator = cell;
    cell.setState("starting"); // at once: the click has been taken
    this.preload(); // Python loads while the editor chunk arrives, not after it
    this.#updateButtons();
    const generation = this.generation;
    try {
      await this.#run(cell, generation);
    } catch (err) {
      if (generation === this.generation) this.#loadFailed(cell, err);
    } finally {
      if (generation === this.generation) {
        this.busy = false;
        this.initiator = null;
        this.current = null;
        this.#updateButtons();
      }
    }
  }

  async #run(cell, generation) {
    const s = this.s;
    const stale = () => generation !== this.generation;
    cell.setHint("");
    cell.retryButton.hidden = true;
    await cell.toEditor();
    if (stale()) return;
    const session = await this.#ready(cell, generation);
    if (!session || stale()) return;
    if (this.stopRequested) {
      cell.setState("stopped");
      cell.say(s.stopped);
      return;
    }
    // A standalone cell (a widget's) needs nothing defined by the examples before it.
    const earlier = cell.data.standalone
      ? []
      : this.cells.filter((c) => c.index < cell.index && !c.ran && !c.data.standalone);
    if (earlier.length) cell.say(s.runningEarlier(earlier.map((c) => c.index)));
    for (const previous of earlier) {
      await previous.toEditor();
      if (stale()) return;
      const outcome = await this.#execute(previous, session, generation);
      if (stale()) return;
      if (outcome.status === "stopped") {
        previous.say(s.stopped);
        cell.setState("stopped");
        cell.say(s.stoppedEarlier(previous.index));
        return;
      }
      previous.say(outcome.status === "error" ? s.earlierError(previous.index) : s.ranBefore(cell.index));
      if (outcome.status === "error") cell.say(s.earlierError(previous.index));
    }
    const outcome = await this.#execute(cell, session, generation);
    if (stale()) return;
    if (outcome.status === "empty") cell.say(s.nothingToRun);
    else if (outcome.status === "ok") cell.say(s.done(outcome.ms));
    else if (outcome.status === "error") cell.say(s.doneError);
    else cell.say(session.state === "restarting" ? s.stoppedRestarting : s.stopped);
  }

  /** The session, loaded; null (and a message with Retry) if Python cannot be loaded. */
  async #ready(cell, generation) {
    const s = this.s;
    const session = await this.session();
    if (session.state === "ready" || session.state === "running") return session;
    cell.setState("loading");
    cell.say(session.state === "restarting" ? s.restarting : s.loading);
    cell.showProgress([null]);
    try {
      await session.ensureLoaded((...args) => {
        if (generation === this.generation) cell.showProgress(args);
      });
    } finally {
      cell.hideProgress();
    }
    return session;
  }

  #loadFailed(cell, err) {
    console.warn("infotheory cells: Python could not be loaded:", err);
    cell.hideProgress();
    cell.setState("failed");
    // The runtime's RuntimeLoadError messages are localized and written for readers.
    const reason = err && err.name === "RuntimeLoadError" && err.message ? err.message : this.s.loadFailed;
    cell.say(`${reason} ${cell.builtOutput() ? this.s.builtKept : ""}`.trim());
    cell.retryButton.hidden = false;
  }

  async #execute(cell, session, generation) {
    const { splitStatements } = await loadEditor();
    this.current = cell;
    this.#updateButtons();
    cell.startOutput();
    cell.setState("running");
    cell.say(this.s.running); // (an earlier cell's run is reported in that cell's own status)
    const started = performance.now();
    const onOutput = (chunk) => {
      if (generation === this.generation) cell.output.append(chunk.stream, chunk.text);
    };
    // Each top-level statement is a run of its own (echoed like after ">>>", replayed on
    // its own after a Stop), all sent to Python in one round trip; after an error the
    // next statements still run, as doctest does.
    const statements = splitStatements(cell.code());
    let status = statements.length ? "ok" : "empty";
    const results = statements.length && !this.stopRequested
      ? await session.runStatements(statements, { onOutput })
      : [];
    if (generation !== this.generation) return { status: "stale" };
    if (this.stopRequested && statements.length) status = "stopped";
    for (const result of results) {
      if (result.status === "stopped") {
        status = "stopped";
        break;
      }
      if (result.status === "error") {
        status = "error";
        if (!result.error?.traceback && result.error?.message) cell.output.append("stderr", `${result.error.message}\n`);
      }
    }
    cell.ran = true;
    cell.setState(status === "empty" ? "done" : status === "ok" ? "done" : status);
    if (status === "error") cell.setHint(this.#hint(cell.output.stderr));
    return { status, ms: performance.now() - started };
  }

  #hint(stderr) {
    if (/\bModuleNotFoundError\b/.test(stderr)) return this.s.hintModule;
    if (/\bMemoryError\b/.test(stderr)) return this.s.hintMemory;
    if (/\bNameError\b/.test(stderr)) return this.s.hintName;
    return "";
  }

  async stop(cell) {
    if (!this.busy || this.stopRequested) return;
    this.stopRequested = true;
    const target = this.current || cell;
    target.say(this.s.stopping);
    const session = this.sessionPromise && (await this.sessionPromise.catch(() => null));
    // While loading there is nothing to interrupt: the run just will not start. Otherwise
    // the run in progress resolves "stopped" at once, and stop() itself resolves once
    // Python is ready again (restarted, earlier runs replayed, if it had to restart).
    if (!session || session.state === "idle" || session.state === "loading") return;
    const generation = this.generation;
    let outcome;
    try {
      outcome = await session.stop();
    } catch {
      return; // the restart failed: the next Run reports it (and offers Retry)
    }
    if (generation !== this.generation || outcome.how !== "restart") return;
    if (target.el.dataset.state === "stopped" && !this.busy) {
      target.say(outcome.failed == null ? this.s.stoppedReady : this.s.stoppedReplayFailed);
    }
  }

  async reset(cell) {
    const s = this.s;
    this.generation++;
    this.stopRequested = true;
    const wasBusy = this.busy;
    this.busy = false;
    this.initiator = null;
    this.current = null;
    cell.say(s.resetting);
    const session = this.sessionPromise && (await this.sessionPromise.catch(() => null));
    for (const c of this.cells) c.toStatic();
    this.#updateButtons();
    if (session && session.state !== "idle") {
      if (wasBusy) await session.stop().catch(() => {});
      await session.reset().catch(() => {});
    }
    cell.say(s.resetDone);
  }

  /**
   * "Send to code" from a widget (frontend/widgets/): write `code` into the cell right after
   * `host` (made on first use, numbered after the page's examples) and run it. Such a cell
   * is standalone: running it does not run the earlier examples, nor do they run it.
   * Resolves once the run has started; returns the cell's element.
   */
  send(host, code) {
    let cell = this.cells.find((c) => c.host === host);
    if (cell) {
      cell.setCode(code);
    } else {
      const number = Math.max(0, ...this.cells.map((c) => c.index)) + 1;
      const data = JSON.stringify({ code, examples: [], standalone: true });
      const node = el("div", { class: "cell cell--widget", "data-cell": number }, [
        el("div", { class: "language-python highlight" }, [el("pre", {}, [el("code")])]),
        el("script", { type: "application/json", class: "cell-data" }, [data]),
      ]);
      host.after(node);
      cell = new Cell(this, node);
      cell.host = host;
      cell.setCode(code);
      this.cells.push(cell);
    }
    this.run(cell);
    return cell.el;
  }

  dispose() {
    this.generation++;
    for (const cell of this.cells) cell.destroy();
    const session = this.sessionPromise;
    this.sessionPromise = null;
    session?.then((s) => s.dispose && s.dispose()).catch(() => {});
  }
}
