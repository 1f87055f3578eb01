// node --test: frontend/exercises/check.js against every exercise of the site, with the
// data the build writes into the pages (tests/frontend/test_node_units.py produces them;
// run it through pytest).
//
// No tolerance of our own: a typed number is compared with the exercise's own tolerance,
// and `within` must agree exactly with the build's `within` (hooks/exercises.py), since both
// do the same double-precision operations on the same doubles (the probes are typed as
// the shortest text of each double, so parsing gives that very double back).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { checkChoice, checkNumeric, parseAnswer, toNumber, within } from "../../frontend/exercises/check.js";
import { decode, exercises } from "./expected.mjs";

const LANGS = ["en", "es"];
const name = (e) => `${e.page}#${e.data.id}`;

/** What a reader typed, parsed: the number, or the test fails saying what came back. */
function parsed(text, lang) {
  const result = parseAnswer(text, lang);
  assert.ok(!("error" in result), `${JSON.stringify(text)} (${lang}) did not parse: ${result.error}`);
  return result.value;
}

/** The verdict the page gives for what a reader typed. */
function verdict(data, text, lang) {
  return checkNumeric(data, parsed(text, lang));
}

test("the site's exercises are all here, in both languages", () => {
  for (const lang of LANGS) {
    const ours = exercises.filter((e) => e.lang === lang);
    assert.ok(ours.filter((e) => e.data.type === "numeric").length >= 10, `${lang}: numeric exercises`);
    assert.ok(ours.filter((e) => e.data.type === "choice").length >= 5, `${lang}: choice exercises`);
  }
  const english = exercises.filter((e) => e.lang === "en").map((e) => e.data.id);
  const spanish = exercises.filter((e) => e.lang === "es").map((e) => e.data.id);
  assert.deepEqual(spanish.toSorted(), english.toSorted(), "the same exercises in both languages");
});

describe("numeric exercises, as the build computed them", () => {
  for (const e of exercises.filter((x) => x.data.type === "numeric")) {
    const { data, lang } = e;

    test(`${name(e)}: the answer as the page shows it is right`, () => {
      assert.equal(typeof data.tolerance, "number");
      const answer = toNumber(data.answer);
      assert.ok(!Number.isNaN(answer), `answer ${data.answer}`);
      assert.deepEqual(verdict(data, e.right, lang), { status: "right" }, e.right);
      // Both languages take a decimal point; Spanish shows, and takes, a decimal comma.
      if (lang === "es" && /\d,\d/.test(e.right)) {
        assert.deepEqual(verdict(data, e.right.replace(",", "."), lang), { status: "right" }, "with a point");
        assert.deepEqual(parseAnswer(e.right, "en"), { error: "comma" }, "the same text on an English page");
      }
      if (lang === "en" && /\d\.\d/.test(e.right)) {
        assert.deepEqual(parseAnswer(e.right.replace(".", ","), "en"), { error: "comma" }, "a comma in English");
        assert.deepEqual(verdict(data, e.right.replace(".", ","), "es"), { status: "right" }, "a comma in Spanish");
      }
    });

    test(`${name(e)}: each listed mistake is explained`, () => {
      assert.equal(e.mistakes.length, data.mistakes.length);
      data.mistakes.forEach((mistake, i) => {
        const result = verdict(data, e.mistakes[i], lang);
        assert.equal(result.status, "mistake", `${mistake.kind} typed as ${e.mistakes[i]}`);
        assert.equal(result.mistake, mistake, `${e.mistakes[i]}: the ${mistake.kind} mistake, not ${result.mistake.kind}`);
      });
    });

    test(`${name(e)}: a number far from the answer and every mistake is wrong`, () => {
      assert.deepEqual(verdict(data, e.wrong, lang), { status: "wrong" }, e.wrong);
    });

    test(`${name(e)}: within agrees with the build's at the edges of the tolerance`, () => {
      for (const probe of e.probes) {
        const value = decode(probe.value);
        const target = decode(probe.target);
        assert.ok(Object.is(parsed(probe.typed, lang), value), `${probe.typed} parses to ${value}`);
        assert.equal(within(value, target, data.tolerance), probe.within,
          `within(${value}, ${target}, ${data.tolerance})`);
      }
    });
  }
});

describe("choice exercises", () => {
  for (const e of exercises.filter((x) => x.data.type === "choice")) {
    test(`${name(e)}: the correct option is right, every other one wrong`, () => {
      const { data } = e;
      assert.ok(Number.isInteger(data.correct) && data.correct >= 0 && data.correct < data.options.length);
      data.options.forEach((option, i) => {
        const result = checkChoice(data, i);
        assert.equal(result.status, i === data.correct ? "right" : "wrong", `option ${i}`);
        assert.equal(result.option, option, `option ${i}'s explanation`);
      });
      assert.deepEqual(checkChoice(data, data.options.length), { status: "wrong", option: {} }, "no such option");
    });
  }
});

describe("parseAnswer: what a reader may type", () => {
  const GOOD = [
    ["0.25", 0.25], [" 0.25 ", 0.25], ["\u00a00.25\u202f", 0.25], ["+0.25", 0.25], [".5", 0.5], ["5.", 5],
    ["-0.25", -0.25], ["\u22120.25", -0.25], ["\u20130.25", -0.25], ["- 0.25", -0.25], ["1e-3", 0.001],
    ["1E-3", 0.001], ["2.5e+2", 250], ["10 000", 10000], ["0", 0], ["∞", Infinity], ["inf", Infinity],
    ["Infinity", Infinity], ["+inf", Infinity], ["-∞", -Infinity], ["\u2212∞", -Infinity], ["-inf", -Infinity],
    ["infinito", Infinity], ["INFINITE", Infinity],
  ]; // fmt: skip
  for (const lang of LANGS) {
    test(`numbers and infinities (${lang})`, () => {
      for (const [text, value] of GOOD) assert.deepEqual(parseAnswer(text, lang), { value }, JSON.stringify(text));
    });
  }

  test("a decimal comma: a number in Spanish, a clear 'use a point' in English", () => {
    for (const [text, value] of [["0,25", 0.25], [" 1,5 ", 1.5], ["\u22120,25", -0.25], [",5", 0.5], ["1,5e-3", 0.0015]]) {
      assert.deepEqual(parseAnswer(text, "es"), { value }, `es ${text}`);
      assert.deepEqual(parseAnswer(text, "en"), { error: "comma" }, `en ${text}`);
    }
  });

  // Bad input is reported as not understood, never turned into a number (so it never gets
  // a right / wrong verdict): the page shows the error and marks the field invalid.
  const BAD = {
    empty: ["", " ", "\u00a0", "\t\n"],
    invalid: ["abc", "0.5 bits", "1/2", "nan", "NaN", "0x10", "1e", "e5", "1.2.3", "--1", "+-1", "1-", "∞∞",
              "inf1", "½", "١٢", "0,5,0", "1.234,5", "1,234.5", "1,2,3", "abc,d"],
  }; // fmt: skip
  for (const lang of LANGS) {
    test(`bad input gives a parse error, not a number (${lang})`, () => {
      for (const [error, texts] of Object.entries(BAD)) {
        for (const text of texts) {
          const result = parseAnswer(text, lang);
          assert.deepEqual(result, { error }, `${JSON.stringify(text)} → ${JSON.stringify(result)}`);
          assert.ok(!("value" in result));
        }
      }
    });
  }

  test("an exercise's data in both notations the build writes: numbers and the strings inf / -inf", () => {
    assert.equal(toNumber("inf"), Infinity);
    assert.equal(toNumber("-inf"), -Infinity);
    assert.equal(toNumber(0.125), 0.125);
  });
});

describe("within: equal infinities, or finite and within the tolerance", () => {
  test("infinities", () => {
    assert.equal(within(Infinity, Infinity, 0.001), true);
    assert.equal(within(-Infinity, -Infinity, 0.001), true);
    assert.equal(within(-Infinity, Infinity, 0.001), false);
    assert.equal(within(1e308, Infinity, 0.001), false);
    assert.equal(within(Infinity, 1, 0.001), false);
    assert.equal(within(NaN, NaN, 0.001), false);
  });
  test("the tolerance is inclusive, with 1e-12 of slack for the decimal it was typed as", () => {
    assert.equal(within(1.001, 1, 0.001), true); // 1.001 − 1 is 0.00099999999999989
    assert.equal(within(1.0010000000005, 1, 0.001), true);
    assert.equal(within(1.0010000001, 1, 0.001), false);
    assert.equal(within(0.999, 1, 0.001), true);
  });
});
