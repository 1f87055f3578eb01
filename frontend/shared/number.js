// @ts-check
// Numbers in the page's language, written exactly as the build writes them, so that a
// number computed in the browser reads the same as one the build put in the page.
//
// This mirrors the Python of the build: `format_number` in sitetools/figures.py (the
// `num(x, digits)` of the figures) and in hooks/exercises.py (the numbers of exercises,
// outside math), which both come down to
//
//     f"{value:.{digits}f}".replace("-", "−"), then "." -> "," in Spanish
//
// and, for an infinite value, "∞" / "−∞" (hooks/exercises.py). Python's fixed-point
// format rounds the EXACT binary value of the double, ties (an exact binary value halfway
// between, such as 0.125 or 2.5) to even: 0.125 -> "0.12", 1.015 (really 1.01499999…)
// -> "1.01", 0.0005 (really 0.000500000…01) -> "0.001". Neither Intl.NumberFormat (which
// rounds the shortest decimal string, 1.015 -> "1.02", under any roundingMode) nor
// Number.prototype.toFixed (ties away from zero, 0.125 -> "0.13") does that, so the
// digits are computed here with BigInt arithmetic on the double's bits. No thousands
// separators: 10000, never 10.000 or 10,000.
//
// Two cases the build never meets are written as a reader expects: a number that rounds
// to zero has no sign (a fitted mean of −1e−9 is "0.000", where Python would write
// "-0.000"; the widgets' readouts and notes always showed it so), and NaN, which the
// build rejects (hooks/exercises.py refuses a NaN answer), is "—". The minus sign is the
// build's "−" unless the caller asks for another (the widgets write "-", see `minus`).
//
// Plain module, no DOM: bundled into the cells, widgets and exercises (hooks/cells.py).

const BITS = new DataView(new ArrayBuffer(8));

/**
 * The exact value of a finite double x ≥ 0 as [mantissa, exponent]: x = mantissa · 2^exponent.
 * @param {number} x
 * @returns {[bigint, number]}
 */
function decompose(x) {
  BITS.setFloat64(0, x);
  const high = BITS.getUint32(0);
  const low = BITS.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biased === 0) return [fraction, -1074]; // zero and subnormals
  return [fraction | (1n << 52n), biased - 1075];
}

/**
 * `x` (finite, ≥ 0) with `digits` decimals, rounded as Python's format(x, f".{digits}f").
 * @param {number} x
 * @param {number} digits
 * @returns {string}
 */
function fixed(x, digits) {
  const [mantissa, exponent] = decompose(x);
  const scaled = mantissa * 10n ** BigInt(digits);
  let n;
  if (exponent >= 0) {
    n = scaled << BigInt(exponent);
  } else {
    const divisor = 1n << BigInt(-exponent);
    n = scaled / divisor;
    const twice = (scaled % divisor) * 2n;
    if (twice > divisor || (twice === divisor && n % 2n === 1n)) n += 1n; // half to even
  }
  const text = n.toString().padStart(digits + 1, "0");
  return digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
}

/**
 * `x` with exactly `digits` decimals (an integer ≥ 0) in the page's language `lang`
 * ("en" | "es": a decimal comma), "∞" for ±∞. A negative number takes `minus`: the true
 * minus sign "−" the build writes in prose, or "-" where the text must read as the
 * Python output it sits next to (the widgets, frontend/widgets/dom.js `fmt`).
 * @param {string} lang
 * @param {number} x
 * @param {number} digits
 * @param {{minus?: string}} [options]
 * @returns {string}
 */
export function formatNumber(lang, x, digits, { minus = "−" } = {}) {
  if (Number.isNaN(x)) return "—";
  const magnitude = Math.abs(x);
  const text = magnitude === Infinity ? "∞" : fixed(magnitude, digits);
  const signed = x < 0 && /[1-9∞]/.test(text) ? `${minus}${text}` : text; // no "−0.000"
  return lang === "es" ? signed.replace(".", ",") : signed;
}
