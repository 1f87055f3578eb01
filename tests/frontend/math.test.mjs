// node --test: frontend/widgets/math.js, the widgets' numbers, against the package.
// The expected values come from tests/frontend/test_node_units.py (run it through pytest).
//
// Tolerances. math.js mirrors infotheory's numerics, not its bits, so each comparison allows
// what the two computations may differ by, with a margin:
// * FORMULA (1e-12, absolute and relative): closed-form sums, softmax, log-densities and
//   moments. The same formulas in double precision; only Math.log/exp against numpy's (an
//   ulp or so) and the order of a few additions differ, which is ~1e-15 relative.
// * QUADRATURE (1e-9 relative, 1e-12 absolute): `integrate` against the package's
//   _numerics.integrate and the exact value. Both stop at an error estimate below rtol =
//   1e-10 of the integral (atol 1e-13), with nodes computed differently (Newton's method
//   here, numpy's leggauss there); 1e-9 is ten times the accuracy either one promises.
// * DIVERGENCE (1e-8 absolute and relative): klContinuous. The package integrates a
//   mixture component by component in each one's own coordinates and takes masses in logs;
//   math.js integrates in x. Each is accurate to rtol 1e-10, the masses to 1e-9, and with
//   `normalize` three such terms add up: 1e-8 is ten times that.
// * FIT_PARAMETER (1e-6 absolute) and FIT_KL (1e-10 absolute): the Nelder–Mead fits. Both
//   stop once the simplex is within xtol = 1e-8 and its values within ftol = 1e-13, but in
//   different coordinates (the package standardises P first), so the optimum is pinned
//   only to about sqrt(ftol / curvature) ≈ 1e-6 in (μ, log σ); the divergence at the
//   bottom of the valley is quadratic in that, ~1e-12, plus the quadrature's 1e-12.
// * MINIMUM (1e-6 absolute): `minimize` against the exact minimiser and the package's
//   result, for the same reason (ftol = 1e-15 on a function of curvature ~1 pins x to
//   ~3e-8; the margin covers Rosenbrock's flat valley).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import * as m from "../../frontend/widgets/math.js";
import { close, math } from "./expected.mjs";

const FORMULA = { abs: 1e-12, rel: 1e-12 };
const QUADRATURE = { abs: 1e-12, rel: 1e-9 };
const DIVERGENCE = { abs: 1e-8, rel: 1e-8 };
const FIT_PARAMETER = { abs: 1e-6 };
const FIT_KL = { abs: 1e-10 };
const MINIMUM = { abs: 1e-6 };

const fmt = (x) => JSON.stringify(x, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const dot = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);

// ----------------------------------------------------------------------------- discrete

describe("entropy, cross-entropy and KL of discrete distributions", () => {
  for (const c of math.discrete) {
    test(`P = ${fmt(c.p)}, Q = ${fmt(c.q)}`, () => {
      close(m.entropy(c.p), c.H_P, FORMULA, "H(P)");
      close(m.entropy(c.q), c.H_Q, FORMULA, "H(Q)");
      close(m.crossEntropy(c.p, c.q), c.H_PQ, FORMULA, "H(P, Q)");
      close(m.klDivergence(c.p, c.q), c.D_PQ, FORMULA, "D(P‖Q)");
      close(m.klDivergence(c.q, c.p), c.D_QP, FORMULA, "D(Q‖P)");
      const bits = m.unitDivisor("bits");
      close(m.entropy(c.p) / bits, c.bits.H_P, FORMULA, "H(P) in bits");
      close(m.crossEntropy(c.p, c.q) / bits, c.bits.H_PQ, FORMULA, "H(P, Q) in bits");
      close(m.klDivergence(c.p, c.q) / bits, c.bits.D_PQ, FORMULA, "D(P‖Q) in bits");
      assert.equal(m.unitDivisor("nats"), 1);
      // The outcomes that make D(P‖Q) infinite are exactly where the package says ∞.
      assert.equal(m.supportGaps(c.p, c.q).length > 0, c.D_PQ === Infinity, "support gaps of D(P‖Q)");
      assert.equal(m.supportGaps(c.q, c.p).length > 0, c.D_QP === Infinity, "support gaps of D(Q‖P)");
    });
  }

  test("the support gaps are the outcomes where the first has mass and the second none", () => {
    assert.deepEqual(m.supportGaps([0.5, 0, 0.25, 0.25], [0.5, 0.5, 0, 0]), [2, 3]);
    assert.deepEqual(m.supportGaps([0.5, 0.5], [0.5, 0.5]), []);
  });
});

describe("editing a distribution keeps it one", () => {
  test("setProbability rescales the others in proportion", () => {
    const p = m.setProbability([0.5, 0.3, 0.2], 0, 0.8);
    close(p, [0.8, 0.12, 0.08], FORMULA, "p");
    close(sum(p), 1, FORMULA, "sum");
  });
  test("setProbability clamps to [0, 1] and shares equally when the others are all 0", () => {
    close(m.setProbability([0.5, 0.5], 1, 1.7), [0, 1], FORMULA, "clamped above");
    close(m.setProbability([0.5, 0.5], 1, -0.2), [1, 0], FORMULA, "clamped below");
    close(m.setProbability([1, 0, 0], 0, 0.4), [0.4, 0.3, 0.3], FORMULA, "equal shares");
  });
  test("removeOutcome renormalises what is left, equal shares if nothing is", () => {
    close(m.removeOutcome([0.5, 0.25, 0.25], 0), [0.5, 0.5], FORMULA, "renormalised");
    close(m.removeOutcome([1, 0, 0], 0), [0.5, 0.5], FORMULA, "equal shares");
  });
});

// ----------------------------------------------------------------------------- logits

describe("softmax at a temperature and its entropy", () => {
  for (const c of math.softmax) {
    test(`z = ${fmt(c.z)}, T = ${c.T}`, () => {
      const q = m.softmax(c.z, c.T);
      close(q, c.q, FORMULA, "softmax");
      close(sum(q), 1, FORMULA, "sum");
      close(m.entropy(q), c.H_q, FORMULA, "H(q)");
      close(m.entropy(q), c.entropy_from_logits, FORMULA, "entropy_from_logits");
    });
  }
  test("the default temperature is 1", () => {
    assert.deepEqual(m.softmax([2, 1, 0.1]), m.softmax([2, 1, 0.1], 1));
  });
});

describe("label smoothing (the temperature widget)", () => {
  for (const c of math.smoothing) {
    test(`z = ${fmt(c.z)}, T = ${c.T}, ε = ${c.eps}, y = ${c.y}`, () => {
      const scaled = c.z.map((v) => v / c.T);
      const target = m.smoothedTarget(c.z.length, c.y, c.eps);
      close(target, c.target, FORMULA, "target");
      close(m.crossEntropyFromLogits(scaled, c.y, c.eps), c.loss, FORMULA, "loss");
      close(m.crossEntropyFromLogits(scaled, c.y, 0), c.nll, FORMULA, "unsmoothed loss");
      close(m.crossEntropyFromLogits(scaled, c.y), c.nll, FORMULA, "default ε = 0");
      close(m.entropy(target), c.floor, FORMULA, "floor H(p̃)");
    });
  }
});

describe("the KL leash: π* = softmax(log π_ref + r/β)", () => {
  for (const c of math.leash) {
    test(`π_ref = ${fmt(c.ref)}, r = ${fmt(c.reward)}, β = ${c.beta}`, () => {
      const pi = m.softmax(c.ref.map((r, i) => Math.log(r) + c.reward[i] / c.beta));
      close(pi, c.pi, FORMULA, "π*");
      close(dot(pi, c.reward), c.E_r, FORMULA, "E[r]");
      close(m.klDivergence(pi, c.ref), c.D_pi_ref, FORMULA, "D(π*‖π_ref)");
    });
  }
});

// ----------------------------------------------------------------------------- densities

describe("Gaussian and mixture log-densities and moments", () => {
  for (const c of math.densities) {
    if (c.kind === "bimodal") {
      test(`bimodal d = ${c.d}, s = ${c.s}: mean, std and log-density`, () => {
        const p = m.bimodal(c.d, c.s);
        close(p.mean, c.mean, FORMULA, "mean");
        close(p.std, c.std, FORMULA, "std");
        c.x.forEach((x, i) => close(p.logpdf(x), c.logpdf[i], FORMULA, `logpdf(${x})`));
        assert.deepEqual([p.weights, p.means, p.stds], [[0.5, 0.5], [-c.d, c.d], [c.s, c.s]]);
      });
    } else if (c.kind === "mixture") {
      test(`mixture ${fmt(c.weights)}, ${fmt(c.means)}, ${fmt(c.stds)}: log-density`, () => {
        c.x.forEach((x, i) => close(m.mixtureLogpdf(x, c.weights, c.means, c.stds), c.logpdf[i], FORMULA, `logpdf(${x})`));
      });
    } else {
      test(`Gaussian N(${c.mean}, ${c.std}²): log-density`, () => {
        const g = m.gaussian(c.mean, c.std);
        assert.deepEqual([g.mean, g.std], [c.mean, c.std]);
        c.x.forEach((x, i) => {
          close(g.logpdf(x), c.logpdf[i], FORMULA, `logpdf(${x})`);
          close(m.gaussianLogpdf(x, c.mean, c.std), c.logpdf[i], FORMULA, `gaussianLogpdf(${x})`);
        });
      });
    }
  }
});

// ----------------------------------------------------------------------------- quadrature

// The integrands of test_node_units.py's INTEGRANDS, by name.
const INTEGRANDS = {
  normal: (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI),
  "x2 normal": (x) => (x * x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  cauchy: (x) => 1 / (Math.PI * (1 + x * x)),
  exp: (x) => Math.exp(-x),
  cubic: (x) => x ** 3 - 2 * x,
  "1/x": (x) => 1 / x,
  infinite: () => Infinity,
};

describe("integrate: adaptive Gauss–Legendre, infinite ranges mapped onto finite ones", () => {
  for (const c of math.integrals) {
    const what = `∫ ${c.integrand} over [${c.lower}, ${c.upper}]`;
    if (c.package_error !== undefined) {
      test(`${what} does not converge: NaN (the package raises)`, () => {
        assert.ok(Number.isNaN(m.integrate(INTEGRANDS[c.integrand], c.lower, c.upper)));
      });
    } else {
      test(what, () => {
        const value = m.integrate(INTEGRANDS[c.integrand], c.lower, c.upper);
        close(value, c.package, QUADRATURE, "against the package");
        close(value, c.exact, QUADRATURE, "against the exact value");
      });
    }
  }

  test("an infinite value anywhere is returned at once", () => {
    let calls = 0;
    const f = (x) => (++calls, x > 0.5 ? -Infinity : 1);
    assert.equal(m.integrate(f, 0, 1), -Infinity);
    assert.ok(calls <= 8 * 21, `${calls} calls: no more than one pass of the 21-point rule over the first 8 intervals`);
  });

  test("a tighter rtol gives a closer value, maxIntervals bounds the work", () => {
    const exact = Math.PI / 4; // ∫ 1/(1+x²) over [0, 1]
    const f = (x) => 1 / (1 + x * x);
    assert.ok(Math.abs(m.integrate(f, 0, 1, { rtol: 1e-14 }) - exact) <= 1e-15);
    assert.ok(Number.isNaN(m.integrate((x) => Math.sin(1 / x), 1e-4, 1, { maxIntervals: 16 })));
  });
});

// ----------------------------------------------------------------------------- divergences

function density(spec) {
  switch (spec.kind) {
    case "bimodal":
      return m.bimodal(spec.d, spec.s);
    case "gaussian":
      return m.gaussian(spec.mean, spec.std);
    case "mixture":
      return { logpdf: (x) => m.mixtureLogpdf(x, spec.weights, spec.means, spec.stds) };
    case "uniform": {
      const level = -Math.log(spec.b - spec.a);
      return { logpdf: (x) => (x >= spec.a && x <= spec.b ? level : -Infinity) };
    }
    default:
      throw new Error(spec.kind);
  }
}

const kl = (c) =>
  m.klContinuous(density(c.p), density(c.q), { lower: c.lower, upper: c.upper, normalize: c.normalize });

// Where math.js parts from the package on purpose or by limitation: what it does instead.
const DIFFERENT = {
  // No per-component coordinates: a Gaussian 1e6 away from 0 and 1e-6 wide is not seen on
  // the infinite range, and inside a window of 2e-5 around it x has too few digits for the
  // quadrature to converge. It refuses (a RangeError about the mass) rather than answer.
  "far and narrow, whole line": "throws",
  "far and narrow, a window around them": "throws",
  // Masses are not taken in logs: exp(-1.4e5) is 0, so it cannot normalize.
  "mass that underflows, normalized": "throws",
};
describe("klContinuous, with and without normalize, against kl_divergence_continuous", () => {
  for (const c of math.kl) {
    if (DIFFERENT[c.name]) {
      test(`${c.name}: throws (the package gives ${c.expected})`, () => {
        assert.throws(() => kl(c), RangeError);
      });
    } else if (c.error && c.error.reason === "bounds") {
      test(`${c.name}: refused, as the package refuses it (${c.error.message})`, () => {
        assert.throws(() => kl(c), RangeError);
      });
    } else if (c.error) {
      test(`${c.name}: ${c.error.density} is refused (${c.error.reason})`, () => {
        const phrase = c.error.reason === "not-one" ? /, not to 1: pass normalize: true$/ : /, so it cannot be normalized$/;
        assert.throws(() => kl(c), (e) => {
          assert.ok(e instanceof RangeError, `${e}`);
          assert.ok(e.message.startsWith(`${c.error.density} integrates to `), e.message);
          assert.match(e.message, phrase);
          return true;
        });
      });
    } else {
      test(c.name, () => {
        const d = kl(c);
        close(d, c.expected, DIVERGENCE, "D");
        if (c.closed_form !== undefined) close(d, c.closed_form, DIVERGENCE, "closed form");
        assert.ok(d >= 0, "clamped at 0");
      });
    }
  }

  test("the mass tolerance is the package's 1e-6", () => {
    assert.equal(m.MASS_TOLERANCE, 1e-6);
  });

  test("a window holding all but less than 1e-6 needs no normalize, and gives the same either way", () => {
    const p = m.gaussian(0, 1);
    const q = m.gaussian(0.5, 1);
    const plain = m.klContinuous(p, q, { lower: -6, upper: 6 }); // 2e-9 of each outside
    const normalized = m.klContinuous(p, q, { lower: -6, upper: 6, normalize: true });
    close(plain, 0.125, { abs: 1e-6 }, "plain");
    close(normalized, 0.125, { abs: 1e-6 }, "normalized");
  });

  test("a density that is not one (half a normal) is refused, not turned into a negative number", () => {
    const half = { logpdf: (x) => m.gaussianLogpdf(x, 0, 1) - Math.LN2 };
    assert.throws(() => m.klContinuous(half, m.gaussian(0, 1)), /^RangeError: p integrates to 0\.(5|49999)\d* over \[-Infinity, Infinity\], not to 1/);
    close(m.klContinuous(half, m.gaussian(0, 1), { normalize: true }), 0, DIVERGENCE, "normalized: P = Q");
  });
});

// ----------------------------------------------------------------------------- fits

// The functions of test_node_units.py's FUNCTIONS, by name.
const FUNCTIONS = {
  bowl: (v) => (v[0] - 1) ** 2 + 10 * (v[1] + 2) ** 2,
  rosenbrock: (v) => (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
  parabola: (v) => (v[0] - 3) ** 2 + 0.5,
};
const OPTIONS = { step: "step", xtol: "xtol", ftol: "ftol", max_iter: "maxIter" };
const options = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [OPTIONS[k], v]));

describe("minimize: Nelder–Mead, as infotheory._numerics.minimize", () => {
  for (const c of math.minimize) {
    const what = `${c.function} from ${fmt(c.x0)} with ${fmt(c.options)}`;
    if (c.package_error !== undefined) {
      test(`${what}: does not converge, and says so`, () => {
        assert.throws(() => m.minimize(FUNCTIONS[c.function], c.x0, options(c.options)),
          /^Error: minimisation did not converge in \d+ iterations$/);
      });
    } else {
      test(what, () => {
        const x = m.minimize(FUNCTIONS[c.function], c.x0, options(c.options));
        close(x, c.exact, MINIMUM, "against the exact minimiser");
        close(x, c.package, MINIMUM, "against the package");
      });
    }
  }

  test("the start is not modified", () => {
    const x0 = [0, 0];
    m.minimize(FUNCTIONS.bowl, x0);
    assert.deepEqual(x0, [0, 0]);
  });
});

describe("the Gaussian fits of the forward-vs-reverse widget", () => {
  for (const c of math.fits) {
    const p = m.bimodal(c.d);

    test(`d = ${c.d}: the forward optimum, fit_gaussian_forward_kl`, () => {
      const fit = m.fitForward(p);
      close(fit.mean, c.forward.mean, FORMULA, "μ");
      close(fit.std, c.forward.std, FORMULA, "σ");
      close(fit.kl, c.forward.kl, FIT_KL, "D(P‖Q)");
    });

    test(`d = ${c.d}: the reverse optimum, fit_gaussian_reverse_kl, on either side`, () => {
      for (const side of [1, -1]) {
        const fit = m.fitReverse(p, side);
        // The mirror image of the package's fit is as good: compare |μ|.
        close(Math.abs(fit.mean), Math.abs(c.reverse.mean), FIT_PARAMETER, `|μ| (side ${side})`);
        close(fit.std, c.reverse.std, FIT_PARAMETER, `σ (side ${side})`);
        close(fit.kl, c.reverse.kl, FIT_KL, `D(Q‖P) (side ${side})`);
        if (Math.abs(c.reverse.mean) > 0.1) assert.equal(Math.sign(fit.mean), side, "the mode on the side asked for");
        assert.ok(fit.startIndex >= 0 && fit.startIndex <= 2, "one of the three starts");
      }
    });

    test(`d = ${c.d}: from the moment-matched start, fit_gaussian_reverse_kl(p, start=(mean, std))`, () => {
      const fit = m.fitReverseFrom(p, [p.mean, p.std]);
      close(Math.abs(fit.mean), Math.abs(c.local.mean), FIT_PARAMETER, "|μ|");
      close(fit.std, c.local.std, FIT_PARAMETER, "σ");
      close(fit.kl, c.local.kl, FIT_KL, "D(Q‖P)");
      close(m.reverseKl(p, fit.mean, fit.std), fit.kl, FIT_KL, "reverseKl at the fit");
    });
  }
});
