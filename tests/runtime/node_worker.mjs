// A worker_threads stand-in for worker.js, for the node tests of session.js.
//
// It speaks the same protocol through the same engine.js and runner.py, and loads the
// same staged files (.cache/pyodide/node/assets/); only the browser-specific loading of
// worker.js (blob imports, fetch with integrity) is replaced by node's file access.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parentPort } from "node:worker_threads";

import { createEngine, serveWorkerProtocol } from "../../frontend/runtime/engine.js";
import { readSnapshot } from "./pyodide_node.mjs";

const scope = {
  postMessage: (message) => parentPort.postMessage(message),
  set onmessage(handler) {
    parentPort.on("message", (data) => handler({ data }));
  },
};

serveWorkerProtocol(scope, async ({ manifest, manifestURL }, progress) => {
  const indexURL = new URL(manifest.indexURL, manifestURL);
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  return createEngine({
    loadPyodide,
    indexURL: fileURLToPath(indexURL) + "/",
    packages: manifest.packages,
    packageWheels: (manifest.packageWheels || []).map((file) => ({ url: new URL(file, indexURL).href })),
    bytecode: manifest.bytecode ? { url: new URL(manifest.bytecode.file, manifestURL).href } : null,
    wheels: manifest.wheels.map((w) => ({ url: new URL(w.file, manifestURL).href })),
    runnerSource: await readFile(new URL(manifest.runner.file, manifestURL), "utf8"),
    fetchBytes: async (url) => new Uint8Array(await readFile(new URL(url))),
    snapshot: readSnapshot(fileURLToPath(manifestURL).replace(/[^/]*$/, ""), manifest),
    onProgress: progress,
  });
});

