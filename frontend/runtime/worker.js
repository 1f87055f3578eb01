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
// The message protocol is engine.js's.

const pending = [];
self.onmessage = (event) => pending.push(event); // until engine.js is imported

const version = new URL(self.location.href).search; // ?v=<build>: fresh after a deploy

import(new URL(`./engine.js${version}`, import.meta.url)).then(
  ({ createEngine, serveWorkerProtocol, EngineError }) => {
    serveWorkerProtocol(self, (message, progress) =>
      init(message, progress, createEngine, EngineError),
    );
    for (const event of pending.splice(0)) self.onmessage(event);
  },
  (err) => {
    self.postMessage({
      type: "failed",
      id: pending[0]?.data?.id,
      error: { code: "network", message: `engine.js: ${err?.message || err}` },
    });
  },
);

async function init({ manifest, manifestURL }, progress, createEngine, EngineError) {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    throw new EngineError("unsupported", "WebAssembly is not available");
  }
  const indexURL = new URL(manifest.indexURL, manifestURL).href;
  const integrity = new Map(
    Object.entries(manifest.integrity).map(([file, hash]) => [new URL(file, indexURL).href, hash]),
  );
  const mismatches = installIntegrityFetch(integrity);
  // Pyodide asks for the package wheels only once Python has started; fetch them now,
  // alongside everything else (fetch() hands these responses to Pyodide when it asks).
  const packageWheels = (manifest.packageWheels || []).map((file) => {
    const url = new URL(file, indexURL).href;
    self.fetch.early(url);
    return { url, integrity: integrity.get(url) };
  });
  // The .pyc files of those wheels (pyodide_bytecode.mjs), written next to their sources.
  const bytecode = manifest.bytecode
    ? { url: new URL(manifest.bytecode.file, manifestURL).href, integrity: manifest.bytecode.integrity }
    : null;
  if (bytecode) self.fetch.early(bytecode.url, bytecode.integrity);
  // Pyodide asks for these only once pyodide.asm.js is compiled: ask now.
  if (manifest.source === "self" || manifest.indexURL === "./") {
    for (const file of ["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]) {
      self.fetch.early(new URL(file, indexURL).href);
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
    async function fetchBytes(url, hash) {
      let response;
      try {
        response = await self.fetch(url, hash ? { integrity: hash } : {});
      } catch (err) {
        throw new EngineError("network", `${shortName(url)}: ${err.message}`);
      }
      if (!response.ok) {
        throw new EngineError("network", `${shortName(url)}: HTTP ${response.status}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    }

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
    const snapshot = manifest.snapshot && typeof DecompressionStream === "function"
      ? fetchBytes(new URL(manifest.snapshot.file, manifestURL).href, manifest.snapshot.integrity)
        .then((bytes) => inflate(bytes, manifest.snapshot.encoding))
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

/** The bytes, decompressed ("gzip") by unzip.js's DecompressionStream helper. */
async function inflate(bytes, encoding) {
  if (!encoding) return bytes;
  const { inflate: decompress } = await import(new URL(`./unzip.js${version}`, import.meta.url));
  return decompress(bytes, encoding);
}

function shortName(url) {
  return String(url).split("/").pop().split("?")[0];
}

/**
 * Make fetch() add the known integrity to Pyodide's own requests, and fix wasm's type.
 * fetch.early(url) starts a request now, with its integrity; the first fetch() of that URL
 * then takes the response (so nothing is downloaded twice).
 * Returns the list of files whose integrity check failed (filled as it happens).
 */
function installIntegrityFetch(integrity) {
  const realFetch = self.fetch.bind(self);
  const mismatches = [];
  const early = new Map(); // url -> Promise<Response>
  const wrapped = async (input, options = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), self.location.href);
    const hash = integrity.get(url.href);
    const withHash = hash && !options.integrity ? { ...options, integrity: hash } : options;
    let response;
    try {
      const started = early.get(url.href);
      early.delete(url.href);
      // a failed early request is made again, so that its error is reported as usual
      response = started ? await started.catch(() => realFetch(input, withHash))
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
  wrapped.early = (url, hash = integrity.get(url)) => {
    const promise = realFetch(url, hash ? { integrity: hash } : {});
    promise.catch(() => {}); // reported when Pyodide asks for it
    early.set(url, promise);
  };
  self.fetch = wrapped;
  return mismatches;
}

function watchConsoleFor(patterns, makeError) {
  let reject;
  const promise = new Promise((_, r) => (reject = r));
  const original = { warn: console.warn, error: console.error };
  for (const level of ["warn", "error"]) {
    console[level] = (...args) => {
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
