// Print what frontend/runtime/unzip.js reads from a zip archive, for test_unzip.py:
// JSON [[name, sha256 hex], ...], or {"error": message}.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

import { unzip } from "../../frontend/runtime/unzip.js";

try {
  const files = await unzip(new Uint8Array(await readFile(process.argv[2])));
  console.log(JSON.stringify(files.map((f) => [f.name, createHash("sha256").update(f.bytes).digest("hex")])));
} catch (err) {
  console.log(JSON.stringify({ error: String(err.message || err) }));
}
