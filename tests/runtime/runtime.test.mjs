// node --test: the runtime's page API (session.js) over the real engine (engine.js +
// runner.py + Pyodide 0.27.7 + numpy + the infotheory wheel), all from the staged files
// that the site serves. Run by tests/runtime/test_runtime_js.py (make test).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { RuntimeLoadError, createSession } from "../../frontend/runtime/session.js";
import { ASSETS, NodeWorker, fileFetch } from "./helpers.mjs";

const text = (result) => result.output.map((c) => c.text).join("");
let firstRandom = null; // drawn by the first session, compared by the second

function waitFor(predicate, ms = 20000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > ms) reject(new Error("timed out waiting"));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe("a session without interrupts (terminate and replay)", () => {
  let session;
  const progress = [];
  const states = [];

  before(() => {
    NodeWorker.created = 0;
    session = createSession({
      assetsUrl: ASSETS.href,
      lang: "en",
      interrupt: false,
      fetch: fileFetch,
      createWorker: () => new NodeWorker(),
    });
    session.addEventListener("statechange", (e) => states.push(e.detail.state));
  });
  after(() => session.dispose());

  test("is lazy: nothing is loaded before the first use", () => {
    assert.equal(session.state, "idle");
    assert.equal(NodeWorker.created, 0);
  });

  test("loads once with progress, and reports versions", async () => {
    const [a, b] = await Promise.all([
      session.ensureLoaded((p) => progress.push(p)),
      session.ensureLoaded(),
    ]);
    assert.equal(a, b);
    assert.equal(NodeWorker.created, 1);
    assert.deepEqual(
      { pyodide: a.pyodide, python: a.python, numpy: a.numpy },
      { pyodide: "0.27.7", python: "3.12.7", numpy: "2.0.2" },
    );
    assert.equal(progress.at(-1).fraction, 1);
    assert.deepEqual(states, ["loading", "ready"]);
    assert.equal(a.snapshot, true, "Python started without the memory snapshot");
  });

  test("a bare expression echoes its repr, like after a >>> prompt", async () => {
    const result = await session.run("1 + 1");
    assert.equal(result.status, "ok");
    assert.deepEqual(result.output, [{ stream: "stdout", text: "2\n" }]);
    const r2 = await session.run("import numpy as np\nnp.float64(0.5)\nNone\nx = 3\nnp.arange(x)");
    assert.equal(text(r2), "np.float64(0.5)\narray([0, 1, 2])\n");
  });

  test("stdout and stderr stream in order, tagged", async () => {
    const seen = [];
    const result = await session.run(
      "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')",
      { onOutput: (chunk) => seen.push(chunk) },
    );
    assert.deepEqual(result.output, [
      { stream: "stdout", text: "a\n" },
      { stream: "stderr", text: "b\n" },
      { stream: "stdout", text: "c\n" },
    ]);
    assert.deepEqual(seen, result.output);
  });

  test("an exception gives the interpreter's traceback without runner frames", async () => {
    const result = await session.run("def f(p):\n    return 1 / p\n\nf(0)");
    assert.equal(result.status, "error");
    assert.equal(result.error.type, "ZeroDivisionError");
    assert.equal(result.error.line, 2);
    assert.match(
      result.error.traceback,
      /^Traceback \(most recent call last\):\n {2}File "<cell \d+>", line 4, in <module>\n {4}f\(0\)\n {2}File "<cell \d+>", line 2, in f\n {4}return 1 \/ p\n/,
    );
    assert.match(result.error.traceback, /ZeroDivisionError: division by zero\n$/);
    assert.doesNotMatch(result.error.traceback, /site-runner|_site_runner|ast\.py/);
    assert.deepEqual(result.output, [{ stream: "stderr", text: result.error.traceback }]);
    const syntax = await session.run("1 +");
    assert.match(syntax.error.traceback, /^ {2}File "<cell \d+>", line 1\n {4}1 \+\n +\^\nSyntaxError: invalid syntax\n$/);
    const invalid = await session.run(
      "from infotheory import entropy\nentropy([0.5, 0.6])",
    );
    assert.equal(invalid.error.type, "ValueError");
    assert.match(invalid.error.message, /sum/);
  });

  test("the namespace persists across runs and infotheory works", async () => {
    firstRandom = text(await session.run("import random; random.random()"));
    await session.run("x = 41");
    const result = await session.run(
      "from infotheory import entropy\nprint(round(float(entropy([0.2] * 5)), 3))\nx + 1",
    );
    assert.equal(text(result), "1.609\n42\n");
  });

  test("numpy and infotheory import from the shipped bytecode (unchecked-hash .pyc)", async () => {
    const result = await session.run(
      "import importlib.util, numpy, infotheory.discrete\n" +
      "[open(importlib.util.cache_from_source(m.__file__), 'rb').read()[4:8] for m in (numpy._core.multiarray, infotheory.discrete)]",
    );
    assert.equal(text(result), "[b'\\x01\\x00\\x00\\x00', b'\\x01\\x00\\x00\\x00']\n");
  });

  test("runStatements: each statement a run, in order, going on after an error", async () => {
    const streamed = [];
    const results = await session.runStatements(["a = 2", "a * 21", "1 / 0", "print(a + 1)"], {
      onOutput: (chunk) => streamed.push(chunk.text),
    });
    assert.deepEqual(results.map((r) => r.status), ["ok", "ok", "error", "ok"]);
    assert.equal(text(results[1]), "42\n");
    assert.equal(results[2].error.type, "ZeroDivisionError");
    assert.equal(text(results[3]), "3\n");
    assert.match(streamed.join(""), /^42\nTraceback[^]*ZeroDivisionError[^]*\n3\n$/);
  });

  test("stop in the middle of runStatements keeps what the earlier statements defined", async () => {
    const before = session.replayable;
    const running = session.runStatements(["b = 'before the loop'", "while True:\n    pass", "c = 1"]);
    await waitFor(() => session.state === "running");
    await new Promise((r) => setTimeout(r, 100));
    const outcome = await session.stop();
    assert.equal(outcome.how, "restart");
    assert.equal(outcome.replayed, before + 1);
    const results = await running;
    assert.deepEqual(results.map((r) => r.status), ["ok", "stopped"]);
    assert.equal(text(await session.run("b")), "'before the loop'\n");
    assert.equal((await session.run("c")).error.type, "NameError");
  });

  test("stop terminates, restarts and replays the successful runs", async () => {
    const replayableBefore = session.replayable;
    const created = NodeWorker.created;
    const running = session.run("while True:\n    x = x");
    const queued = session.run("print('never')");
    await waitFor(() => session.state === "running");
    await new Promise((r) => setTimeout(r, 200));
    const outcome = await session.stop();
    assert.deepEqual(outcome, { how: "restart", replayed: replayableBefore, failed: null });
    assert.equal((await running).status, "stopped");
    const cancelled = await queued;
    assert.equal(cancelled.status, "stopped");
    assert.equal(cancelled.cancelled, true);
    assert.equal(NodeWorker.created, created + 1);
    assert.equal(session.state, "ready");
    const result = await session.run("x + 1");
    assert.equal(text(result), "42\n");
  });

  test("a long run loads a spare worker, and Stop switches to it", async () => {
    const created = NodeWorker.created;
    const running = session.run("while True:\n    x = x");
    await waitFor(() => session._spare !== null);
    assert.equal(NodeWorker.created, created + 1); // the spare, while the loop runs
    await session._spare.ready;
    const outcome = await session.stop();
    assert.equal(outcome.how, "restart");
    assert.equal(outcome.failed, null);
    assert.equal((await running).status, "stopped");
    assert.equal(NodeWorker.created, created + 1); // no third worker: the spare took over
    assert.equal(session._spare, null);
    assert.equal(text(await session.run("x + 1")), "42\n");
  });

  test("a short run makes no spare", async () => {
    const created = NodeWorker.created;
    assert.equal(text(await session.run("x * 2")), "82\n");
    assert.equal(NodeWorker.created, created);
    assert.equal(session._spare, null);
  });

  test("reset gives a fresh namespace and forgets the history", async () => {
    await session.reset();
    assert.equal(session.replayable, 0);
    const result = await session.run("x");
    assert.equal(result.error.type, "NameError");
  });
});

describe("a session with interrupts (cross-origin isolated)", () => {
  let session;
  let fail = true;

  before(() => {
    NodeWorker.created = 0;
    session = createSession({
      assetsUrl: ASSETS.href,
      lang: "es",
      interrupt: true,
      fetch: (url, init) => (fail ? Promise.reject(new TypeError("offline")) : fileFetch(url, init)),
      createWorker: () => new NodeWorker(),
    });
  });
  after(() => session.dispose());

  test("a failed load rejects with a localized error, and can be retried", async () => {
    await assert.rejects(session.run("1"), (err) => {
      assert.ok(err instanceof RuntimeLoadError);
      assert.equal(err.code, "network");
      assert.match(err.message, /^No se pudo descargar Python \(manifest\.json: offline\)/);
      return true;
    });
    assert.equal(session.state, "failed");
    fail = false;
    const result = await session.run("y = 'kept'\ny");
    assert.equal(text(result), "'kept'\n");
  });

  test("each interpreter restored from the snapshot gets its own random seed", async () => {
    const mine = text(await session.run("import random; random.random()"));
    assert.ok(firstRandom, "the first session drew a number");
    assert.notEqual(mine, firstRandom);
  });

  test("stop interrupts in place: KeyboardInterrupt, state kept, no restart", async () => {
    const running = session.run("while True:\n    pass");
    await waitFor(() => session.state === "running");
    await new Promise((r) => setTimeout(r, 200));
    const outcome = await session.stop();
    assert.equal(outcome.how, "interrupt");
    assert.equal((await running).status, "stopped");
    assert.equal(NodeWorker.created, 1);
    assert.equal(text(await session.run("y")), "'kept'\n");
  });

  test("output streams while the code runs, and is capped", async () => {
    const stamps = [];
    let done = false;
    const result = session.run(
      "import time\nfor i in range(3):\n    print(i)\n    t = time.time()\n    while time.time() - t < 0.15: pass",
      { onOutput: () => stamps.push(done) },
    );
    const r = await result;
    done = true;
    assert.equal(text(r), "0\n1\n2\n");
    assert.ok(stamps.length >= 2, `expected several output messages, got ${stamps.length}`);
    const big = await session.run("print('x' * 1_500_000)");
    assert.equal(big.truncated, true);
    assert.equal(text(big).length, 1_000_000);
  });
});
