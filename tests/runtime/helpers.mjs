// Shared by the node tests: where the staged assets are, and a Worker adaptor.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ASSETS = new URL(".cache/pyodide/node/assets/", pathToFileURL(ROOT));

/** A browser-Worker-shaped wrapper around a node worker running node_worker.mjs. */
export class NodeWorker {
  static created = 0;

  constructor() {
    NodeWorker.created += 1;
    this.terminated = false;
    this.worker = new Worker(new URL("./node_worker.mjs", import.meta.url));
    this.worker.on("message", (data) => this.onmessage?.({ data }));
    this.worker.on("error", (err) => this.onerror?.({ message: err.message }));
  }

  postMessage(message) {
    this.worker.postMessage(message);
  }

  terminate() {
    this.terminated = true;
    this.worker.terminate();
  }
}

/** fetch() for file: URLs (node's own fetch refuses them). */
export async function fileFetch(url) {
  try {
    const body = await readFile(new URL(url));
    return new Response(body, { status: 200 });
  } catch {
    return new Response("not found", { status: 404 });
  }
}
