// @ts-check
// channel.js: the page's end of one Python worker (the messages are protocol.js's).
//
// A WorkerChannel owns its worker and the requests in flight on it: it hands out the
// request ids (nobody else makes one up), pairs each reply with its request, collects
// a run's streamed output, and is the one place where what goes wrong with a worker
// (a failed load, a stalled one, an error event, a terminated worker) becomes a
// RuntimeLoadError or a run's result. What to do about it (retry, restart, replay) is
// the session's business.

import { RuntimeLoadError, describe } from "./errors.js";

/** @typedef {import("./protocol.js").WorkerRequest} WorkerRequest */
/** @typedef {import("./protocol.js").WorkerReply} WorkerReply */
/** @typedef {import("./protocol.js").InitRequest} InitRequest */
/** @typedef {import("./protocol.js").EngineInfo} EngineInfo */
/** @typedef {import("./protocol.js").Progress} Progress */
/** @typedef {import("./protocol.js").Chunk} Chunk */
/** @typedef {import("./protocol.js").WireResult} WireResult */
/** @typedef {import("./protocol.js").RunResult} RunResult */

/**
 * What a channel needs of a worker: a browser Worker, or the node tests' adaptor.
 * @typedef {Pick<Worker, "postMessage" | "terminate" | "onmessage" | "onerror" | "onmessageerror">} WorkerLike
 */

/**
 * A request in flight; `result` settles once, with the worker's answer or with the
 * outcome close() gives it.
 * @template T
 * @typedef {object} Call
 * @property {number} id
 * @property {Promise<T>} result
 */

/**
 * How a channel ends (close):
 *   "stop"   Stop: the run given ends "stopped"; other requests reject ("crashed")
 *   "crash"  the worker broke: the run ends with a RuntimeCrash error; others reject
 *   "drop"   nothing more is wanted of it (dispose, a spare): the run ends "stopped";
 *            other requests are left unanswered
 * @typedef {"stop" | "crash" | "drop"} Ending
 */

/**
 * @typedef {object} Pending  a request of this channel that has not been answered
 * @property {WorkerRequest["type"]} kind
 * @property {(value: any) => void} resolve
 * @property {(error: RuntimeLoadError) => void} reject
 * @property {(progress: Progress) => void} [onProgress]
 * @property {(chunk: Chunk) => void} [onOutput]
 * @property {(result: RunResult, index: number) => void} [onPartial]
 * @property {Chunk[][]} outputs  per run (one for "run"): its output so far
 * @property {RunResult[]} partials  runMany: the results of the runs over so far
 * @property {() => void} [stopTimer]  init: disarm the load timeout
 */

/** Whether this browser has what the worker needs at all. */
export function supported() {
  return typeof WebAssembly === "object" && typeof Worker === "function";
}

/**
 * @param {Chunk[]} output
 * @param {Chunk} chunk
 */
function mergeChunk(output, chunk) {
  const last = output[output.length - 1];
  if (last && last.stream === chunk.stream) last.text += chunk.text;
  else output.push({ ...chunk });
}

/**
 * Start a worker and open a channel to it. Throws RuntimeLoadError("unsupported") if the
 * worker cannot be created.
 *
 * @param {URL} url  worker.js
 * @param {object} options
 * @param {string} options.lang  of the error messages
 * @param {string} options.name  the worker's name (shown by the browser's dev tools)
 * @param {(url: URL) => WorkerLike} [options.createWorker]  instead of new Worker (tests)
 * @param {(channel: WorkerChannel, detail: string) => void} [options.onError]
 *   the worker reported an error while it was not loading (loading failures reject init)
 */
export function openChannel(url, { lang, name, createWorker, onError }) {
  let worker;
  try {
    worker = createWorker ? createWorker(url) : new Worker(url, { type: "module", name });
  } catch (err) {
    throw new RuntimeLoadError("unsupported", lang, describe(err));
  }
  return new WorkerChannel(worker, { lang, onError });
}

export class WorkerChannel {
  /**
   * @param {WorkerLike} worker
   * @param {{lang: string, onError?: (channel: WorkerChannel, detail: string) => void}} options
   */
  constructor(worker, { lang, onError }) {
    this.worker = worker;
    this.lang = lang;
    this._onError = onError;
    /** @type {Map<number, Pending>} */
    this._pending = new Map();
    this._nextId = 1;
    this._closed = false;
    worker.onmessage = (event) => this._receive(event.data);
    worker.onerror = (event) => {
      event?.preventDefault?.();
      this._workerError(event?.message || "worker error");
    };
    worker.onmessageerror = () => this._workerError("message error");
  }

  /** True once the worker is terminated: nothing more can be asked of it. */
  get closed() {
    return this._closed;
  }

  /**
   * Load the engine in the worker. Rejects with a RuntimeLoadError (and terminates the
   * worker) if the load fails, or makes no progress for `timeoutMs`.
   *
   * @param {Omit<InitRequest, "type" | "id">} payload
   * @param {{timeoutMs: number, onProgress?: (progress: Progress) => void}} options
   * @returns {Promise<EngineInfo>}
   */
  init(payload, { timeoutMs, onProgress }) {
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this._pending.delete(id);
          this._terminate();
          reject(new RuntimeLoadError("timeout", this.lang, "", { seconds: Math.round(timeoutMs / 1000) }));
        }, timeoutMs);
      };
      arm();
      this._pending.set(id, {
        kind: "init",
        outputs: [],
        partials: [],
        stopTimer: () => clearTimeout(timer),
        onProgress: (progress) => {
          arm();
          onProgress?.(progress);
        },
        resolve: (info) => {
          clearTimeout(timer);
          resolve(info);
        },
        reject: (error) => {
          clearTimeout(timer);
          this._terminate();
          reject(error);
        },
      });
      this._post({ type: "init", id, ...payload });
    });
  }

  /**
   * Run one code; onOutput({stream, text}) gets its output as it comes.
   *
   * @param {string} code
   * @param {{onOutput?: (chunk: Chunk) => void}} [options]
   * @returns {Call<RunResult>}
   */
  run(code, { onOutput } = {}) {
    return this._call((id) => ({ type: "run", id, code }), { onOutput });
  }

  /**
   * Run each code in turn, in one round trip; onPartial(result, index) as each one ends.
   *
   * @param {string[]} codes
   * @param {object} [options]
   * @param {boolean} [options.stopOnError]  end at the first run that does not succeed
   * @param {(chunk: Chunk) => void} [options.onOutput]
   * @param {(result: RunResult, index: number) => void} [options.onPartial]
   * @returns {Call<RunResult[]>}
   */
  runMany(codes, { stopOnError = false, onOutput, onPartial } = {}) {
    return this._call((id) => ({ type: "runMany", id, codes, stopOnError }), { onOutput, onPartial });
  }

  /**
   * A fresh namespace in the worker (imports stay cached).
   *
   * @returns {Promise<void>}
   */
  async reset() {
    await this._call((id) => ({ type: "reset", id })).result;
  }

  /**
   * Terminate the worker and end what is in flight on it (see Ending). `run`, a call of
   * this channel still unanswered, ends with a result: for runMany, after the results of
   * the runs that were over.
   *
   * @param {Ending} [ending]
   * @param {{run?: Call<unknown> | null, detail?: string}} [options]  detail: the crash's
   */
  close(ending = "drop", { run = null, detail = "" } = {}) {
    const pending = [...this._pending.entries()];
    this._pending.clear();
    this._terminate();
    const current = run ? pending.find(([id]) => id === run.id)?.[1] : undefined;
    for (const [, request] of pending) {
      request.stopTimer?.();
      if (request === current || ending === "drop") continue;
      request.reject(new RuntimeLoadError("crashed", this.lang, ending));
    }
    if (!current) return;
    /** @type {Pick<WireResult, "status" | "error">} */
    const outcome = ending === "crash"
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
    const unfinished = current.partials.length; // runs end in order
    /** @type {RunResult} */
    const last = { ...outcome, truncated: false, durationMs: 0, output: current.outputs[unfinished] || [] };
    current.resolve(current.kind === "runMany" ? [...current.partials, last] : last);
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * @param {(id: number) => WorkerRequest} make  the request, given its id
   * @param {Pick<Pending, "onOutput" | "onPartial">} [handlers]
   * @returns {Call<any>}
   */
  _call(make, handlers = {}) {
    const id = this._nextId++;
    const message = make(id);
    const result = new Promise((resolve, reject) => {
      this._pending.set(id, { kind: message.type, resolve, reject, outputs: [], partials: [], ...handlers });
      this._post(message);
    });
    return { id, result };
  }

  /** @param {WorkerRequest} message */
  _post(message) {
    this.worker.postMessage(message);
  }

  _terminate() {
    this._closed = true;
    try {
      this.worker.terminate();
    } catch {
      // already gone: terminating is all that was wanted
    }
  }

  /** The request the worker is loading the engine for, if any. */
  _init() {
    for (const [id, request] of this._pending) if (request.kind === "init") return { id, request };
    return null;
  }

  /** @param {WorkerReply} message */
  _receive(message) {
    if (this._closed) return; // a terminated worker's last words
    const id = message.id;
    let request = id === undefined ? undefined : this._pending.get(id);
    if (!request && message.type === "failed") request = this._init()?.request; // id unknown
    if (!request) return;
    switch (message.type) {
      case "progress":
        request.onProgress?.({ stage: message.stage, fraction: message.fraction, message: message.message });
        break;
      case "ready":
        this._forget(request);
        request.resolve(message.info);
        break;
      case "failed": {
        this._forget(request);
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
          } catch {
            // a listener's error must not lose the rest of the output
          }
        }
        break;
      }
      case "partial": { // one run of a runMany request is over
        const partial = { ...message.result, output: request.outputs[message.run] || [] };
        request.partials[message.run] = partial;
        request.onPartial?.(partial, message.run);
        break;
      }
      case "result": {
        this._forget(request);
        const { result } = message;
        request.resolve(
          Array.isArray(result)
            ? result.map((r, i) => ({ ...r, output: request.outputs[i] || [] }))
            : { ...result, output: request.outputs[0] || [] },
        );
        break;
      }
    }
  }

  /** @param {Pending} request */
  _forget(request) {
    for (const [id, pending] of this._pending) if (pending === request) this._pending.delete(id);
  }

  /** @param {string} detail */
  _workerError(detail) {
    const init = this._init();
    if (init) {
      // during loading: an old browser without module workers lands here
      this._pending.delete(init.id);
      init.request.reject(new RuntimeLoadError(supported() ? "network" : "unsupported", this.lang, detail));
      return;
    }
    this._onError?.(this, detail);
  }
}
