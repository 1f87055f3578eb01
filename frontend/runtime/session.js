// session.js: the page-side API of the in-browser Python runtime. A STABLE CONTRACT:
// the cells UI is written against it; change it only compatibly.
//
// Served at <site>/assets/runtime/session.js (copied there by hooks/pyodide_assets.py).
//
//   import { getSession } from "<base_url>/assets/runtime/session.js";
//   const session = getSession();            // the page's one interpreter (lazy: fetches nothing yet)
//   session.warmUp();                        // optional: preload once the page is idle
//   editor.addEventListener("focus", () => session.ensureLoaded().catch(() => {}));
//   const result = await session.run(code, { onOutput: ({ stream, text }) => show(stream, text) });
//
// createSession(options?) -> Session        a new, independent session
// getSession(options?)    -> Session        the page's shared session (created on first call)
//   options.assetsUrl  URL of the site's assets/ folder (default: the folder above this file)
//   options.lang       "en" | "es" for the error messages (default: <html lang>)
//   options.interrupt  use SharedArrayBuffer interrupts (default: crossOriginIsolated)
//   options.loadTimeoutMs  give up loading after this long WITHOUT progress (default 120000)
//   options.interruptGraceMs  how long Stop waits for KeyboardInterrupt to land before it
//                      restarts the worker anyway (default 2000)
//   options.spareAfterMs  without interrupts, once a run has lasted this long, load a spare
//                      worker in the background, so that Stop only has to replay; it is
//                      kept (one at most) for the next Stop (default 250; null: never)
//   options.createWorker(url), options.fetch(url, init)   test hooks
//
// Session (an EventTarget)
//   state        "idle" | "loading" | "ready" | "running" | "restarting" | "failed"
//   error        the RuntimeLoadError of the last failed load, else null
//   info         {pyodide, python, numpy, infotheory} versions once loaded, else null
//   canInterrupt true when Stop interrupts in place (cross-origin isolated page)
//   replayable   number of runs Stop's restart would replay
//
//   ensureLoaded(onProgress?) -> Promise<info>
//       Load Pyodide + numpy + infotheory once (every caller shares the same load).
//       onProgress({stage, fraction, message}): stage "runtime" | "packages" | "wheels" |
//       "startup", fraction 0..1 over the whole load. Rejects with a RuntimeLoadError
//       (err.code "unsupported" | "network" | "integrity" | "timeout" | "python";
//       err.message is localized and meant for readers). After a failure the next call
//       (or run) retries from scratch.
//   warmUp()
//       After the load event, when the browser is idle (requestIdleCallback), start
//       ensureLoaded() in the background; skipped under Save-Data. Errors are kept in
//       state/error, never thrown.
//   run(code, {onOutput}?) -> Promise<RunResult>
//       Runs are queued, one at a time, in one namespace shared by all the page's cells.
//       Loads first if needed (rejects with RuntimeLoadError if that fails). Each
//       top-level statement runs like after a ">>>" prompt: a bare expression prints its
//       repr. onOutput({stream: "stdout" | "stderr", text}) streams output in order.
//       RunResult = {
//         status: "ok" | "error" | "stopped",
//         output: [{stream, text}, ...],   // everything streamed, adjacent same-stream merged
//         error?: {type, message, traceback, line},  // status "error"; the traceback text
//                                          // was ALSO streamed on stderr: don't print twice
//         truncated: boolean,              // more than 1e6 characters of output: rest dropped
//         cancelled?: true,                // status "stopped" before it started (Stop)
//         durationMs: number,
//       }
//   runStatements(codes, {onOutput}?) -> Promise<RunResult[]>
//       Like run() for each code in turn (a cell's top-level statements, each echoed and
//       replayed on its own), in one round trip to the worker; it goes on after an error,
//       as doctest does, and ends at a "stopped" one. One result per code that ran (all
//       of them, unless one was stopped); each result's `output` is its own.
//   stop() -> Promise<{how: "none" | "interrupt" | "restart", replayed, failed}>
//       Stops the running code and cancels queued runs (they resolve "stopped").
//       Cross-origin isolated: KeyboardInterrupt in place, state kept. Otherwise (or if the
//       interrupt does not land within interruptGraceMs, e.g. inside a long numpy call):
//       the worker is terminated, the spare worker takes over (or a new one is loaded, from
//       the HTTP cache), and the code of every run that succeeded since the last reset is
//       run again, silently, so the namespace comes back; the promise resolves once that
//       is done. `failed` is the index of a replayed run that did not succeed again
//       (replay stops there), else null.
//   reset() -> Promise<void>
//       Fresh namespace (imports stay cached); forgets the replay history. Queued.
//   dispose()
//       Terminate the workers (the page is going away); pending runs resolve "stopped".
//
// Events (session.addEventListener(type, e => e.detail)):
//   "statechange" {state, previous, error}
//   "progress"    {stage, fraction, message}
//   "restart"     {phase: "start" | "done" | "failed", reason: "stop" | "crash",
//                  replayed, total, failed, error}
//
// Output is plain text everywhere; the UI must insert it with textContent, never as HTML.

const MESSAGES = {
  en: {
    unsupported:
      "This browser cannot run the examples: it lacks WebAssembly or module Web Workers. " +
      "A recent Firefox, Chrome, Edge or Safari can.",
    network: "Python could not be downloaded ({detail}). Check the connection and try again.",
    integrity:
      "A file of the Python runtime did not match its checksum ({detail}), so it was not " +
      "run. Reload the page and try again.",
    timeout:
      "Loading Python stalled (no progress for {seconds} s). Check the connection and try again.",
    python: "Python started but could not set up the examples ({detail}).",
    crashed: "Python stopped unexpectedly ({detail}); it has been restarted.",
  },
  es: {
    unsupported:
      "Este navegador no puede ejecutar los ejemplos: no admite WebAssembly o los Web " +
      "Workers de módulo. Un Firefox, Chrome, Edge o Safari reciente sí puede.",
    network:
      "No se pudo descargar Python ({detail}). Comprueba la conexión y vuelve a intentarlo.",
    integrity:
      "Un archivo del entorno de Python no coincide con su suma de comprobación ({detail}), " +
      "así que no se ha ejecutado. Recarga la página y vuelve a intentarlo.",
    timeout:
      "La carga de Python se ha detenido (sin avances durante {seconds} s). Comprueba la " +
      "conexión y vuelve a intentarlo.",
    python: "Python ha arrancado, pero no ha podido preparar los ejemplos ({detail}).",
    crashed: "Python se detuvo de forma inesperada ({detail}); se ha reiniciado.",
  },
};

export class RuntimeLoadError extends Error {
  constructor(code, lang, detail = "", extra = {}) {
    const table = MESSAGES[lang] || MESSAGES.en;
    const template = table[code] || table.network;
    const message = template
      .replace("{detail}", detail || "?")
      .replace("{seconds}", String(extra.seconds ?? ""));
    super(message);
    this.name = "RuntimeLoadError";
    this.code = code;
    this.detail = detail;
  }
}

const DEFAULTS = { loadTimeoutMs: 120000, interruptGraceMs: 2000, spareAfterMs: 250 };

function pageLanguage() {
  const lang = (globalThis.document?.documentElement?.lang || "en").slice(0, 2).toLowerCase();
  return lang in MESSAGES ? lang : "en";
}

function supported() {
  return typeof WebAssembly === "object" && typeof Worker === "function";
}

function mergeChunk(output, chunk) {
  const last = output[output.length - 1];
  if (last && last.stream === chunk.stream) last.text += chunk.text;
  else output.push({ ...chunk });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Session extends EventTarget {
  constructor(options = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.lang = options.lang || pageLanguage();
    this.assetsUrl = new URL(options.assetsUrl || new URL("../", import.meta.url), globalThis.location?.href);
    if (!this.assetsUrl.href.endsWith("/")) this.assetsUrl = new URL(this.assetsUrl.href + "/");
    this.state = "idle";
    this.error = null;
    this.info = null;
    const wantInterrupt = options.interrupt ?? globalThis.crossOriginIsolated === true;
    this.canInterrupt = Boolean(wantInterrupt && typeof SharedArrayBuffer === "function");
    this._interrupt = this.canInterrupt ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this._worker = null;
    this._spare = null; // {worker, ready}: a second worker loaded for Stop to switch to
    this._manifest = null;
    this._ready = null; // promise: the worker can take user code (load or restart, incl. replay)
    this._requests = new Map(); // id -> {resolve, reject, onChunks, output}
    this._nextId = 1;
    this._history = []; // code of the runs that succeeded since the last reset
    this._queue = Promise.resolve();
    this._epoch = 0; // bumped by stop(): queued runs of an older epoch are cancelled
    this._current = null; // {id, done} of the run in progress
    this._progressListeners = new Set();
    this._warm = false;
  }

  get replayable() {
    return this._history.length;
  }

  // ------------------------------------------------------------------ loading

  ensureLoaded(onProgress) {
    if (onProgress) {
      this._progressListeners.add(onProgress);
    }
    if (!this._ready || this.state === "failed") {
      this._ready = this._load();
      this._ready.catch(() => {}); // kept in state/error; callers get the rejection too
    }
    const ready = this._ready;
    if (onProgress) {
      ready.then(
        () => this._progressListeners.delete(onProgress),
        () => this._progressListeners.delete(onProgress),
      );
    }
    return ready;
  }

  warmUp() {
    if (this._warm || this.state !== "idle") return;
    this._warm = true;
    if (globalThis.navigator?.connection?.saveData) return;
    const idle = globalThis.requestIdleCallback
      ? (fn) => globalThis.requestIdleCallback(fn, { timeout: 10000 })
      : (fn) => setTimeout(fn, 1500);
    const start = () => idle(() => this.ensureLoaded().catch(() => {}));
    const doc = globalThis.document;
    if (!doc || doc.readyState === "complete") start();
    else globalThis.addEventListener("load", start, { once: true });
  }

  async _load() {
    this._setState("loading");
    try {
      const { ready } = this._startWorker();
      const info = await ready;
      // a retry after a failed restart brings the namespace back too
      if (this._history.length) await this._replay();
      this.error = null;
      this._setState("ready");
      return info;
    } catch (err) {
      const error = err instanceof RuntimeLoadError
        ? err
        : new RuntimeLoadError("network", this.lang, String(err?.message || err));
      this.error = error;
      this._setState("failed", error);
      throw error;
    }
  }

  /** Run the successful runs again, silently, in one round trip; keep those that succeed again. */
  async _replay() {
    const history = this._history.slice();
    if (!history.length) return { replayed: 0, failed: null, total: 0 };
    const { result } = await this._request({ type: "runMany", codes: history, stopOnError: true });
    const replayed = result.filter((r) => r.status === "ok").length;
    const failed = replayed < history.length ? replayed : null;
    this._history = history.slice(0, replayed);
    return { replayed, failed, total: history.length };
  }

  async _fetchManifest() {
    const url = new URL("pyodide/manifest.json", this.assetsUrl);
    const fetchImpl = this.options.fetch || globalThis.fetch.bind(globalThis);
    let response;
    try {
      response = await fetchImpl(url.href, { cache: "no-cache" });
    } catch (err) {
      throw new RuntimeLoadError("network", this.lang, `manifest.json: ${err?.message || err}`);
    }
    if (!response.ok) {
      throw new RuntimeLoadError("network", this.lang, `manifest.json: HTTP ${response.status}`);
    }
    return { manifest: await response.json(), manifestURL: url.href };
  }

  /**
   * Spawn a worker and load the engine in it: {worker, ready}, ready resolving to info.
   * The worker becomes the session's at once, or (a spare) only when _restart adopts it.
   */
  _startWorker({ spare = false } = {}) {
    const slot = { worker: null, ready: null };
    slot.ready = this._spawn(slot, spare);
    return slot;
  }

  async _spawn(slot, spare) {
    if (!this.options.createWorker && !supported()) {
      throw new RuntimeLoadError("unsupported", this.lang, "WebAssembly/Worker");
    }
    if (!this._manifest) this._manifest = await this._fetchManifest();
    const { manifest, manifestURL } = this._manifest;
    const workerURL = new URL(`runtime/worker.js?v=${manifest.build}`, this.assetsUrl);
    let worker;
    try {
      worker = this.options.createWorker
        ? this.options.createWorker(workerURL)
        : new Worker(workerURL, { type: "module", name: spare ? "python (spare)" : "python" });
    } catch (err) {
      throw new RuntimeLoadError("unsupported", this.lang, String(err?.message || err));
    }
    slot.worker = worker;
    if (!spare) this._worker = worker;
    worker.onmessage = (event) => this._onMessage(worker, event.data);
    worker.onerror = (event) => {
      event?.preventDefault?.();
      this._onWorkerError(worker, event?.message || "worker error");
    };
    worker.onmessageerror = () => this._onWorkerError(worker, "message error");

    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      let timer = null;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this._requests.delete(id);
          this._kill(worker);
          const seconds = Math.round(this.options.loadTimeoutMs / 1000);
          reject(new RuntimeLoadError("timeout", this.lang, "", { seconds }));
        }, this.options.loadTimeoutMs);
      };
      arm();
      this._requests.set(id, {
        kind: "init",
        worker,
        onProgress: spare ? null : (detail) => {
          arm();
          this._emit("progress", detail);
          for (const listener of this._progressListeners) {
            try {
              listener(detail);
            } catch {}
          }
        },
        resolve: (info) => {
          clearTimeout(timer);
          if (!spare) this.info = info;
          resolve(info);
        },
        reject: (error) => {
          clearTimeout(timer);
          this._kill(worker);
          reject(error);
        },
      });
      worker.postMessage({
        type: "init",
        id,
        manifest,
        manifestURL,
        interruptBuffer: this._interrupt,
      });
    });
  }

  _onMessage(worker, message) {
    const request = this._requests.get(message.id) ||
      (message.type === "failed"
        ? [...this._requests.values()].find((r) => r.kind === "init" && r.worker === worker)
        : null);
    if (!request || request.worker !== worker) return; // e.g. a terminated worker's last words
    switch (message.type) {
      case "progress":
        request.onProgress?.({
          stage: message.stage,
          fraction: message.fraction,
          message: message.message,
        });
        break;
      case "ready":
        this._requests.delete(message.id);
        request.resolve(message.info);
        break;
      case "failed": {
        this._requests.delete(message.id);
        const { code, message: detail } = message.error || {};
        request.reject(new RuntimeLoadError(code || "network", this.lang, detail));
        break;
      }
      case "output": {
        const output = (request.outputs[message.run ?? 0] ||= []);
        for (const [stream, text] of message.chunks) {
          const chunk = { stream, text };
          mergeChunk(output, chunk);
          try {
            request.onOutput?.(chunk);
          } catch {}
        }
        break;
      }
      case "partial": // one run of a runMany request is over
        request.partials[message.run] = { ...message.result, output: request.outputs[message.run] || [] };
        if (message.result.status === "ok" && request.codes) this._history.push(request.codes[message.run]);
        break;
      case "result":
        this._requests.delete(message.id);
        request.resolve(
          Array.isArray(message.result)
            ? message.result.map((r, i) => ({ ...r, output: request.outputs[i] || [] }))
            : { ...message.result, output: request.outputs[0] || [] },
        );
        break;
    }
  }

  _onWorkerError(worker, detail) {
    const requests = [...this._requests.entries()];
    const init = requests.find(([, r]) => r.kind === "init" && r.worker === worker);
    if (init) {
      // during loading: an old browser without module workers lands here
      this._requests.delete(init[0]);
      init[1].reject(new RuntimeLoadError(supported() ? "network" : "unsupported", this.lang, detail));
      return;
    }
    if (worker === this._spare?.worker) {
      this._kill(worker); // a broken spare is dropped; the next long run makes another
      this._spare = null;
    } else if (worker === this._worker && this._current) {
      this._crash(detail);
    }
  }

  _kill(worker) {
    try {
      worker?.terminate();
    } catch {}
    if (this._worker === worker) this._worker = null;
  }

  _request(message, onOutput) {
    const id = this._nextId++;
    const worker = this._worker;
    return new Promise((resolve, reject) => {
      this._requests.set(id, {
        kind: message.type,
        worker,
        resolve,
        reject,
        onOutput,
        outputs: [], // per run: [{stream, text}, ...]
        partials: [], // runMany: the results of the runs over so far
        codes: message.type === "runMany" && message.record ? message.codes : null,
      });
      worker.postMessage({ ...message, id });
    }).then((result) => ({ id, result }));
  }

  // ------------------------------------------------------------------ running

  run(code, { onOutput } = {}) {
    const epoch = this._epoch;
    const job = this._queue.then(() => this._run(String(code), onOutput, epoch));
    this._queue = job.catch(() => {});
    return job;
  }

  runStatements(codes, { onOutput } = {}) {
    const epoch = this._epoch;
    const list = [...codes].map(String);
    const job = this._queue.then(() => this._run(list, onOutput, epoch, true));
    this._queue = job.catch(() => {});
    return job;
  }

  async _run(code, onOutput, epoch, many = false) {
    if (epoch !== this._epoch) return many ? [this._cancelled()] : this._cancelled();
    await this.ensureLoaded();
    if (epoch !== this._epoch) return many ? [this._cancelled()] : this._cancelled();
    this._setState("running");
    const id = this._nextId; // the id _request is about to use
    let finish;
    const done = new Promise((resolve) => (finish = resolve));
    this._current = { id, done, onOutput };
    const spareTimer = this._interrupt || this.options.spareAfterMs == null
      ? null
      : setTimeout(() => this._prepareSpare(), this.options.spareAfterMs);
    let result;
    try {
      // runMany records each successful statement in the history as it ends, so that a
      // Stop in a later one replays the earlier ones
      const message = many
        ? { type: "runMany", codes: code, stopOnError: false, record: true }
        : { type: "run", code };
      ({ result } = await this._request(message, onOutput));
    } finally {
      clearTimeout(spareTimer);
      this._current = null;
      finish();
    }
    const results = many ? result : [result];
    if (!many && result.status === "ok") this._history.push(code);
    if (results.some((r) => r.error?.type === "InternalError")) {
      // Pyodide itself broke (e.g. out of memory): start over, with the state replayed
      await this._restart("crash").catch(() => {});
    } else if (this.state === "running") {
      this._setState("ready");
    }
    return result;
  }

  _cancelled() {
    return { status: "stopped", cancelled: true, output: [], truncated: false, durationMs: 0 };
  }

  async stop() {
    this._epoch += 1; // queued runs will resolve "stopped" without running
    const current = this._current;
    if (!current) return { how: "none", replayed: 0, failed: null };
    if (this._interrupt) {
      Atomics.store(this._interrupt, 0, 2); // SIGINT -> KeyboardInterrupt in the worker
      const landed = await Promise.race([
        current.done.then(() => true),
        sleep(this.options.interruptGraceMs).then(() => false),
      ]);
      if (landed) return { how: "interrupt", replayed: 0, failed: null };
    }
    return this._restart("stop");
  }

  /** A run is taking long: load a spare worker now, so a Stop need not wait for one. */
  _prepareSpare() {
    if (this._spare || !this._current) return;
    const slot = this._startWorker({ spare: true });
    this._spare = slot;
    slot.ready.catch(() => {
      this._kill(slot.worker);
      if (this._spare === slot) this._spare = null;
    });
  }

  /** Terminate the worker, switch to the spare (or load a new one), replay the successful runs. */
  _restart(reason, detail = "") {
    const request = this._current && this._requests.get(this._current.id);
    if (this._current) this._requests.delete(this._current.id);
    const old = this._worker;
    this._kill(old);
    for (const [id, pending] of this._requests) {
      if (pending.worker !== old) continue; // the spare's own loading goes on
      this._requests.delete(id);
      pending.reject?.(new RuntimeLoadError("crashed", this.lang, reason));
    }
    const spare = this._spare;
    this._spare = null;
    if (request) {
      const result = reason === "crash"
        ? {
            status: "error",
            error: {
              type: "RuntimeCrash",
              message: new RuntimeLoadError("crashed", this.lang, detail || "?").message,
              traceback: "",
              line: null,
            },
          }
        : { status: "stopped" };
      this._settle(request, result);
    }
    const total = this._history.length;
    this._setState("restarting");
    this._emit("restart", { phase: "start", reason, replayed: 0, total, failed: null });
    const restarted = (async () => {
      let outcome;
      try {
        let info = null;
        if (spare) {
          this._worker = spare.worker; // may still be loading: its requests wait in order
          info = await spare.ready.catch(() => {
            this._kill(spare.worker);
            return null;
          });
        }
        if (!info) info = await this._startWorker().ready;
        this.info = info;
        outcome = await this._replay();
      } catch (err) {
        const error = err instanceof RuntimeLoadError
          ? err
          : new RuntimeLoadError("network", this.lang, String(err?.message || err));
        this.error = error;
        this._setState("failed", error);
        this._emit("restart", { phase: "failed", reason, replayed: 0, total, failed: null, error });
        throw error;
      }
      this.error = null;
      this._setState("ready");
      this._emit("restart", { phase: "done", reason, ...outcome });
      return { how: "restart", replayed: outcome.replayed, failed: outcome.failed };
    })();
    this._ready = restarted.then(() => this.info);
    this._ready.catch(() => {});
    return restarted;
  }

  /**
   * End a run request the worker will never answer (Stop, crash, dispose) with `result`:
   * for runMany, after the results of the runs that were over.
   */
  _settle(request, result) {
    const unfinished = request.partials.length; // runs end in order
    const last = { ...result, truncated: false, durationMs: 0, output: request.outputs[unfinished] || [] };
    request.resolve(request.kind === "runMany" ? [...request.partials, last] : last);
  }

  _crash(detail) {
    this._restart("crash", detail).catch(() => {});
  }

  dispose() {
    this._epoch += 1;
    const request = this._current && this._requests.get(this._current.id);
    if (request) this._settle(request, { status: "stopped" });
    for (const slot of [this._spare, { worker: this._worker }]) this._kill(slot?.worker);
    this._spare = null;
    this._requests.clear();
    this._setState("idle");
    this._ready = null;
  }

  reset() {
    const job = this._queue.then(async () => {
      this._history = [];
      if (this.state === "idle" || this.state === "failed" || !this._worker) return;
      await this.ensureLoaded();
      await this._request({ type: "reset" });
    });
    this._queue = job.catch(() => {});
    return job;
  }

  // ------------------------------------------------------------------ plumbing

  _setState(state, error = null) {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    this._emit("statechange", { state, previous, error });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export function createSession(options = {}) {
  return new Session(options);
}

let shared = null;

/** The page's one shared session: every cell of the page uses the same interpreter. */
export function getSession(options = {}) {
  if (!shared) shared = new Session(options);
  return shared;
}
