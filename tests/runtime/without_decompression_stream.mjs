// The engine in a JS environment without DecompressionStream (older browsers): the
// wheels are then unpacked by Pyodide (loadPackage, unpackArchive), without bytecode.
// Prints JSON {output, info, loaded}; run by test_unzip.py.
delete globalThis.DecompressionStream;
const { loadEngine } = await import("./pyodide_node.mjs");
const { engine, pyodide } = await loadEngine({ quiet: true });
const output = [];
engine.run("import numpy, infotheory\nprint(infotheory.entropy([0.5, 0.5], base=2))", (c) => output.push(...c));
console.log(JSON.stringify({ output, info: engine.info, loaded: Object.keys(pyodide.loadedPackages) }));
