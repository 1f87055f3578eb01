// @ts-check
// The Web Worker (type: "module") that runs Python for session.js. One per page.
//
// It fetches everything through the manifest that hooks/pyodide_assets.py wrote next to
// the Pyodide files (<site>/assets/pyodide/manifest.json), with subresource integrity:
//
// * pyodide.mjs and pyodide.asm.js are fetched with `integrity` and imported from blob:
//   URLs, so what runs is exactly what was hashed at build time (pyodide.mjs skips
//   loading pyodide.asm.js itself once `_createPyodideModule` exists);
// * the worker's fetch() adds the manifest's `integrity` to every request Pyodide makes
//   for pyodide.asm.wasm, python_stdlib.zip and pyodide-lock.json;
// * Pyodide checks each package wheel (numpy) against the sha256 of that verified lock;
// * the infotheory wheel and runner.py are fetched with their own integrity;
// * so is snapshot.bin.gz, a memory snapshot of Pyodide started, which engine.js restores
//   instead of starting CPython (the slowest step of loading; see pyodide_snapshot.mjs).
//
// The same code serves both `extra.pyodide.source` settings of mkdocs.yml: "self" (the
// files are on this site) and "cdn" (indexURL is jsDelivr's copy of the same release).
// The message protocol is protocol.js's, served by engine.js.

/** @typedef {import("./protocol.js").WorkerRequest} WorkerRequest */
/** @typedef {import("./protocol.js").InitRequest} InitRequest */
/** @typedef {import("./engine.js").OnProgress} OnProgress */
/** @typedef {typeof import("./engine.js")} EngineModule */

/**
 * What this file uses of the worker's global scope (a DedicatedWorkerGlobalScope), named
 * here so that the file is also checked where the DOM's types are (tsconfig.json), not
 * only the WebWorker ones (tsconfig.worker.json).
 * @typedef {object} Scope
 * @property {import("./engine.js").WorkerScope["postMessage"]} postMessage
 * @property {((event: {data: WorkerRequest}) => void) | null} onmessage
 * @property {{href: string}} location
 * @property {typeof fetch} fetch
 */

/** @type {Scope} */
const scope = /** @type {Scope} */ (self);

/** @type {{data: WorkerRequest}[]} */
const pending = [];
scope.onmessage = (event) => pending.push(event); // until engine.js is imported

const version = new URL(scope.location.href).search; // ?v=<build>: fresh after a deploy

/** @type {Promise<EngineModule>} */ (import(new URL(`./engine.js${version}`, import.meta.url).href)).then(
  ({ createEngine, serveWorkerProtocol, EngineError }) => {
    serveWorkerProtocol(scope, (message, progress) =>
      init(message, progress, createEngine, EngineError),
    );
    for (const event of pending.splice(0)) scope.onmessage?.(event);
  },
  (err) => {
    scope.postMessage({
      type: "failed",
      id: pending[0]?.data?.id,
      error: { code: "network", message: `engine.js: ${err?.message || err}` },
    });
  },
);

/**
 * Load the engine from the files the manifest names, each checked against its hash.
 *
 * @param {InitRequest} message
 * @param {OnProgress} progress
 * @param {EngineModule["createEngine"]} createEngine
 * @param {EngineModule["EngineError"]} EngineError
 */
async function init({ manifest, manifestURL }, progress, createEngine, EngineError) {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    throw new EngineError("unsupported", "WebAssembly is not available");
  }
  const indexURL = new URL(manifest.indexURL, manifestURL).href;
  const integrity = new Map(
    Object.entries(manifest.integrity).map(([file, hash]) => [new URL(file, indexURL).href, hash]),
  );
  const { mismatches, early } = installIntegrityFetch(integrity);
  // Pyodide asks for the package wheels only once Python has started; fetch them now,
  // alongside everything else (fetch() hands these responses to Pyodide when it asks).
  const packageWheels = (manifest.packageWheels || []).map((file) => {
    const url = new URL(file, indexURL).href;
    early(url);
    return { url, integrity: integrity.get(url) };
  });
  // The .pyc files of those wheels (pyodide_bytecode.mjs), written next to their sources.
  const bytecode = manifest.bytecode
    ? { url: new URL(manifest.bytecode.file, manifestURL).href, integrity: manifest.bytecode.integrity }
    : null;
  if (bytecode) early(bytecode.url, bytecode.integrity);
  // Pyodide asks for these only once pyodide.asm.js is compiled: ask now.
  if (manifest.source === "self" || manifest.indexURL === "./") {
    for (const file of ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]) {
      early(new URL(file, indexURL).href);
    }
  }
  try {
    return await load();
  } catch (err) {
    // A failed integrity check looks like a network error; the wrapper told them apart.
    if (mismatches.length) throw new EngineError("integrity", [...new Set(mismatches)].join(", "));
    throw err;
  }

  async function load() {
    /**
     * @param {string} url
     * @param {string} [hash]  its SRI integrity
     */
    async function fetchBytes(url, hash) {
      let response;
      try {
        response = await scope.fetch(url, hash ? { integrity: hash } : {});
      } catch (err) {
        throw new EngineError("network", `${shortName(url)}: ${/** @type {Error} */ (err).message}`);
      }
      if (!response.ok) {
        throw new EngineError("network", `${shortName(url)}: HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    }

    /**
     * Import a module from bytes checked against their hash (so: from a blob: URL).
     *
     * @param {string} file  under indexURL
     * @param {Promise<Uint8Array<ArrayBuffer>>} [download]  its bytes, if already asked for
     * @returns {Promise<any>}
     */
    async function importVerified(file, download) {
      const url = new URL(file, indexURL).href;
      const bytes = await (download || fetchBytes(url, integrity.get(url)));
      const blobURL = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
      try {
        return await import(blobURL);
      } finally {
        URL.revokeObjectURL(blobURL);
      }
    }

    // The memory snapshot downloads while pyodide.asm.js is fetched and compiled.
    const snapshotFile = manifest.snapshot;
    const snapshot = snapshotFile && typeof DecompressionStream === "function"
      ? fetchBytes(new URL(snapshotFile.file, manifestURL).href, snapshotFile.integrity)
        .then((bytes) => inflate(bytes, snapshotFile.encoding))
        .catch((err) => {
          console.warn(`Python: no memory snapshot (${err?.message || err}); starting normally`);
          return null;
        })
      : null;

    const runnerURL = new URL(manifest.runner.file, manifestURL);
    runnerURL.search = `?v=${manifest.build}`;
    const runner = fetchBytes(runnerURL.href, manifest.runner.integrity);
    runner.catch(() => {}); // awaited below
    const asmURL = new URL("pyodide.asm.js", indexURL).href;
    const asm = fetchBytes(asmURL, integrity.get(asmURL));
    asm.catch(() => {}); // awaited below

    progress("runtime", 0, "pyodide.mjs");
    const { loadPyodide } = await importVerified("pyodide.mjs");
    await importVerified("pyodide.asm.js", asm); // defines globalThis._createPyodideModule
    const runnerSource = new TextDecoder().decode(await runner);
    const wheels = manifest.wheels.map((wheel) => {
      const url = new URL(wheel.file, manifestURL);
      url.search = `?v=${wheel.sha256.slice(0, 16)}`; // the file name alone is not unique
      return { url: url.href, integrity: wheel.integrity };
    });

    // Pyodide only logs (and then waits forever) when the wasm or the stdlib fails.
    const fatal = watchConsoleFor(
      [/wasm instantiation failed/i, /error occurred while installing the standard library/i],
      (text) => new EngineError("network", `pyodide.asm.wasm / python_stdlib.zip: ${text}`),
    );
    try {
      return await Promise.race([
        createEngine({
          loadPyodide,
          indexURL,
          packages: manifest.packages,
          packageWheels,
          bytecode,
          wheels,
          runnerSource,
          fetchBytes,
          snapshot,
          onProgress: progress,
          pyodideOptions: { lockFileURL: new URL("pyodide-lock.json", indexURL).href },
        }),
        fatal.promise,
      ]);
    } finally {
      fatal.stop();
    }
  }
}

/**
 * The bytes, decompressed ("gzip") by unzip.js's DecompressionStream helper.
 *
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {string} [encoding]  none: the bytes as they are
 */
async function inflate(bytes, encoding) {
  if (!encoding) return bytes;
  const unzip = /** @type {Promise<typeof import("./unzip.js")>} */ (
    import(new URL(`./unzip.js${version}`, import.meta.url).href)
  );
  const { inflate: decompress } = await unzip;
  return decompress(bytes, /** @type {CompressionFormat} */ (encoding));
}

/** @param {string} url */
function shortName(url) {
  return String(url).split("/").pop()?.split("?")[0] ?? "";
}

/**
 * Make fetch() add the known integrity to Pyodide's own requests, and fix wasm's type.
 * Returns {mismatches, early}: the list of files whose integrity check failed (filled as
 * it happens), and early(url), which starts a request now, with its integrity; the first
 * fetch() of that URL then takes the response (so nothing is downloaded twice).
 *
 * @param {Map<string, string>} integrity  URL -> SRI hash
 */
function installIntegrityFetch(integrity) {
  const realFetch = scope.fetch.bind(scope);
  /** @type {string[]} */
  const mismatches = [];
  /** @type {Map<string, Promise<Response>>} */
  const started = new Map();
  /** @type {typeof fetch} */
  const wrapped = async (input, options = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), scope.location.href);
    const hash = integrity.get(url.href);
    const withHash = hash && !options.integrity ? { ...options, integrity: hash } : options;
    let response;
    try {
      const request = started.get(url.href);
      started.delete(url.href);
      // a failed early request is made again, so that its error is reported as usual
      response = request ? await request.catch(() => realFetch(input, withHash))
        : await realFetch(input, withHash);
    } catch (err) {
      if (withHash.integrity) {
        // reachable without the check? then the bytes were not the expected ones
        const probe = await realFetch(url.href, { method: "HEAD", cache: "no-store" }).catch(() => null);
        if (probe?.ok) mismatches.push(shortName(url.href));
      }
      throw err;
    }
    // WebAssembly.instantiateStreaming insists on this type; some servers send another.
    if (response.ok && url.pathname.endsWith(".wasm")
        && response.headers.get("Content-Type") !== "application/wasm") {
      response = new Response(await response.arrayBuffer(), {
        status: 200,
        headers: { "Content-Type": "application/wasm" },
      });
    }
    return response;
  };
  /**
   * @param {string} url
   * @param {string} [hash]
   */
  const early = (url, hash = integrity.get(url)) => {
    const promise = realFetch(url, hash ? { integrity: hash } : {});
    promise.catch(() => {}); // reported when Pyodide asks for it
    started.set(url, promise);
  };
  scope.fetch = wrapped;
  return { mismatches, early };
}

/**
 * A promise that rejects with makeError(text) once console.warn or console.error writes
 * a text that matches one of the patterns; stop() puts the console back.
 *
 * @param {RegExp[]} patterns
 * @param {(text: string) => Error} makeError
 */
function watchConsoleFor(patterns, makeError) {
  /** @type {(error: Error) => void} */
  let reject = () => {};
  /** @type {Promise<never>} */
  const promise = new Promise((_, r) => (reject = r));
  const original = { warn: console.warn, error: console.error };
  for (const level of /** @type {const} */ (["warn", "error"])) {
    console[level] = (/** @type {unknown[]} */ ...args) => {
      const text = args.map(String).join(" ");
      if (patterns.some((p) => p.test(text))) reject(makeError(text));
      original[level].apply(console, args);
    };
  }
  return {
    promise,
    stop() {
      Object.assign(console, original);
    },
  };
}
