// Loading the staged Pyodide under node, shared by the scripts of tests/runtime/.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

import { createEngine } from "../../frontend/runtime/engine.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CACHE = `${ROOT}.cache/pyodide/`;
export const INDEX = `${CACHE}node/assets/pyodide/`; // what the site serves, staged for node

const bytes = async (path) => new Uint8Array(await readFile(path));

/** The site's memory snapshot (manifest.snapshot), gunzipped, as worker.js gives it. */
export async function readSnapshot(directory, manifest) {
  if (!manifest.snapshot) return null;
  const data = await readFile(`${directory}${manifest.snapshot.file}`);
  return new Uint8Array(manifest.snapshot.encoding === "gzip" ? gunzipSync(data) : data);
}

/**
 * The site's engine (engine.js: Pyodide, numpy, the infotheory wheel, runner.py as the
 * module _site_runner), loaded from the staged files, plus the pytest/hypothesis wheels
 * of .cache/pyodide/test-wheels/ when `testWheels` is true.
 */
export async function loadEngine({ testWheels = false, quiet = false } = {}) {
  const manifest = JSON.parse(await readFile(`${INDEX}manifest.json`, "utf8"));
  const { loadPyodide } = await import(`${INDEX}pyodide.mjs`);
  const engine = await createEngine({
    loadPyodide,
    indexURL: INDEX,
    packages: manifest.packages,
    packageWheels: (manifest.packageWheels || []).map((file) => ({ url: `${INDEX}${file}` })),
    bytecode: manifest.bytecode ? { url: `${INDEX}${manifest.bytecode.file}` } : null,
    wheels: manifest.wheels.map((w) => ({ url: `${INDEX}${w.file}` })),
    runnerSource: await readFile(new URL(manifest.runner.file, `file://${INDEX}`), "utf8"),
    fetchBytes: bytes,
    snapshot: readSnapshot(INDEX, manifest),
  });
  const { pyodide } = engine;
  if (!quiet) {
    const write = (stream) => (text) => stream.write(text + "\n");
    pyodide.setStdout({ batched: write(process.stdout) });
    pyodide.setStderr({ batched: write(process.stderr) });
  }
  if (testWheels) {
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
    const names = (await readdir(`${CACHE}test-wheels`)).filter((f) => f.endsWith(".whl")).sort();
    for (const name of names) {
      pyodide.unpackArchive(await bytes(`${CACHE}test-wheels/${name}`), "wheel", {
        extractDir: sitePackages,
      });
    }
    pyodide.runPython("import importlib; importlib.invalidate_caches()");
  }
  return { engine, pyodide, manifest };
}
