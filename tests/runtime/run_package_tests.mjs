// Runs the package's tests and docstring examples INSIDE Pyodide 0.27.7 under node, offline.
//
//   node tests/runtime/run_package_tests.mjs [extra pytest args...]
//
// Everything Pyodide loads comes from the staged, verified tree that the site serves
// (.cache/pyodide/node/assets/pyodide/: core files, the official numpy wheel, the
// infotheory wheel built from this repository), plus the hash-pinned pure-Python test
// wheels (.cache/pyodide/test-wheels/: pytest, hypothesis and their dependencies).
// `python -m sitetools.pyodide --tests` prepares both (tests/runtime/ does it).
//
// The package is imported from the installed wheel, not from the source tree. pytest
// runs tests/package/ (copied into Pyodide's memory file system) with the repository's
// own pytest configuration (pyproject.toml: warnings are errors, strict xfail), and
// --doctest-modules over the installed infotheory package. Test modules that import a
// library Pyodide does not have here (scipy, torch) are left out and listed, as is
// test_wheel.py (it builds the wheel with pip in a subprocess).
//
// Prints pytest's report, then one line `PYODIDE-RESULT {json}` with the counts, and
// exits 0 only if pytest did.
import { readdir, readFile } from "node:fs/promises";

import { ROOT, loadEngine } from "./pyodide_node.mjs";

const started = Date.now();
const { pyodide } = await loadEngine({ testWheels: true });

// The tests and the pytest configuration, copied in (nothing Pyodide does can touch them).
const FS = pyodide.FS;
FS.mkdirTree("/work/tests/package");
FS.writeFile("/work/pyproject.toml", await readFile(`${ROOT}pyproject.toml`));
for (const name of (await readdir(`${ROOT}tests/package`)).sort()) {
  if (name.endsWith(".py")) {
    FS.writeFile(`/work/tests/package/${name}`, await readFile(`${ROOT}tests/package/${name}`));
  }
}
const loadedMs = Date.now() - started;

const known = JSON.parse(
  await readFile(new URL("./known_failures.json", import.meta.url), "utf8"),
).package;
pyodide.globals.set("KNOWN_JSON", JSON.stringify(known));
pyodide.globals.set("EXTRA_ARGS", pyodide.toPy(process.argv.slice(2)));
const result = JSON.parse(
  pyodide.runPython(`
import importlib.util, json, os, re, sys, time
import pytest

os.chdir("/work")
sys.dont_write_bytecode = True
LEFT_OUT = {"tests/package/test_wheel.py": "builds the wheel with pip in a subprocess"}
for path in sorted(os.listdir("tests/package")):
    text = open(f"tests/package/{path}", encoding="utf-8").read() if path.endswith(".py") else ""
    for lib in ("scipy", "torch"):
        uses = re.search(rf"^(from {lib}[ .]|import {lib}\\b)|importorskip\\(.{lib}.\\)", text, re.M)
        if uses and importlib.util.find_spec(lib) is None:
            LEFT_OUT[f"tests/package/{path}"] = f"needs {lib}, which this Pyodide run does not load"


class Counts:
    """Outcomes, separately for the tests and for the docstring examples."""

    def __init__(self):
        self.applied = set()
        self.doctest_ids = set()
        self.counts = {kind: {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0,
                              "xpassed": 0, "errors": 0} for kind in ("tests", "doctests")}

    def pytest_collection_modifyitems(self, items):
        self.doctest_ids = {i.nodeid for i in items if type(i).__name__ == "DoctestItem"}
        for item in items:
            for key, how in KNOWN.items():
                if item.nodeid == key or item.nodeid.startswith(key + "[") \
                        or item.nodeid.endswith("::" + key):
                    self.applied.add(key)
                    if "skip" in how:
                        item.add_marker(pytest.mark.skip(reason=how["skip"]))
                    else:
                        item.add_marker(pytest.mark.xfail(reason=how["xfail"], strict=True))

    def pytest_runtest_logreport(self, report):
        kind = "doctests" if report.nodeid in self.doctest_ids else "tests"
        if report.when == "call":
            key = ("xfailed" if report.skipped else "xpassed") if hasattr(report, "wasxfail") \
                else report.outcome
        elif report.outcome == "passed":
            return
        else:  # setup/teardown
            key = "skipped" if report.skipped else "errors"
        self.counts[kind][key] += 1

    def pytest_collectreport(self, report):
        if report.failed:
            self.counts["tests"]["errors"] += 1


KNOWN = json.loads(KNOWN_JSON)
counts = Counts()
import infotheory
package_dir = os.path.dirname(infotheory.__file__)
args = ["tests/package", f"{package_dir}", "--doctest-modules", "-q", "-p", "no:cacheprovider", "--capture=sys",
        *[f"--ignore={p}" for p in LEFT_OUT], *EXTRA_ARGS]
t0 = time.perf_counter()
code = int(pytest.main(args, plugins=[counts]))
unused = sorted(set(KNOWN) - counts.applied)
if unused and code == 0 and not EXTRA_ARGS:
    print(f"known_failures.json lists tests that do not exist any more: {unused}")
    code = 1
json.dumps({
    "exit": code,
    "known_failures_unused": unused,
    "seconds": round(time.perf_counter() - t0, 1),
    "tests": counts.counts["tests"],
    "doctests": counts.counts["doctests"],
    "left_out": LEFT_OUT,
    "infotheory_from": package_dir,
    "versions": {"python": sys.version.split()[0], "numpy": __import__("numpy").__version__,
                 "pytest": pytest.__version__, "hypothesis": __import__("hypothesis").__version__},
})
`),
);
result.pyodide = pyodide.version;
result.load_seconds = Math.round(loadedMs / 100) / 10;
console.log(`PYODIDE-RESULT ${JSON.stringify(result)}`);
process.exit(result.exit === 0 ? 0 : 1);
