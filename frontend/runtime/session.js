// @ts-check
// session.js: the page-side API of the in-browser Python runtime. A STABLE CONTRACT:
// the cells UI is written against it; change it only compatibly.
//
// Served at <site>/assets/runtime/session.js, with its sibling modules (every .js file of
// frontend/runtime/ is copied there by the build's pyodide step).
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
//
// The parts: errors.js (RuntimeLoadError, its messages in English and Spanish),
// channel.js (one worker: request ids, replies, and what a worker's failure becomes),
// protocol.js (the messages, as types); this file keeps the session's own logic: the
// run queue, Stop, restart and replay, the spare worker, warm-up. It is longer than 400
// lines because of the contract above and the JSDoc types: that logic is one state
// machine (loading, the queue, Stop, restart, replay share the same state), and cutting
// it further would spread that state over modules.

import { openChannel, supported } from "./channel.js";
import { RuntimeLoadError, asLoadError, pageLanguage } from "./errors.js";

export { RuntimeLoadError };

/** @typedef {import("./protocol.js").Chunk} Chunk */
/** @typedef {import("./protocol.js").RunResult} RunResult */
/** @typedef {import("./protocol.js").EngineInfo} EngineInfo */
/** @typedef {import("./protocol.js").Progress} Progress */
/** @typedef {import("./protocol.js").Manifest} Manifest */
/** @typedef {import("./channel.js").WorkerChannel} WorkerChannel */
/** @typedef {import("./channel.js").WorkerLike} WorkerLike */
/**
 * @template T
 * @typedef {import("./channel.js").Call<T>} Call
 */

/** @typedef {"idle" | "loading" | "ready" | "running" | "restarting" | "failed"} State */

/**
 * @typedef {object} SessionOptions  (see the top of this file)
 * @property {string | URL} [assetsUrl]
 * @property {string} [lang]
 * @property {boolean} [interrupt]
 * @property {number} [loadTimeoutMs]
 * @property {number} [interruptGraceMs]
 * @property {number | null} [spareAfterMs]
 * @property {(url: URL) => WorkerLike} [createWorker]
 * @property {(url: string, init?: RequestInit) => Promise<Response>} [fetch]
 */

/** @typedef {{onOutput?: (chunk: Chunk) => void}} RunOptions */

/** @typedef {{how: "none" | "interrupt" | "restart", replayed: number, failed: number | null}} StopOutcome */

/**
 * @typedef {object} Slot  a worker being started: the session's, or a spare for Stop
 * @property {WorkerChannel | null} channel  null until the worker exists
 * @property {Promise<EngineInfo>} ready
 */

const DEFAULTS = { loadTimeoutMs: 120000, interruptGraceMs: 2000, spareAfterMs: 250 };

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const ignore = () => {}; // for promises whose failure is reported elsewhere (state, error)

export class Session extends EventTarget {
  /** @param {SessionOptions} [options] */
  constructor(options = {}) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.lang = options.lang || pageLanguage();
    this.assetsUrl = new URL(options.assetsUrl || new URL("../", import.meta.url), globalThis.location?.href);
    if (!this.assetsUrl.href.endsWith("/")) this.assetsUrl = new URL(this.assetsUrl.href + "/");
    /** @type {State} */
    this.state = "idle";
    /** @type {RuntimeLoadError | null} */
    this.error = null;
    /** @type {EngineInfo | null} */
    this.info = null;
    const wantInterrupt = options.interrupt ?? globalThis.crossOriginIsolated === true;
    this.canInterrupt = Boolean(wantInterrupt && typeof SharedArrayBuffer === "function");
    this._interrupt = this.canInterrupt ? new Int32Array(new SharedArrayBuffer(4)) : null;
    /** @type {WorkerChannel | null} the worker that takes user code */
    this._channel = null;
    /** @type {Slot | null} a second worker loaded for Stop to switch to */
    this._spare = null;
    /** @type {{manifest: Manifest, manifestURL: string} | null} */
    this._manifest = null;
    /** @type {Promise<EngineInfo> | null} the worker can take user code (load or restart, incl. replay) */
    this._ready = null;
    /** @type {string[]} code of the runs that succeeded since the last reset */
    this._history = [];
    /** @type {Promise<unknown>} */
    this._queue = Promise.resolve();
    this._epoch = 0; // bumped by stop(): queued runs of an older epoch are cancelled
    /** @type {{call: Call<unknown>, done: Promise<void>} | null} the run in progress */
    this._current = null;
    /** @type {Set<(progress: Progress) => void>} */
    this._progressListeners = new Set();
    this._warm = false;
  }

  get replayable() {
    return this._history.length;
  }

  // ------------------------------------------------------------------ loading

  /**
   * @param {(progress: Progress) => void} [onProgress]
   * @returns {Promise<EngineInfo>}
   */
  ensureLoaded(onProgress) {
    if (onProgress) {
      this._progressListeners.add(onProgress);
    }
    if (!this._ready || this.state === "failed") {
      this._ready = this._load();
      this._ready.catch(ignore); // kept in state/error; callers get the rejection too
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
    if (/** @type {{connection?: {saveData?: boolean}} | undefined} */ (globalThis.navigator)?.connection?.saveData) return;
    /** @type {(fn: () => void) => void} */
    const idle = globalThis.requestIdleCallback
      ? (fn) => globalThis.requestIdleCallback(fn, { timeout: 10000 })
      : (fn) => setTimeout(fn, 1500);
    const start = () => idle(() => this.ensureLoaded().catch(ignore));
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
      const error = asLoadError(err, this.lang);
      this.error = error;
      this._setState("failed", error);
      throw error;
    }
  }

  /** Run the successful runs again, silently, in one round trip; keep those that succeed again. */
  async _replay() {
    const history = this._history.slice();
    if (!history.length) return { replayed: 0, failed: null, total: 0 };
    const results = await this._main().runMany(history, { stopOnError: true }).result;
    const replayed = results.filter((r) => r.status === "ok").length;
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
      throw new RuntimeLoadError("network", this.lang, `manifest.json: ${/** @type {Error} */ (err)?.message || err}`);
    }
    if (!response.ok) {
      throw new RuntimeLoadError("network", this.lang, `manifest.json: HTTP ${response.status}`);
    }
    return { manifest: /** @type {Manifest} */ (await response.json()), manifestURL: url.href };
  }

  /**
   * Spawn a worker and load the engine in it: {channel, ready}, ready resolving to info.
   * The worker becomes the session's at once, or (a spare) only when _restart adopts it.
   *
   * @returns {Slot}
   */
  _startWorker({ spare = false } = {}) {
    /** @type {Pick<Slot, "channel">} */
    const slot = { channel: null };
    return Object.assign(slot, { ready: this._spawn(slot, spare) });
  }

  /**
   * @param {Pick<Slot, "channel">} slot  gets the channel as soon as the worker exists
   * @param {boolean} spare
   * @returns {Promise<EngineInfo>}
   */
  async _spawn(slot, spare) {
    if (!this.options.createWorker && !supported()) {
      throw new RuntimeLoadError("unsupported", this.lang, "WebAssembly/Worker");
    }
    if (!this._manifest) this._manifest = await this._fetchManifest();
    const { manifest, manifestURL } = this._manifest;
    const channel = openChannel(new URL(`runtime/worker.js?v=${manifest.build}`, this.assetsUrl), {
      lang: this.lang,
      name: spare ? "python (spare)" : "python",
      createWorker: this.options.createWorker,
      onError: (from, detail) => this._onWorkerError(from, detail),
    });
    slot.channel = channel;
    if (!spare) this._channel = channel;
    const info = await channel.init(
      { manifest, manifestURL, interruptBuffer: this._interrupt },
      { timeoutMs: this.options.loadTimeoutMs, onProgress: spare ? undefined : (detail) => this._progress(detail) },
    );
    if (!spare) this.info = info;
    return info;
  }

  /** @param {Progress} detail */
  _progress(detail) {
    this._emit("progress", detail);
    for (const listener of this._progressListeners) {
      try {
        listener(detail);
      } catch {
        // one listener's error must not keep the others (or the load) from going on
      }
    }
  }

  /**
   * A worker reported an error outside of loading (channel.js rejects the load itself).
   *
   * @param {WorkerChannel} channel
   * @param {string} detail
   */
  _onWorkerError(channel, detail) {
    if (channel === this._spare?.channel) {
      channel.close(); // a broken spare is dropped; the next long run makes another
      this._spare = null;
    } else if (channel === this._channel && this._current) {
      this._crash(detail);
    }
  }

  /** The worker that takes user code. */
  _main() {
    if (!this._channel || this._channel.closed) throw new RuntimeLoadError("crashed", this.lang, "no worker");
    return this._channel;
  }

  // ------------------------------------------------------------------ running

  /**
   * @param {string} code
   * @param {RunOptions} [options]
   * @returns {Promise<RunResult>}
   */
  run(code, { onOutput } = {}) {
    const source = String(code);
    return this._enqueue((epoch) =>
      this._run(epoch, this._cancelled(), () => this._main().run(source, { onOutput }), (result) => {
        if (result.status === "ok") this._history.push(source);
        return [result];
      }),
    );
  }

  /**
   * @param {Iterable<string>} codes
   * @param {RunOptions} [options]
   * @returns {Promise<RunResult[]>}
   */
  runStatements(codes, { onOutput } = {}) {
    const list = [...codes].map(String);
    // each successful statement is recorded in the history as it ends, so that a Stop in
    // a later one replays the earlier ones
    /** @param {RunResult} result @param {number} i */
    const onPartial = (result, i) => {
      if (result.status === "ok") this._history.push(list[i]);
    };
    return this._enqueue((epoch) =>
      this._run(
        epoch,
        [this._cancelled()],
        () => this._main().runMany(list, { stopOnError: false, onOutput, onPartial }),
        (results) => results,
      ),
    );
  }

  /**
   * Queue a job after the others; it gets the epoch it was queued in.
   *
   * @template T
   * @param {(epoch: number) => Promise<T>} work
   * @returns {Promise<T>}
   */
  _enqueue(work) {
    const epoch = this._epoch;
    const job = this._queue.then(() => work(epoch));
    this._queue = job.catch(ignore);
    return job;
  }

  /**
   * One queued run (or runMany), unless a Stop since it was queued cancelled it.
   *
   * @template T
   * @param {number} epoch
   * @param {T} cancelled  the result if it was cancelled
   * @param {() => Call<T>} start  send it to the worker
   * @param {(result: T) => RunResult[]} record  note the successes in the history; the results
   * @returns {Promise<T>}
   */
  async _run(epoch, cancelled, start, record) {
    if (epoch !== this._epoch) return cancelled;
    await this.ensureLoaded();
    if (epoch !== this._epoch) return cancelled;
    this._setState("running");
    /** @type {() => void} */
    let finish = ignore;
    /** @type {Promise<void>} */
    const done = new Promise((resolve) => (finish = resolve));
    const spareTimer = this._interrupt || this.options.spareAfterMs == null
      ? null
      : setTimeout(() => this._prepareSpare(), this.options.spareAfterMs);
    let result;
    try {
      const call = start();
      this._current = { call, done };
      result = await call.result;
    } finally {
      if (spareTimer !== null) clearTimeout(spareTimer);
      this._current = null;
      finish();
    }
    const results = record(result);
    if (results.some((r) => r.error?.type === "InternalError")) {
      // Pyodide itself broke (e.g. out of memory): start over, with the state replayed
      await this._restart("crash").catch(ignore);
    } else if (this.state === "running") {
      this._setState("ready");
    }
    return result;
  }

  /** @returns {RunResult} */
  _cancelled() {
    return { status: "stopped", cancelled: true, output: [], truncated: false, durationMs: 0 };
  }

  /** @returns {Promise<StopOutcome>} */
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
      slot.channel?.close();
      if (this._spare === slot) this._spare = null;
    });
  }

  /**
   * Terminate the worker, switch to the spare (or load a new one), replay the successful runs.
   *
   * @param {"stop" | "crash"} reason
   * @param {string} [detail]  what broke, for a crash
   * @returns {Promise<StopOutcome>}
   */
  _restart(reason, detail = "") {
    // the run in progress ends "stopped" (or with the crash); the rest on that worker fails
    this._channel?.close(reason, { run: this._current?.call, detail });
    this._channel = null;
    const spare = this._spare;
    this._spare = null;
    const total = this._history.length;
    this._setState("restarting");
    this._emit("restart", { phase: "start", reason, replayed: 0, total, failed: null });
    const restarted = (async () => {
      let outcome;
      try {
        /** @type {EngineInfo | null} */
        let info = null;
        if (spare) {
          this._channel = spare.channel; // may still be loading: its requests wait in order
          info = await spare.ready.catch(() => {
            spare.channel?.close();
            return null;
          });
        }
        if (!info) info = await this._startWorker().ready;
        this.info = info;
        outcome = await this._replay();
      } catch (err) {
        const error = asLoadError(err, this.lang);
        this.error = error;
        this._setState("failed", error);
        this._emit("restart", { phase: "failed", reason, replayed: 0, total, failed: null, error });
        throw error;
      }
      this.error = null;
      this._setState("ready");
      this._emit("restart", { phase: "done", reason, ...outcome });
      /** @type {StopOutcome} */
      const stopped = { how: "restart", replayed: outcome.replayed, failed: outcome.failed };
      return stopped;
    })();
    this._ready = restarted.then(() => /** @type {EngineInfo} */ (this.info));
    this._ready.catch(ignore);
    return restarted;
  }

  /** @param {string} detail */
  _crash(detail) {
    this._restart("crash", detail).catch(ignore); // reported by state, error and "restart"
  }

  dispose() {
    this._epoch += 1;
    // the run in progress resolves "stopped"; nothing else is answered any more
    this._channel?.close("drop", { run: this._current?.call });
    this._spare?.channel?.close("drop");
    this._spare = null;
    this._setState("idle");
    this._ready = null;
  }

  /** @returns {Promise<void>} */
  reset() {
    return this._enqueue(async () => {
      this._history = [];
      if (this.state === "idle" || this.state === "failed" || !this._channel || this._channel.closed) return;
      await this.ensureLoaded();
      await this._main().reset();
    });
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * @param {State} state
   * @param {RuntimeLoadError | null} [error]
   */
  _setState(state, error = null) {
    const previous = this.state;
    if (previous === state) return;
    this.state = state;
    this._emit("statechange", { state, previous, error });
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** @param {SessionOptions} [options] */
export function createSession(options = {}) {
  return new Session(options);
}

/** @type {Session | null} */
let shared = null;

/**
 * The page's one shared session: every cell of the page uses the same interpreter.
 *
 * @param {SessionOptions} [options]
 */
export function getSession(options = {}) {
  if (!shared) shared = new Session(options);
  return shared;
}
