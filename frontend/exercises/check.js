// Checking an answer: no DOM here, so node can test it (tests/browser/test_exercises.py
// checks the same through the page).
//
// The data come from hooks/exercises.py: numbers are JSON numbers, or the strings "inf"
// and "-inf".

export function toNumber(value) {
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  return Number(value);
}

const INFINITY_RE = /^([+-]?)(∞|inf|infinity|infinito|infinite)$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/;

/**
 * The number a reader typed: `{ value }`, or `{ error: "empty" | "invalid" | "comma" }`.
 * Both languages take a decimal point; Spanish also a decimal comma (0,25). Spaces, a
 * typographic minus and "inf" / "∞" are understood.
 */
export function parseAnswer(text, lang) {
  let s = String(text)
    .trim()
    .toLowerCase()
    .replace(/[\s\u00a0\u202f]+/g, "")
    .replace(/[−–]/g, "-");
  if (!s) return { error: "empty" };
  const infinite = INFINITY_RE.exec(s);
  if (infinite) return { value: infinite[1] === "-" ? -Infinity : Infinity };
  if (s.includes(",")) {
    if (s.includes(".") || (s.match(/,/g) || []).length > 1) return { error: "invalid" };
    if (lang !== "es") return { error: NUMBER_RE.test(s.replace(",", ".")) ? "comma" : "invalid" };
    s = s.replace(",", ".");
  }
  if (!NUMBER_RE.test(s)) return { error: "invalid" };
  return { value: Number(s) };
}

/**
 * Equal infinities, or finite and within the tolerance, with a 1e-12 slack for the
 * rounding of the difference: the same test as the build's `within` (hooks/exercises.py),
 * with which tests/docs/test_exercises.py checks that no mistake is within the tolerance
 * of the answer or of another mistake.
 */
export function within(value, target, tolerance) {
  if (!Number.isFinite(value) || !Number.isFinite(target)) return value === target;
  return Math.abs(value - target) <= tolerance + 1e-12;
}

/**
 * `{ status: "right" }`, `{ status: "mistake", mistake }` (one of data.mistakes, the
 * first that matches) or `{ status: "wrong" }`.
 */
export function checkNumeric(data, value) {
  if (within(value, toNumber(data.answer), data.tolerance)) return { status: "right" };
  for (const mistake of data.mistakes || []) {
    if (within(value, toNumber(mistake.value), data.tolerance)) return { status: "mistake", mistake };
  }
  return { status: "wrong" };
}

export function checkChoice(data, index) {
  return { status: index === data.correct ? "right" : "wrong", option: data.options[index] || {} };
}
