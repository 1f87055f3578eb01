// Make a memory snapshot of a started Pyodide, so that readers skip Python's start-up.
//
//   node sitetools/pyodide/snapshot.mjs <pyodide dir> <output file> [module ...]
//
// Called by sitetools/pyodide/node.py at build time (never in the browser). Starting
// CPython inside Pyodide (unpacking the stdlib, importing the bootstrap modules) takes
// seconds; restoring the wasm memory of an interpreter that already did it takes a
// fraction of that. The snapshot holds the interpreter's memory only: files still come
// from python_stdlib.zip, and packages with shared libraries (numpy) cannot be in it, so
// they load after the restore as usual. The modules named on the command line (pure
// stdlib modules that numpy, infotheory and runner.py import anyway) are imported first,
// so that work is in the snapshot too.
//
// A snapshot only fits the pyodide.asm.wasm it was made with (Pyodide checks its build
// id), and `_makeSnapshot` / `_loadSnapshot` are Pyodide's experimental options, so the
// script loads its snapshot back and runs Python in it before it writes anything.
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const [dir, output, ...modules] = process.argv.slice(2);
if (!dir || !output) {
  console.error("usage: node snapshot.mjs <pyodide dir> <output file> [module ...]");
  process.exit(2);
}
const indexURL = dir.endsWith("/") ? dir : `${dir}/`;
const { loadPyodide } = await import(pathToFileURL(`${indexURL}pyodide.mjs`).href);

const quiet = { stdout: () => {}, stderr: (line) => console.error(line) };
const maker = await loadPyodide({ indexURL, ...quiet, _makeSnapshot: true });
for (const name of modules) {
  if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new Error(`not a module name: ${name}`);
  maker.pyimport(name);
}
const snapshot = maker.makeMemorySnapshot();

const check = await loadPyodide({ indexURL, ...quiet, _loadSnapshot: snapshot });
const answer = check.runPython("import json; json.dumps([sum(range(10)), 'ok'])");
if (answer !== '[45, "ok"]') throw new Error(`the restored snapshot answered ${answer}`);

await writeFile(output, snapshot);
