// @ts-check
// Read a zip archive (a wheel) in JavaScript: its files, inflated by the platform's
// DecompressionStream, which is native code and runs off the interpreter.
//
// Why not Pyodide's loadPackage / unpackArchive: they unzip with Python's zipfile inside
// WebAssembly, and loadPackage then compiles every shared library of the package up front
// (numpy has 19, most never imported by these pages). Unzipped here and written to the
// file system, numpy's libraries are compiled when an import first needs them. On the
// 2-core machine of the benchmarks this takes numpy from about 1.4 s to about 0.4 s.
//
// Only what wheels use: no ZIP64, no encryption, entries stored or deflated.

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const decoder = new TextDecoder();

/**
 * The files of a zip archive: Promise<[{name, bytes}]> (directories left out).
 * Rejects on anything malformed, on a name that would leave the target directory, and
 * on an entry whose inflated size is not the one its header states.
 *
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @returns {Promise<{name: string, bytes: Uint8Array<ArrayBuffer>}[]>}
 */
export async function unzip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1; // the record is 22 bytes plus a comment of at most 65535
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip archive");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_FILE_HEADER) {
      throw new Error("damaged zip central directory");
    }
    const method = view.getUint16(at + 10, true);
    const stored = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (name.endsWith("/")) continue;
    if (name.startsWith("/") || name.split("/").some((part) => part === ".." || part === "")) {
      throw new Error(`unsafe file name in zip: ${name}`);
    }
    if (view.getUint32(local, true) !== LOCAL_FILE_HEADER) throw new Error(`damaged zip entry: ${name}`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push({ name, method, size, data: bytes.subarray(start, start + stored) });
  }
  return Promise.all(entries.map(async ({ name, method, size, data }) => {
    let out;
    if (method === 0) out = data;
    else if (method === 8) out = await inflate(data, "deflate-raw");
    else throw new Error(`zip entry ${name}: compression method ${method} is not supported`);
    if (out.length !== size) throw new Error(`zip entry ${name}: ${out.length} bytes, expected ${size}`);
    return { name, bytes: out };
  }));
}

/**
 * The bytes decompressed by DecompressionStream (format "gzip", "deflate-raw", ...).
 *
 * @param {Uint8Array<ArrayBuffer>} data
 * @param {CompressionFormat} format
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function inflate(data, format) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
