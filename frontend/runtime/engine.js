// @ts-check
// The Python engine behind one page: Pyodide + numpy + infotheory + runner.py.
//
// Environment-neutral (no DOM, no fetch of its own): worker.js uses it in the browser's
// Web Worker, tests/runtime/ under node with node's Pyodide. Two parts:
//
//   createEngine(options)      load Pyodide, the packages, the wheels and the runner;
//                              returns {info, run(code, onChunks), reset(), setInterruptBuffer}
//   serveWorkerProtocol(scope, init)
//                              the worker's side of the message protocol with the page
//                              (protocol.js; the page's side is channel.js)

/** @typedef {import("./protocol.js").WorkerRequest} WorkerRequest */
/** @typedef {import("./protocol.js").WorkerReply} WorkerReply */
/** @typedef {import("./protocol.js").InitRequest} InitRequest */
/** @typedef {import("./protocol.js").EngineInfo} EngineInfo */
/** @typedef {import("./protocol.js").EngineErrorCode} EngineErrorCode */
/** @typedef {import("./protocol.js").Stage} Stage */
/** @typedef {import("./protocol.js").WireChunk} WireChunk */
/** @typedef {import("./protocol.js").WireResult} WireResult */
/** @typedef {import("pyodide").PyodideInterface} Pyodide */
/** @typedef {{url: string, integrity?: string}} Download */
/** @typedef {(stage: Stage, fraction: number, message: string) => void} OnProgress */

/**
 * @typedef {object} Engine
 * @property {EngineInfo} info
 * @property {Pyodide} pyodide
 * @property {(code: string, onChunks?: (chunks: WireChunk[]) => void) => WireResult} run
 * @property {(codes: string[], onChunks?: (chunks: WireChunk[], run: number) => void,
 *   options?: {stopOnError?: boolean, onResult?: (result: WireResult, run: number) => void}) => WireResult[]} runMany
 * @property {() => void} reset
 * @property {(buffer: Int32Array | Uint8Array | null | undefined) => void} setInterruptBuffer
 */

/**
 * Where a protocol is served: `self` in a Web Worker, an adaptor in the node tests.
 * @typedef {object} WorkerScope
 * @property {(message: WorkerReply) => void} postMessage
 * @property {((event: {data: WorkerRequest}) => void) | null} onmessage
 */

/**
 * Stages of loading and the share of the progress bar each one ends at.
 * @type {Record<Stage, number>}
 */
export const STAGES = {
  runtime: 0.6, // pyodide.asm.wasm + python_stdlib.zip, compiled and started
  packages: 0.85, // numpy (from the Pyodide distribution, checked against its lock)
  wheels: 0.9, // the infotheory wheel of this site
  startup: 1.0, // import numpy, infotheory; the runner
};

export class EngineError extends Error {
  /**
   * @param {EngineErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "EngineError";
    this.code = code; // "network" | "integrity" | "unsupported" | "python"
  }
}

/**
 * Load everything and return the engine.
 *
 * @param {object} o
 * @param {typeof import("pyodide").loadPyodide} o.loadPyodide  pyodide.mjs's loadPyodide
 * @param {string} o.indexURL            where pyodide.asm.* and the lock live
 * @param {string[]} o.packages          Pyodide packages to load (["numpy"])
 * @param {Download[]} [o.packageWheels]  their wheels: if given,
 *                                       unzipped in JS into site-packages (unzip.js) instead
 *                                       of pyodide.loadPackage (only for packages without
 *                                       shared libraries of their own; the build checks)
 * @param {Download[]} o.wheels  extra wheels (infotheory)
 * @param {Download | null} [o.bytecode]  a zip of .pyc files for those
 *                                       wheels, paths relative to site-packages
 *                                       (pyodide_bytecode.mjs): importing skips compiling
 * @param {string} o.runnerSource        text of runner.py
 * @param {(url: string, integrity?: string) => Promise<Uint8Array>} o.fetchBytes
 * @param {OnProgress} [o.onProgress]
 * @param {{lockFileURL?: string}} [o.pyodideOptions]  passed on to loadPyodide
 * @param {Promise<Uint8Array|null> | null} [o.snapshot]  a memory snapshot of Pyodide started
 *                                       (frontend/pyodide_snapshot.mjs): restoring it skips
 *                                       CPython's start-up. If it is missing or does not
 *                                       restore, Pyodide starts the usual way; info.snapshot
 *                                       says which happened.
 * @returns {Promise<Engine>}
 */
export async function createEngine(o) {
  /**
   * @param {Stage} stage
   * @param {string} message
   * @param {number} [within]  how far into the stage
   */
  const progress = (stage, message, within = 1) => {
    const names = /** @type {Stage[]} */ (Object.keys(STAGES));
    const start = names.indexOf(stage) > 0 ? STAGES[names[names.indexOf(stage) - 1]] : 0;
    const fraction = start + (STAGES[stage] - start) * within;
    o.onProgress?.(stage, Math.round(fraction * 1000) / 1000, message);
  };
  // Writes that bypass sys.stdout/sys.stderr (C level) still reach the current run.
  /** @type {any} runner.py's Session, a PyProxy */
  let session = null;
  /** @param {"stdout" | "stderr"} stream */
  const fallback = (stream) => (/** @type {string} */ line) => {
    if (session) session.write(stream, line + "\n");
  };

  progress("runtime", "Python", 0);
  const options = {
    indexURL: o.indexURL,
    stdout: fallback("stdout"),
    stderr: fallback("stderr"),
    ...(o.pyodideOptions || {}),
  };
  // The wheels download while Python starts, and are unzipped (unzip.js) once it has:
  // unzipping meanwhile would only slow the start, on the same thread.
  /** @type {() => void} */
  let started = () => {};
  /** @type {Promise<void>} */
  const pythonStarted = new Promise((resolve) => (started = resolve));
  // (A browser without DecompressionStream gets the wheels unpacked by Pyodide instead.)
  const native = typeof DecompressionStream === "function";
  /** @type {Map<string, Promise<{archive: Uint8Array} | {name: string, bytes: Uint8Array}[]>>} */
  const unzipping = new Map();
  /** @param {Download} wheel */
  const unzipped = (wheel) => {
    if (!unzipping.has(wheel.url)) {
      const download = o.fetchBytes(wheel.url, wheel.integrity);
      download.catch(() => {});
      const promise = (async () => {
        if (!native) return { archive: await download };
        const { unzip } = await import(new URL(`./unzip.js${new URL(import.meta.url).search}`, import.meta.url).href);
        const bytes = await download;
        await pythonStarted;
        try {
          return await unzip(bytes);
        } catch (err) {
          throw new EngineError("network", `${shortName(wheel.url)}: ${describe(err)}`);
        }
      })();
      promise.catch(() => {}); // reported when install() awaits it
      unzipping.set(wheel.url, promise);
    }
    return /** @type {NonNullable<ReturnType<typeof unzipping.get>>} */ (unzipping.get(wheel.url));
  };
  const early = native ? [...(o.packageWheels || []), ...o.wheels, ...(o.bytecode ? [o.bytecode] : [])] : o.wheels;
  for (const wheel of early) unzipped(wheel);

  /** @type {Pyodide | null} */
  let fromSnapshot = null;
  const snapshot = o.snapshot ? await o.snapshot.catch(() => null) : null;
  if (snapshot) {
    try {
      // `_loadSnapshot` is experimental: typed in pyodide.d.ts, but not in its public docs
      fromSnapshot = await o.loadPyodide({ ...options, _loadSnapshot: snapshot });
    } catch (err) {
      // An experimental Pyodide option: never let it cost the reader their examples. An
      // error, not a warning: the snapshot is made by this site's build, so it is a defect
      // (and the browser tests fail on console errors).
      console.error(`Python: the memory snapshot did not restore (${describe(err)}); starting normally`);
    }
  }
  const restored = fromSnapshot !== null;
  const pyodide = fromSnapshot ?? (await o.loadPyodide(options));
  // The snapshot holds the state of the `random` module it was taken with: every reader
  // would get the same "random" numbers. Seed it afresh from the browser's entropy.
  if (restored) pyodide.runPython("import random; random.seed()");
  pyodide.setStdout({ batched: fallback("stdout") });
  pyodide.setStderr({ batched: fallback("stderr") });
  pyodide.setStdin({ error: true }); // input() raises instead of blocking forever
  progress("runtime", "Python");
  started();

  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  /**
   * @param {Download[]} wheels
   * @param {Stage} stage
   */
  const install = async (wheels, stage) => {
    let done = 0;
    await Promise.all(wheels.map(async (wheel) => {
      const files = await unzipped(wheel);
      if ("archive" in files) {
        pyodide.unpackArchive(files.archive, "wheel", { extractDir: sitePackages });
      } else {
        for (const { name, bytes: data } of files) {
          const path = `${sitePackages}/${name}`;
          pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
          pyodide.FS.writeFile(path, data, { canOwn: true });
        }
      }
      progress(stage, shortName(wheel.url), ++done / wheels.length);
    }));
  };

  progress("packages", o.packages.join(", "), 0);
  if (o.packageWheels && native) {
    await install(o.packageWheels, "packages");
  } else {
    /** @type {string[]} */
    const failures = [];
    await pyodide.loadPackage(o.packages, {
      messageCallback: () => {},
      errorCallback: (message) => failures.push(message),
    });
    const missing = o.packages.filter((name) => !(name in pyodide.loadedPackages));
    if (missing.length) {
      throw new EngineError(
        failures.some((m) => /integrity|hash|sha256/i.test(m)) ? "integrity" : "network",
        `could not load ${missing.join(", ")}: ${failures.join("; ") || "unknown error"}`,
      );
    }
  }
  progress("packages", o.packages.join(", "));
  progress("wheels", "", 0);
  await install(o.bytecode && native ? [...o.wheels, o.bytecode] : o.wheels, "wheels");
  progress("wheels", "");

  progress("startup", "import numpy, infotheory", 0);
  const load = pyodide.runPython(`
import importlib, sys, types
def _load_runner(source):
    importlib.invalidate_caches()
    module = types.ModuleType("_site_runner")
    module.__file__ = "<site-runner>"
    exec(compile(source, module.__file__, "exec", dont_inherit=True), module.__dict__)
    sys.modules[module.__name__] = module
    return module
_load_runner`);
  const runner = load(o.runnerSource);
  load.destroy();
  /** @type {EngineInfo} */
  let info;
  try {
    info = JSON.parse(runner.versions());
  } catch (err) {
    throw new EngineError("python", `import numpy, infotheory failed: ${describe(err)}`);
  }
  info.pyodide = pyodide.version;
  info.snapshot = restored;
  session = runner.Session();
  progress("startup", "");

  /** @type {Int32Array | Uint8Array | null} */
  let interruptBuffer = null;
  /** @type {Engine} */
  const engine = {
    info,
    pyodide,
    /** Run code; onChunks([[stream, text], ...]) streams output; resolves to the result. */
    run(code, onChunks) {
      if (interruptBuffer) interruptBuffer[0] = 0;
      const emit = (/** @type {string} */ json) => onChunks?.(JSON.parse(json));
      return JSON.parse(session.run(code, emit));
    },
    /** Run each code in turn (see runMany in the protocol); resolves to their results. */
    runMany(codes, onChunks, { stopOnError = false, onResult } = {}) {
      /** @type {WireResult[]} */
      const results = [];
      for (const [i, code] of codes.entries()) {
        const result = engine.run(code, (chunks) => onChunks?.(chunks, i));
        results.push(result);
        onResult?.(result, i);
        if (result.status === "stopped" || (stopOnError && result.status !== "ok")) break;
      }
      return results;
    },
    reset() {
      session.reset();
    },
    /** A SharedArrayBuffer-backed Int32Array/Uint8Array: writing 2 raises KeyboardInterrupt. */
    setInterruptBuffer(buffer) {
      interruptBuffer = buffer || null;
      // (undefined turns interrupts off, which pyodide.d.ts does not say)
      pyodide.setInterruptBuffer(/** @type {Int32Array} */ (buffer || undefined));
    },
  };
  return engine;
}

/** @param {string} url */
function shortName(url) {
  return String(url).split("/").pop()?.split("?")[0] ?? "";
}

/**
 * The message of an error, or the thing itself as text.
 *
 * @param {unknown} err
 */
function describe(err) {
  const message = /** @type {{message?: unknown} | null | undefined} */ (err)?.message;
  return String(message || err);
}

/**
 * Serve the protocol (protocol.js) on a worker scope. `init(message, progress)` must
 * resolve to an engine made by createEngine.
 *
 * @param {WorkerScope} scope
 * @param {(message: InitRequest, progress: OnProgress) => Promise<Engine>} init
 */
export function serveWorkerProtocol(scope, init) {
  /** @type {Engine | null} */
  let engine = null;
  /** @type {Promise<void>} */
  let queue = Promise.resolve();
  /** @param {WorkerReply} message */
  const post = (message) => scope.postMessage(message);

  /** @param {WorkerRequest} message */
  async function handle(message) {
    const { type, id } = message;
    if (type === "init") {
      try {
        engine = await init(message, (stage, fraction, text) =>
          post({ type: "progress", id, stage, fraction, message: text }),
        );
        if (message.interruptBuffer) engine.setInterruptBuffer(message.interruptBuffer);
        post({ type: "ready", id, info: engine.info });
      } catch (err) {
        const code = /** @type {{code?: EngineErrorCode} | null | undefined} */ (err)?.code;
        post({ type: "failed", id, error: { code: code || "network", message: describe(err) } });
      }
    } else if (type === "run") {
      if (!engine) throw new Error("run before init");
      const result = engine.run(message.code, (chunks) => post({ type: "output", id, chunks }));
      post({ type: "result", id, result });
    } else if (type === "runMany") {
      if (!engine) throw new Error("run before init");
      /** @type {(chunks: WireChunk[], run: number) => void} */
      const emit = (chunks, run) => post({ type: "output", id, run, chunks });
      /** @type {(result: WireResult, run: number) => void} */
      const onResult = (result, run) => post({ type: "partial", id, run, result });
      const result = engine.runMany(message.codes, emit, { stopOnError: message.stopOnError, onResult });
      post({ type: "result", id, result });
    } else if (type === "reset") {
      engine?.reset();
      post({ type: "result", id, result: { status: "ok", truncated: false, durationMs: 0 } });
    }
  }

  scope.onmessage = (event) => {
    queue = queue.then(() => handle(event.data)).catch((err) => {
      post({
        type: "result",
        id: event.data?.id,
        result: {
          status: "error",
          error: { type: "InternalError", message: describe(err), traceback: "", line: null },
          truncated: false,
          durationMs: 0,
        },
      });
    });
  };
}
