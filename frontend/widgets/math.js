// The numbers the widgets show, computed in the page as the infotheory package computes
// them (tests/browser/test_widgets.py checks every readout against the package):
//
// * discrete: 0·log 0 = 0, p·log(p/0) = +∞ for p > 0, results clamped at 0 (infotheory's
//   discrete.py and _terms.py);
// * softmax from shifted logits (logits.py);
// * Gaussians and mixtures through their log-densities, adaptive Gauss–Legendre
//   integration with infinite ranges mapped onto finite ones, and the Nelder–Mead
//   minimiser of the package's fits (continuous.py and _numerics.py, ported line by line).

export const LN2 = Math.LN2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Divide nats by this to get the unit: 1 for nats, ln 2 for bits. */
export const unitDivisor = (unit) => (unit === "bits" ? LN2 : 1);

// ----------------------------------------------------------------- discrete

/** H(P), in nats. */
export function entropy(p) {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log(v);
  return Math.max(h, 0);
}

/** H(P, Q), in nats; +∞ when Q is 0 where P is not. */
export function crossEntropy(p, q) {
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] > 0)) continue;
    if (!(q[i] > 0)) return Infinity;
    h -= p[i] * Math.log(q[i]);
  }
  return Math.max(h, 0);
}

/** D(P ‖ Q), in nats; +∞ when Q is 0 where P is not. Summed term by term, clamped at 0. */
export function klDivergence(p, q) {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] > 0)) continue;
    if (!(q[i] > 0)) return Infinity;
    const ratio = p[i] / q[i];
    d += p[i] * (Number.isFinite(ratio) && ratio > 0 ? Math.log(ratio) : Math.log(p[i]) - Math.log(q[i]));
  }
  return Math.max(d, 0);
}

/** The outcomes where `a` has mass and `b` has none (what makes D(A ‖ B) infinite). */
export function supportGaps(a, b) {
  const gaps = [];
  for (let i = 0; i < a.length; i++) if (a[i] > 0 && !(b[i] > 0)) gaps.push(i);
  return gaps;
}

/**
 * Set entry `index` of the distribution `p` to `value` (clamped to [0, 1]) and rescale the
 * other entries so that the whole still sums to 1: in proportion to their current values,
 * or equally if they are all 0.
 */
export function setProbability(p, index, value) {
  const v = Math.min(1, Math.max(0, value));
  const rest = 1 - v;
  let others = 0;
  for (let i = 0; i < p.length; i++) if (i !== index) others += p[i];
  return p.map((x, i) => {
    if (i === index) return v;
    if (others > 0) return (x / others) * rest;
    return rest / (p.length - 1);
  });
}

/** `p` without entry `index`, renormalised (equal shares if nothing is left). */
export function removeOutcome(p, index) {
  const kept = p.filter((_, i) => i !== index);
  const total = kept.reduce((a, b) => a + b, 0);
  return total > 0 ? kept.map((x) => x / total) : kept.map(() => 1 / kept.length);
}

// ----------------------------------------------------------------- logits

/** softmax(z / T), from logits shifted by their maximum (never overflows). */
export function softmax(z, temperature = 1) {
  const top = Math.max(...z);
  const e = z.map((v) => (v === -Infinity ? 0 : Math.exp((v - top) / temperature)));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/**
 * Cross-entropy with label smoothing ε of logits `z` for the class `y`, in nats:
 * log Σ exp(z) − (1 − ε) z_y − ε · mean(z), as cross_entropy_from_logits computes it.
 */
export function crossEntropyFromLogits(z, y, eps = 0) {
  const top = Math.max(...z);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - top);
  const lse = top + Math.log(sum);
  let loss = lse;
  if (eps < 1) loss -= (1 - eps) * z[y];
  if (eps) loss -= (eps * z.reduce((a, b) => a + b, 0)) / z.length;
  return loss;
}

/** The label-smoothed target (1 − ε) e_y + ε / K. */
export function smoothedTarget(k, y, eps) {
  return Array.from({ length: k }, (_, i) => (i === y ? 1 - eps : 0) + eps / k);
}

// ----------------------------------------------------------------- Gaussians

/** log N(x; mean, std²). */
export function gaussianLogpdf(x, mean, std) {
  const z = (x - mean) / std;
  return -0.5 * z * z - Math.log(std) - LOG_SQRT_2PI;
}

/** Log-density of Σ w_k N(μ_k, σ_k²) at x, by log-sum-exp (never underflows). */
export function mixtureLogpdf(x, weights, means, stds) {
  if (!Number.isFinite(x)) return -Infinity;
  let top = -Infinity;
  const terms = weights.map((w, k) => {
    const t = Math.log(w) + gaussianLogpdf(x, means[k], stds[k]);
    if (t > top) top = t;
    return t;
  });
  if (!Number.isFinite(top)) return -Infinity;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - top);
  return top + Math.log(sum);
}

/** The truth of the forward-vs-reverse page: ½ N(−d, s²) + ½ N(d, s²). */
export function bimodal(d, s = 0.7) {
  const weights = [0.5, 0.5];
  const means = [-d, d];
  const stds = [s, s];
  return {
    weights,
    means,
    stds,
    logpdf: (x) => mixtureLogpdf(x, weights, means, stds),
    mean: 0.5 * -d + 0.5 * d,
    // Σ w (σ² + μ²) − mean², as GaussianMixture.var
    std: Math.sqrt(0.5 * (s * s + d * d) + 0.5 * (s * s + d * d) - (0.5 * -d + 0.5 * d) ** 2),
  };
}

export function gaussian(mean, std) {
  return { mean, std, logpdf: (x) => gaussianLogpdf(x, mean, std) };
}

// ----------------------------------------------------------------- quadrature

// Gauss–Legendre nodes and weights on [−1, 1] (Newton's method on the Legendre polynomial).
function legendre(n) {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const dp = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / dp;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    let p0 = 1;
    let p1 = x;
    for (let k = 2; k <= n; k++) {
      const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    const dp = (n * (x * p1 - p0)) / (x * x - 1);
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2) nodes[(n - 1) / 2] = 0;
  return [nodes, weights];
}

const COARSE = legendre(10);
const FINE = legendre(21);

function toFinite(f, lower, upper) {
  if (Number.isFinite(lower) && Number.isFinite(upper)) return [f, lower, upper];
  if (!Number.isFinite(lower) && !Number.isFinite(upper)) {
    return [
      (t) => {
        const d = 1 - t * t;
        return (f(t / d) * (1 + t * t)) / (d * d);
      },
      -1,
      1,
    ];
  }
  if (Number.isFinite(lower)) {
    return [
      (t) => {
        const d = 1 - t;
        return f(lower + t / d) / (d * d);
      },
      0,
      1,
    ];
  }
  return [
    (t) => {
      const d = 1 - t;
      return f(upper - t / d) / (d * d);
    },
    0,
    1,
  ];
}

function rule(g, lo, hi, [nodes, weights]) {
  const half = 0.5 * (hi - lo);
  const mid = 0.5 * (hi + lo);
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) sum += g(mid + half * nodes[i]) * weights[i];
  return half * sum;
}

/**
 * ∫ f over [lower, upper] (either may be infinite), globally adaptive: every interval whose
 * error estimate exceeds its share of the tolerance is bisected, until the total error is
 * below max(atol, rtol·|integral|). An infinite value anywhere is returned at once.
 */
export function integrate(f, lower, upper, { rtol = 1e-10, atol = 1e-13, maxIntervals = 20000 } = {}) {
  const [g, a, b] = toFinite(f, lower, upper);
  let lo = [];
  let hi = [];
  for (let i = 0; i < 8; i++) {
    lo.push(a + ((b - a) * i) / 8);
    hi.push(i === 7 ? b : a + ((b - a) * (i + 1)) / 8);
  }
  let settledValue = 0;
  let settledError = 0;
  let count = lo.length;
  for (;;) {
    const fine = lo.map((l, i) => rule(g, l, hi[i], FINE));
    for (const v of fine) if (v === Infinity || v === -Infinity) return v;
    const error = lo.map((l, i) => Math.abs(fine[i] - rule(g, l, hi[i], COARSE)));
    const value = settledValue + fine.reduce((s, v) => s + v, 0);
    const tolerance = Math.max(atol, rtol * Math.abs(value));
    const totalError = settledError + error.reduce((s, v) => s + v, 0);
    if (totalError <= tolerance) return value;
    const nextLo = [];
    const nextHi = [];
    for (let i = 0; i < lo.length; i++) {
      if (error[i] <= (tolerance * (hi[i] - lo[i])) / (b - a)) {
        settledValue += fine[i];
        settledError += error[i];
      } else {
        nextLo.push(lo[i]);
        nextHi.push(hi[i]);
      }
    }
    count += nextLo.length;
    if (count > maxIntervals || !Number.isFinite(value)) return NaN;
    lo = [];
    hi = [];
    for (let i = 0; i < nextLo.length; i++) {
      const mid = 0.5 * (nextLo[i] + nextHi[i]);
      lo.push(nextLo[i]);
      hi.push(mid);
    }
    for (let i = 0; i < nextLo.length; i++) {
      const mid = 0.5 * (nextLo[i] + nextHi[i]);
      lo.push(mid);
      hi.push(nextHi[i]);
    }
  }
}

/** How far from 1 a density's mass over the domain may be, as in infotheory.continuous. */
export const MASS_TOLERANCE = 1e-6;

/**
 * D(P ‖ Q) = ∫ p log(p/q) over [lower, upper], from log-densities, in nats, as
 * kl_divergence_continuous. Each density must integrate to 1 over the domain within
 * MASS_TOLERANCE (else the integral is not a divergence, and can be negative); with
 * `normalize` each is divided by its mass there first: the divergence between the two
 * densities truncated to the window, (1/Z_p) ∫ p log(p/q) − log Z_p + log Z_q.
 */
export function klContinuous(p, q, { lower = -Infinity, upper = Infinity, rtol = 1e-10, normalize = false } = {}) {
  // As kl_divergence_continuous: NaN bounds and an empty or reversed domain are refused.
  if (Number.isNaN(lower) || Number.isNaN(upper) || !(lower < upper)) {
    throw new RangeError(`lower must be < upper, got ${lower} and ${upper}`);
  }
  const mass = (f) => integrate((x) => Math.exp(f.logpdf(x)), lower, upper, { rtol: Math.min(rtol, 1e-9) });
  const zp = mass(p);
  const zq = mass(q);
  for (const [name, z] of [["p", zp], ["q", zq]]) {
    if (normalize ? !(z > 0) : !(Math.abs(z - 1) <= MASS_TOLERANCE)) {
      throw new RangeError(`${name} integrates to ${z} over [${lower}, ${upper}]` +
        (normalize ? ", so it cannot be normalized" : `, not to 1: pass normalize: true`));
    }
  }
  const integrand = (x) => {
    const lp = p.logpdf(x);
    if (lp === -Infinity) return 0;
    const ratio = lp - q.logpdf(x);
    if (ratio === Infinity) return Infinity;
    return Math.exp(lp) * ratio;
  };
  const raw = integrate(integrand, lower, upper, { rtol });
  const d = normalize ? raw / zp - Math.log(zp) + Math.log(zq) : raw;
  return Math.max(d, 0);
}

// ----------------------------------------------------------------- fits

/** Nelder–Mead simplex minimisation, as infotheory._numerics.minimize. */
export function minimize(f, x0, { step = 0.1, xtol = 1e-10, ftol = 1e-15, maxIter = 5000 } = {}) {
  const n = x0.length;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) simplex.push(x0.map((v, j) => v + (i === j ? step : 0)));
  let values = simplex.map(f);
  const add = (a, b, t) => a.map((v, i) => v + t * (b[i] - v)); // a + t (b − a)
  for (let iter = 0; iter < maxIter; iter++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    let spread = 0;
    for (let k = 1; k <= n; k++) for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(simplex[k][i] - simplex[0][i]));
    if (spread <= xtol && values[n] - values[0] <= ftol) return simplex[0];
    const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, v) => s + v[i], 0) / n);
    const worst = simplex[n];
    const reflected = add(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < values[0]) {
      const expanded = add(centroid, worst, -2);
      const fe = f(expanded);
      if (fe < fr) [simplex[n], values[n]] = [expanded, fe];
      else [simplex[n], values[n]] = [reflected, fr];
    } else if (fr < values[n - 1]) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const inside = fr >= values[n];
      const target = inside ? worst : reflected;
      const contracted = add(centroid, target, 0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, values[n])) {
        [simplex[n], values[n]] = [contracted, fc];
      } else {
        for (let k = 1; k <= n; k++) {
          simplex[k] = add(simplex[0], simplex[k], 0.5);
          values[k] = f(simplex[k]);
        }
      }
    }
  }
  throw new Error(`minimisation did not converge in ${maxIter} iterations`);
}

/** D(Q ‖ P) over the whole line for Q = N(mean, std²): the reverse objective. */
export function reverseKl(p, mean, std) {
  return klContinuous(gaussian(mean, std), p, { rtol: 1e-12 });
}

/** The forward optimum (moment matching): fit_gaussian_forward_kl. */
export function fitForward(p) {
  return { mean: p.mean, std: p.std, kl: klContinuous(p, gaussian(p.mean, p.std)) };
}

/** The reverse fit reached from one start, as fit_gaussian_reverse_kl(p, start=...). */
export function fitReverseFrom(p, start) {
  const objective = (v) => reverseKl(p, v[0], Math.exp(v[1]));
  const v = minimize(objective, [start[0], Math.log(start[1])], { step: 0.05, xtol: 1e-8, ftol: 1e-13 });
  return { mean: v[0], std: Math.exp(v[1]), kl: Math.max(objective(v), 0), start };
}

/**
 * The reverse optimum as fit_gaussian_reverse_kl(p) searches for it: from each component
 * and from the moment-matched Gaussian, keeping the best. Ties (the two mirror-image modes
 * of a symmetric truth) go to the start on the side of `side` (a mean).
 */
export function fitReverse(p, side = 0) {
  const starts = p.means.map((m, k) => [m, p.stds[k]]).concat([[p.mean, p.std]]);
  let best = null;
  for (const [startIndex, start] of starts.entries()) {
    const fit = { ...fitReverseFrom(p, start), startIndex };
    if (!best || fit.kl < best.kl - 1e-9) best = fit;
    else if (Math.abs(fit.kl - best.kl) <= 1e-9 && Math.sign(fit.mean) === Math.sign(side || 1) && Math.sign(best.mean) !== Math.sign(side || 1)) best = fit;
  }
  return best;
}
