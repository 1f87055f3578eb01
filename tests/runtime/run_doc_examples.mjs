// Runs the site's examples the way a reader's Run button does, INSIDE Pyodide under node,
// and checks that each prints what the page shows.
//
//   node tests/runtime/run_doc_examples.mjs EXAMPLES.json
//
// EXAMPLES.json (written by test_examples_in_pyodide.py from docs/ and snippets/):
//   [{"file": "docs/entropy.md", "blocks": [{"line": 12, "code": "..."} |
//      {"line": 20, "examples": [{"source", "want", "exc_msg", "flags": ["NUMBER"], "line"}]}]}]
//
// Each file gets a fresh namespace (like Sybil, one namespace per file). Every example
// goes through the site's runner.py (_site_runner.Session: per-statement 'single' mode,
// ordered stdout/stderr) in the site's engine (the staged Pyodide, numpy and infotheory
// wheels); the output is compared with pytest's doctest checker (+NUMBER and the other
// flags as written). An example must also print nothing on stderr unless it expects an
// exception: readers would see a warning that the tests (warnings are errors) never do.
//
// Prints one line `PYODIDE-RESULT {json}`: counts and every mismatch.
import { readFile } from "node:fs/promises";

import { loadEngine } from "./pyodide_node.mjs";

const started = Date.now();
const { pyodide } = await loadEngine({ testWheels: true, quiet: true });
const loadMs = Date.now() - started;
pyodide.globals.set("EXAMPLES_JSON", await readFile(process.argv[2], "utf8"));
const result = JSON.parse(
  pyodide.runPython(`
import doctest, json, sys, time, traceback
from _pytest.doctest import _get_checker, _get_number_flag

_get_number_flag()  # registers NUMBER
checker = _get_checker()
runner = sys.modules["_site_runner"]
files = json.loads(EXAMPLES_JSON)
counts = {"files": len(files), "examples": 0, "code_blocks": 0, "passed": 0, "failed": 0}
failures = []
t0 = time.perf_counter()


def run(session, code):
    chunks = []
    outcome = json.loads(session.run(code, lambda text: chunks.extend(json.loads(text))))
    out = "".join(t for s, t in chunks if s == "stdout")
    err = "".join(t for s, t in chunks if s == "stderr")
    return outcome, out, err


for entry in files:
    session = runner.Session()
    for block in entry["blocks"]:
        if "code" in block:
            counts["code_blocks"] += 1
            outcome, out, err = run(session, block["code"])
            if outcome["status"] != "ok":
                failures.append({"file": entry["file"], "line": block["line"],
                                 "source": block["code"], "problem": err})
            continue
        for ex in block["examples"]:
            counts["examples"] += 1
            flags = 0
            for name in ex["flags"]:
                flags |= doctest.OPTIONFLAGS_BY_NAME[name]
            outcome, out, err = run(session, ex["source"])
            problem = None
            if ex["exc_msg"] is not None:
                if outcome["status"] != "error":
                    problem = f"expected an exception, got output {out!r}"
                else:
                    got = outcome["error"]["traceback"].splitlines(True)[-1]
                    if not checker.check_output(ex["exc_msg"], got, flags):
                        problem = f"expected exception {ex['exc_msg']!r}, got {got!r}"
            elif outcome["status"] != "ok":
                problem = "raised:\\n" + err
            elif not checker.check_output(ex["want"], out, flags):
                problem = f"expected {ex['want']!r}, got {out!r}"
            elif err:
                problem = f"printed on stderr (a warning?): {err!r}"
            if problem:
                counts["failed"] += 1
                failures.append({"file": entry["file"], "line": ex["line"],
                                 "source": ex["source"], "problem": problem})
            else:
                counts["passed"] += 1

json.dumps({"counts": counts, "failures": failures,
            "seconds": round(time.perf_counter() - t0, 1)})
`),
);
result.load_seconds = Math.round(loadMs / 100) / 10;
console.log(`PYODIDE-RESULT ${JSON.stringify(result)}`);
process.exit(result.failures.length ? 1 : 0);
