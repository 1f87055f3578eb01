// Compile the Python modules of wheels to bytecode, for the browser to import directly.
//
//   node sitetools/pyodide/bytecode.mjs <pyodide dir> <output zip> <wheel> [wheel ...]
//
// Called by sitetools/pyodide/node.py at build time. Importing numpy in the browser
// compiles about a hundred of its modules from source first, nearly half the time of the
// import; shipping their bytecode skips that. The compiling is done by the very
// CPython that runs in the browser (Pyodide's, here under node), so the bytecode fits it.
// Each .pyc is of the "unchecked hash" kind: Python uses it without comparing it with the
// source's modification time, which the browser's file system does not keep. The output
// is a zip of the __pycache__ files only, with paths relative to site-packages, written
// next to the sources by the worker (the sources stay, for tracebacks). Test suites
// inside the packages are left out: the pages never import them.
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const [dir, output, ...wheels] = process.argv.slice(2);
if (!dir || !output || !wheels.length) {
  console.error("usage: node bytecode.mjs <pyodide dir> <output zip> <wheel> [wheel ...]");
  process.exit(2);
}
const indexURL = dir.endsWith("/") ? dir : `${dir}/`;
const { loadPyodide } = await import(pathToFileURL(`${indexURL}pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: (line) => console.error(line) });

const root = "/tmp/bytecode";
pyodide.FS.mkdirTree(root);
for (const wheel of wheels) {
  pyodide.unpackArchive(new Uint8Array(await readFile(wheel)), "wheel", { extractDir: root });
}
pyodide.globals.set("ROOT", root);
const count = pyodide.runPython(`
import compileall, os, py_compile, re, zipfile
ok = compileall.compile_dir(
    ROOT, quiet=2, rx=re.compile(r"[/\\\\]tests?[/\\\\]"),
    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
)
if not ok:
    raise SystemExit("compileall failed")
count = 0
with zipfile.ZipFile(ROOT + ".zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for folder, _, files in sorted(os.walk(ROOT)):
        for name in sorted(files):
            if name.endswith(".pyc"):
                path = os.path.join(folder, name)
                info = zipfile.ZipInfo(os.path.relpath(path, ROOT), (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    archive.writestr(info, f.read())
                count += 1
count
`);
if (!count) throw new Error("no bytecode was written");
await writeFile(output, pyodide.FS.readFile(`${root}.zip`));
