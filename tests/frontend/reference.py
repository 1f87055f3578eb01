"""What ``frontend/widgets/math.js`` must compute, computed by the package.

Each ``*_cases()`` returns the cases of one ``describe`` of ``math.test.mjs``, with the
package's values; :func:`encode` turns them into JSON (non-finite floats as strings). The
integrands and functions that cannot travel as JSON are written in both files, by name.
"""

from __future__ import annotations

import math

import numpy as np

from infotheory import (
    Gaussian,
    GaussianMixture,
    cross_entropy,
    cross_entropy_from_logits,
    entropy,
    entropy_from_logits,
    fit_gaussian_forward_kl,
    fit_gaussian_reverse_kl,
    kl_divergence,
    kl_divergence_continuous,
    kl_divergence_gaussian,
    softmax,
)
from infotheory import _numerics as numerics  # the integrator and minimiser math.js ports


def encode(value):
    """numpy and non-finite floats as JSON: ``inf``, ``-inf`` and ``nan`` become strings."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [encode(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if math.isnan(x):
            return "nan"
        return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")
    return value


def everything() -> dict:
    """Every case of math.test.mjs, encoded."""
    return encode(
        {
            "discrete": discrete_cases(),
            "softmax": softmax_cases(),
            "smoothing": smoothing_cases(),
            "leash": leash_cases(),
            "densities": density_cases(),
            "kl": kl_cases(),
            "fits": fit_cases(),
            "integrals": integral_cases(),
            "minimize": minimize_cases(),
        }
    )


# ----------------------------------------------------------------------------- discrete

DISCRETE = [
    ([0.5, 0.5], [0.9, 0.1]),
    ([0.6, 0.25, 0.14, 0.01], [0.25, 0.25, 0.25, 0.25]),
    ([0.2, 0.3, 0.5], [0.5, 0.3, 0.2]),
    ([1.0, 0.0], [0.5, 0.5]),  # 0·log 0 = 0 in P
    ([0.5, 0.5], [1.0, 0.0]),  # Q is 0 where P is not: ∞
    ([0.0, 1.0], [0.0, 1.0]),  # both 0 there: the term is 0
    ([0.3, 0.3, 0.4], [0.3, 0.3, 0.4]),  # P = Q: 0, clamped
    ([0.5, 0.5], [1.0, 5e-324]),  # p/q overflows: the log difference takes over
    ([0.1] * 10, [0.05] * 5 + [0.15] * 5),
]


def discrete_cases() -> list[dict]:
    return [
        dict(
            p=p,
            q=q,
            H_P=entropy(p),
            H_Q=entropy(q),
            H_PQ=cross_entropy(p, q),
            D_PQ=kl_divergence(p, q),
            D_QP=kl_divergence(q, p),
            bits=dict(
                H_P=entropy(p, base=2),
                H_PQ=cross_entropy(p, q, base=2),
                D_PQ=kl_divergence(p, q, base=2),
            ),
        )
        for p, q in DISCRETE
    ]


# ----------------------------------------------------------------------------- logits

LOGITS = [
    [2, 1, 0.1],
    [0, 0],
    [5, 5, 5, 5],
    [1000, 0, -1000],
    [30, -30],
    [-math.inf, 0, 1],
    [3.5, -1.25, 0.5, 2, -4, 1],
]
TEMPERATURES = [0.05, 0.1, 0.5, 1, 2, 10, 100]


def softmax_cases() -> list[dict]:
    cases = []
    for z in LOGITS:
        x = np.array(z, dtype=float)
        for t in TEMPERATURES:
            q = softmax(x, temperature=t)
            logits_entropy = entropy_from_logits(x, temperature=t)
            cases.append(dict(z=z, T=t, q=q, H_q=entropy(q), entropy_from_logits=logits_entropy))
    return cases


def smoothing_cases() -> list[dict]:
    """The temperature widget's readouts, as tests/browser/test_widgets.py computes them."""
    cases = []
    for z in [[2, 1, 0.1], [3.5, -1.25, 0.5, 2, -4, 1], [0, 0]]:
        x = np.array(z, dtype=float)
        for t in (0.1, 0.5, 1, 2, 10):
            for eps in (0, 0.1, 0.5, 1):
                for y in range(len(z)):
                    target = (1 - eps) * np.eye(x.size)[y] + eps / x.size
                    loss = cross_entropy_from_logits(x / t, y, label_smoothing=eps)
                    nll = cross_entropy_from_logits(x / t, y)
                    case = dict(z=z, T=t, eps=eps, y=y, target=target, loss=loss, nll=nll)
                    cases.append({**case, "floor": entropy(target)})
    return cases


def leash_cases() -> list[dict]:
    """The KL-leash widget: π* = softmax(log π_ref + r/β), E[r] and D(π*‖π_ref)."""
    cases = []
    for ref in ([0.6, 0.25, 0.14, 0.01], [0.25, 0.25, 0.25, 0.25], [0.7, 0.3, 0.0, 0.0]):
        for reward in ([0, 1, 1.5, 3], [-2, 0, 2, 4]):
            r = np.array(reward, dtype=float)
            for beta in (0.05, 0.1, 0.5, 1, 10, 20):
                with np.errstate(divide="ignore"):
                    pi = softmax(np.log(np.array(ref)) + r / beta)
                case = dict(ref=ref, reward=reward, beta=beta, pi=pi, E_r=pi @ r)
                cases.append({**case, "D_pi_ref": kl_divergence(pi, ref)})
    return cases


# ----------------------------------------------------------------------------- densities

POINTS = [-math.inf, -1e3, -50.0, -6.0, -2.2, -0.7, 0.0, 0.3, 1.1, 2.2, 6.0, 50.0, 1e3, math.inf]


def density_cases() -> list[dict]:
    cases = []
    x = np.array(POINTS)
    with np.errstate(all="ignore"):  # the log-density is -inf at ±inf
        for d, s in ((0.0, 0.7), (0.5, 0.7), (1.5, 0.7), (2.2, 0.7), (3.5, 0.7), (2.0, 0.3)):
            p = GaussianMixture([0.5, 0.5], [-d, d], [s, s])
            case = dict(kind="bimodal", d=d, s=s, mean=p.mean, std=p.std)
            cases.append({**case, "x": x, "logpdf": p.logpdf(x)})
        for weights, means, stds in (
            ([0.2, 0.5, 0.3], [-3.0, 0.5, 4.0], [0.5, 1.5, 0.25]),
            ([0.9, 0.1], [0.0, 10.0], [1.0, 0.01]),
        ):
            p = GaussianMixture(weights, means, stds)
            case = dict(kind="mixture", weights=weights, means=means, stds=stds)
            cases.append({**case, "x": x, "logpdf": p.logpdf(x)})
        for mean, std in ((0.0, 1.0), (-1.33, 3.19), (1e6, 1e-6)):
            xs = np.array(POINTS + [mean, mean + std, mean - 5 * std])
            g = Gaussian(mean, std)
            cases.append(dict(kind="gaussian", mean=mean, std=std, x=xs, logpdf=g.logpdf(xs)))
    return cases


# ----------------------------------------------------------------------------- divergences


class Uniform:
    """The uniform density on [a, b], vectorised, for kl_divergence_continuous."""

    def __init__(self, a: float, b: float) -> None:
        self.a, self.b = a, b

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where((x >= self.a) & (x <= self.b), 1.0 / (self.b - self.a), 0.0)

    def logpdf(self, x):
        with np.errstate(divide="ignore"):
            return np.log(self.pdf(x))


def bimodal(d: float, s: float = 0.7) -> dict:
    return {"kind": "bimodal", "d": d, "s": s}


def gauss(mean: float, std: float) -> dict:
    return {"kind": "gaussian", "mean": mean, "std": std}


def uniform(a: float, b: float) -> dict:
    return {"kind": "uniform", "a": a, "b": b}


def mixture(weights: list, means: list, stds: list) -> dict:
    return {"kind": "mixture", "weights": weights, "means": means, "stds": stds}


def density(spec: dict):
    """The package's density for a spec (math.test.mjs builds math.js's from the same)."""
    if spec["kind"] == "bimodal":
        return GaussianMixture([0.5, 0.5], [-spec["d"], spec["d"]], [spec["s"]] * 2)
    if spec["kind"] == "gaussian":
        return Gaussian(spec["mean"], spec["std"])
    if spec["kind"] == "mixture":
        return GaussianMixture(spec["weights"], spec["means"], spec["stds"])
    return Uniform(spec["a"], spec["b"])


def refusal(message: str) -> str:
    if "not to 1" in message:
        return "not-one"
    if "cannot be normalized" in message:
        return "cannot-normalize"
    return "bounds" if message.startswith(("lower", "upper")) else message


def kl_case(name: str, p: dict, q: dict, lower=-math.inf, upper=math.inf, normalize=False):
    """kl_divergence_continuous for the case, or which density it refuses and why."""
    case = dict(name=name, p=p, q=q, lower=lower, upper=upper, normalize=normalize)
    try:
        window = dict(lower=lower, upper=upper, normalize=normalize)
        case["expected"] = kl_divergence_continuous(density(p), density(q), **window)
    except ValueError as exc:
        message = str(exc)
        case["error"] = dict(
            density=message.split(" ")[0], reason=refusal(message), message=message
        )
    if p["kind"] == q["kind"] == "gaussian" and (lower, upper) == (-math.inf, math.inf):
        case["closed_form"] = kl_divergence_gaussian(p["mean"], p["std"], q["mean"], q["std"])
    return case


INF = math.inf
MIX3 = mixture([0.2, 0.5, 0.3], [-3, 0.5, 4], [0.5, 1.5, 0.25])
MIX2 = mixture([0.6, 0.4], [-1, 2], [2, 1])
KL = [  # name, p, q, lower, upper, normalize
    # The docstring's example: Q has 6.3e-5 of its mass outside [-6, 6].
    ("docstring: window, normalized", bimodal(2.2), gauss(0, 1.5), -6, 6, True),
    ("docstring: window, normalized, reversed", gauss(0, 1.5), bimodal(2.2), -6, 6, True),
    ("docstring: window without normalize", bimodal(2.2), gauss(0, 1.5), -6, 6, False),
    ("docstring: window without normalize, reversed", gauss(0, 1.5), bimodal(2.2), -6, 6, False),
    ("docstring: whole line", bimodal(2.2), gauss(0, 1.5), -INF, INF, False),
    ("docstring: whole line, reversed", gauss(0, 1.5), bimodal(2.2), -INF, INF, False),
    ("Gaussians: whole line", gauss(0, 1), gauss(1, 2), -INF, INF, False),
    ("Gaussians: whole line, reversed", gauss(1, 2), gauss(0, 1), -INF, INF, False),
    ("Gaussians: equal", gauss(0.3, 0.8), gauss(0.3, 0.8), -INF, INF, False),
    ("Gaussians: narrow against wide", gauss(0, 0.05), gauss(0.1, 4), -INF, INF, False),
    ("Gaussians: window holding all but 1e-23", gauss(0, 1), gauss(0.5, 1), -10, 10, False),
    ("Gaussians: same window, normalized", gauss(0, 1), gauss(0.5, 1), -10, 10, True),
    ("Gaussians: a narrow window, normalized", gauss(0, 1), gauss(1, 2), -1, 0.5, True),
    ("Gaussians: a narrow window, not normalized", gauss(0, 1), gauss(1, 2), -1, 0.5, False),
    ("Gaussians: half-line, normalized", gauss(0, 1), gauss(1, 2), 0, INF, True),
    ("Gaussians: half-line, not normalized", gauss(0, 1), gauss(1, 2), -INF, 0, False),
    ("mixture against mixture", MIX3, MIX2, -INF, INF, False),
    ("uniforms: log 2", uniform(0, 1), uniform(0, 2), -1, 3, False),
    ("uniforms: Q is 0 where P is not, ∞", uniform(0, 2), uniform(0, 1), -1, 3, False),
    ("uniform: no mass in the window, normalized", uniform(0, 1), uniform(0, 2), 2, 3, True),
    ("uniform: no mass in the window", uniform(0, 1), uniform(0, 2), 2, 3, False),
    # Where math.js and the package part (math.test.mjs says what math.js does instead).
    # The package integrates each Gaussian in its own coordinates; math.js in x.
    ("far and narrow, whole line", gauss(1e6, 1e-6), gauss(1e6, 2e-6), -INF, INF, False),
    (
        "far and narrow, a window around them",
        gauss(1e6, 1e-6),
        gauss(1e6, 2e-6),
        1e6 - 1e-5,
        1e6 + 1e-5,
        False,
    ),
    # The package takes the masses in logs: a mass of exp(-1.4e5) still normalizes.
    ("mass that underflows, normalized", gauss(55, 0.1), gauss(0, 1), -1, 1, True),
    # Bounds the package refuses.
    ("bounds: lower is NaN", gauss(0, 1), gauss(1, 1), math.nan, INF, False),
    ("bounds: lower = upper = inf", gauss(0, 1), gauss(1, 1), INF, INF, False),
    ("bounds: lower > upper = -inf", gauss(0, 1), gauss(1, 1), 0, -INF, True),
    ("bounds: lower > upper", gauss(0, 1), gauss(1, 1), 1, -1, True),
    ("bounds: lower = upper", gauss(0, 1), gauss(1, 1), 2, 2, True),
]


def kl_cases() -> list[dict]:
    cases = [kl_case(*row) for row in KL]
    # The forward-vs-reverse widget's two readouts, over its sliders' ranges.
    for d in (0.5, 2.2, 3.5):
        for mu in (-4, -1.33, 0, 0.5, 4):
            for sigma in (0.3, 1.5, 3.19, 4):
                at = f"at d={d}, mu={mu}, sigma={sigma}"
                p, q = bimodal(d), gauss(mu, sigma)
                cases.append(kl_case(f"widget D(P||Q) {at}", p, q, -6, 6, True))
                cases.append(kl_case(f"widget D(Q||P) {at}", q, p, -6, 6, True))
    return cases


def fit_cases() -> list[dict]:
    cases = []
    for d in (0.5, 1.5, 2.2, 3.0):
        p = GaussianMixture([0.5, 0.5], [-d, d], [0.7, 0.7])
        forward = fit_gaussian_forward_kl(p)._asdict()
        reverse = fit_gaussian_reverse_kl(p)._asdict()
        local = fit_gaussian_reverse_kl(p, start=(p.mean, p.std))._asdict()
        cases.append(dict(d=d, forward=forward, reverse=reverse, local=local))
    return cases


# ----------------------------------------------------------------------------- numerics

INTEGRANDS = {  # also in math.test.mjs, by name
    "normal": lambda x: np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi),
    "x2 normal": lambda x: x * x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi),
    "cauchy": lambda x: 1.0 / (math.pi * (1.0 + x * x)),
    "exp": lambda x: np.exp(-x),
    "cubic": lambda x: x**3 - 2 * x,
    "1/x": lambda x: 1.0 / x,
    "infinite": lambda x: np.full_like(x, np.inf),
}
INTEGRALS = [  # integrand, lower, upper, the exact value (None: diverges)
    ("normal", -INF, INF, 1.0),
    ("normal", -INF, 0.0, 0.5),
    ("normal", 0.0, INF, 0.5),
    ("normal", -1.96, 1.96, math.erf(1.96 / math.sqrt(2))),
    ("normal", 40.0, INF, 0.5 * math.erfc(40 / math.sqrt(2))),  # underflows to 0
    ("x2 normal", -INF, INF, 1.0),
    ("cauchy", -INF, INF, 1.0),
    ("cauchy", 1.0, INF, 0.25),
    ("exp", 0.0, INF, 1.0),
    ("exp", 1.0, 0.0, -(1.0 - math.exp(-1.0))),  # reversed finite bounds: the negative
    ("cubic", -1.0, 2.0, 0.75),
    ("1/x", 0.0, 1.0, None),  # diverges: no convergence
    ("infinite", 0.0, 1.0, INF),
]


def integral_cases() -> list[dict]:
    cases = []
    for name, lower, upper, exact in INTEGRALS:
        case = dict(integrand=name, lower=lower, upper=upper, exact=exact)
        try:
            with np.errstate(all="ignore"):  # overflow to 0 in the tails, 1/0
                case["package"] = numerics.integrate(INTEGRANDS[name], lower, upper)
        except RuntimeError as exc:
            case["package_error"] = str(exc)
        cases.append(case)
    return cases


FUNCTIONS = {  # also in math.test.mjs, by name
    "bowl": lambda v: (v[0] - 1) ** 2 + 10 * (v[1] + 2) ** 2,
    "rosenbrock": lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
    "parabola": lambda v: (v[0] - 3) ** 2 + 0.5,
}
MINIMA = [  # function, x0, options, the exact minimiser (None: does not converge)
    ("bowl", [0.0, 0.0], {}, [1.0, -2.0]),
    ("rosenbrock", [-1.2, 1.0], {}, [1.0, 1.0]),
    ("parabola", [0.0], {}, [3.0]),
    ("parabola", [0.0], {"step": 0.05, "xtol": 1e-8, "ftol": 1e-13}, [3.0]),
    ("rosenbrock", [-1.2, 1.0], {"max_iter": 20}, None),
]


def minimize_cases() -> list[dict]:
    cases = []
    for name, x0, options, exact in MINIMA:
        case = dict(function=name, x0=x0, options=options, exact=exact)
        try:
            case["package"] = numerics.minimize(FUNCTIONS[name], np.array(x0), **options)
        except RuntimeError as exc:
            case["package_error"] = str(exc)
        cases.append(case)
    return cases
