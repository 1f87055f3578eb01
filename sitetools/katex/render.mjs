// Render TeX to HTML with KaTeX for the MkDocs build (hooks/katex.py).
//
// One process serves the whole build. Protocol: JSON lines.
//   stdin : {"id": 1, "tex": "H(P)", "display": false}
//   stdout: {"id": 1, "html": "<span class=\"katex\">..."}   on success
//           {"id": 1, "error": "KaTeX parse error: ..."}      on invalid TeX
// Anything KaTeX would only warn about (strict mode) is an error too, so
// sloppy TeX fails the build instead of scrolling past in the log.
import { createInterface } from "node:readline";
import katex from "katex";

const options = (display) => ({
  displayMode: display,
  output: "htmlAndMathml", // visual HTML plus MathML for screen readers
  throwOnError: true,
  strict: "error",
  trust: false,
});

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let id = null;
  let reply;
  try {
    const request = JSON.parse(line);
    id = request.id ?? null;
    reply = { id, html: katex.renderToString(String(request.tex), options(Boolean(request.display))) };
  } catch (err) {
    reply = { id, error: String(err && err.message ? err.message : err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
