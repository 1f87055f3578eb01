// @ts-check
// protocol.js: the messages between the page and the Python worker, as types. Nothing
// here runs (the file is served with the others, and never loaded): it is the contract
// that channel.js (the page's side) and engine.js's serveWorkerProtocol (the worker's
// side, in worker.js or tests/runtime/node_worker.mjs) are both checked against.
//
// Page -> worker. Every request carries an id, which channel.js alone hands out; the
// worker answers requests one at a time, in the order they came, each reply with the id
// of its request:
//   {type: "init", id, manifest, manifestURL, interruptBuffer}
//        -> {type: "progress", id, stage, fraction, message}*  then
//           {type: "ready", id, info} | {type: "failed", id, error: {code, message}}
//   {type: "run", id, code}
//        -> {type: "output", id, chunks: [[stream, text], ...]}*  then
//           {type: "result", id, result}
//   {type: "runMany", id, codes, stopOnError}   each code a run of its own, in order, in
//        one round trip (a cell's statements; a replay): stops after a "stopped" run, and
//        after an "error" one if stopOnError
//        -> ({type: "output", id, run, chunks}* {type: "partial", id, run, result})*  then
//           {type: "result", id, result: [result, ...]}   (run: the index in codes)
//   {type: "reset", id}  -> {type: "result", id, result: {status: "ok"}}
//
// A request the worker fails to handle is answered by a "result" whose error has the
// type "InternalError" (Pyodide itself broke: the session restarts the worker). A worker
// that could not even import engine.js answers "failed", with the id of the first
// message it had received (undefined if none had arrived).

export {};

/** @typedef {"stdout" | "stderr"} Stream */

/** @typedef {[Stream, string]} WireChunk  one piece of output as the worker sends it */

/** @typedef {{stream: Stream, text: string}} Chunk  one piece of output as the page gets it */

/**
 * @typedef {object} RunError  why a run failed (runner.py)
 * @property {string} type  the exception's class name ("InternalError": the engine itself)
 * @property {string} message
 * @property {string} traceback  as the interpreter prints it; also streamed on stderr
 * @property {number | null} line  the line of the reader's code it happened on, if known
 */

/**
 * @typedef {object} WireResult  the outcome of one code, as runner.py returns it
 * @property {"ok" | "error" | "stopped"} status
 * @property {RunError} [error]  status "error"
 * @property {boolean} truncated  more than 1e6 characters of output: the rest was dropped
 * @property {number} durationMs
 * @property {string} [cell]  the file name the code was compiled under ("<cell 3>")
 */

/**
 * @typedef {WireResult & {output: Chunk[], cancelled?: true}} RunResult
 * A WireResult with its output (adjacent same-stream chunks merged); `cancelled` when it
 * was stopped before it started.
 */

/**
 * @typedef {object} EngineInfo  versions of what the worker runs
 * @property {string} pyodide
 * @property {string} python
 * @property {string} numpy
 * @property {string | null} infotheory
 * @property {boolean} snapshot  whether Python was restored from the memory snapshot
 */

/** @typedef {"network" | "integrity" | "unsupported" | "python"} EngineErrorCode */

/** @typedef {"runtime" | "packages" | "wheels" | "startup"} Stage */

/**
 * @typedef {object} Progress
 * @property {Stage} stage
 * @property {number} fraction  0..1 over the whole load
 * @property {string} message
 */

/** @typedef {{file: string, integrity?: string}} ManifestFile */

/**
 * @typedef {object} Manifest  <site>/assets/pyodide/manifest.json (sitetools/pyodide/stage.py)
 * @property {string} pyodide  its version
 * @property {string} python  the version of the Python it runs
 * @property {string} build  a hash of every file staged: the cache key of the runtime
 * @property {"self" | "cdn"} source
 * @property {string} indexURL  where Pyodide's own files are, relative to the manifest
 * @property {Record<string, string>} integrity  SRI hash of each file under indexURL
 * @property {string[]} packages  Pyodide packages to load (["numpy"])
 * @property {string[]} [packageWheels]  their wheel files, under indexURL
 * @property {(ManifestFile & {sha256: string})[]} wheels  this site's wheels (infotheory)
 * @property {ManifestFile} runner  runner.py
 * @property {ManifestFile} [bytecode]  the .pyc files of the wheels
 * @property {ManifestFile & {encoding?: string}} [snapshot]  the memory snapshot
 */

// ---------------------------------------------------------------- page -> worker

/**
 * @typedef {object} InitRequest
 * @property {"init"} type
 * @property {number} id
 * @property {Manifest} manifest
 * @property {string} manifestURL
 * @property {Int32Array | null} interruptBuffer  shared with the page: 2 raises KeyboardInterrupt
 */

/** @typedef {{type: "run", id: number, code: string}} RunRequest */

/** @typedef {{type: "runMany", id: number, codes: string[], stopOnError: boolean}} RunManyRequest */

/** @typedef {{type: "reset", id: number}} ResetRequest */

/** @typedef {InitRequest | RunRequest | RunManyRequest | ResetRequest} WorkerRequest */

// ---------------------------------------------------------------- worker -> page

/** @typedef {{type: "progress", id: number} & Progress} ProgressReply */

/** @typedef {{type: "ready", id: number, info: EngineInfo}} ReadyReply */

/**
 * @typedef {object} FailedReply  the load failed
 * @property {"failed"} type
 * @property {number | undefined} id
 * @property {{code: EngineErrorCode, message: string}} error
 */

/**
 * @typedef {object} OutputReply
 * @property {"output"} type
 * @property {number} id
 * @property {number} [run]  runMany: the index of the code it comes from
 * @property {WireChunk[]} chunks
 */

/** @typedef {{type: "partial", id: number, run: number, result: WireResult}} PartialReply */

/**
 * @typedef {object} ResultReply
 * @property {"result"} type
 * @property {number | undefined} id
 * @property {WireResult | WireResult[]} result  an array for runMany
 */

/** @typedef {ProgressReply | ReadyReply | FailedReply | OutputReply | PartialReply | ResultReply} WorkerReply */
