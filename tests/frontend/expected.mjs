// The expected values of the front-end unit tests, computed in Python by
// tests/frontend/test_node_units.py (with infotheory and the build's exercise code) and
// handed over as a JSON file named by INFOTHEORY_FRONTEND_EXPECTED. Run the tests through
// pytest: `.venv/bin/python -m pytest tests/frontend`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const PATH = process.env.INFOTHEORY_FRONTEND_EXPECTED;
if (!PATH) {
  throw new Error(
    "INFOTHEORY_FRONTEND_EXPECTED is not set: run these through pytest " +
      "(.venv/bin/python -m pytest tests/frontend), which computes the expected values first",
  );
}
const raw = JSON.parse(readFileSync(PATH, "utf8"));

/** JSON's stand-ins for the non-finite floats ("inf", "-inf", "nan") back to numbers. */
export function decode(value) {
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  if (value === "nan") return NaN;
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** The package's numbers (non-finite floats decoded). */
export const math = decode(raw.math);

/**
 * The exercises as the built pages carry them, untouched (their infinities are the strings
 * check.js reads), each with what a reader would type and the build's verdicts.
 */
export const exercises = raw.exercises;

/**
 * `actual` equals `expected` to within `abs + rel·|expected|`; equal infinities are equal,
 * and a NaN or an infinity never matches a finite number.
 */
export function close(actual, expected, { abs = 0, rel = 0 } = {}, what = "") {
  const label = what ? `${what}: ` : "";
  if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${label}length`);
    expected.forEach((e, i) => close(actual[i], e, { abs, rel }, `${what}[${i}]`));
    return;
  }
  assert.equal(typeof actual, "number", `${label}${actual} is not a number`);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    assert.ok(Object.is(actual, expected) || actual === expected, `${label}got ${actual}, the package says ${expected}`);
    return;
  }
  const bound = abs + rel * Math.abs(expected);
  const error = Math.abs(actual - expected);
  assert.ok(error <= bound, `${label}got ${actual}, the package says ${expected} (off by ${error}, allowed ${bound})`);
}
