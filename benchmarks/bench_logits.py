"""Benchmark the logits functions on language-model-sized inputs.

Every timing is reported as a ratio to one ``np.max`` pass over the same array,
measured in the same run, so figures from a noisy or slower machine remain
comparable. Peak extra memory is the rise of the process's resident set above
what it held before the call (Linux's VmHWM, reset before each measurement),
so it counts torch's allocations as well as numpy's.

Usage::

    make bench                                   # or:
    .venv/bin/python benchmarks/bench_logits.py [--repeat 9] [--update-readme]

torch is optional (``.venv/bin/pip install torch==2.13.0``); without it the
torch rows are left out.
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from infotheory import (
    CrossEntropyMeter,
    cross_entropy,
    cross_entropy_and_entropy_from_logits,
    cross_entropy_from_logits,
    distillation_loss,
    dpo_loss,
    entropy,
    entropy_from_logits,
    entropy_from_samples,
    fit_temperature,
    js_divergence,
    js_divergence_from_logits,
    kl_divergence,
    kl_divergence_from_logits,
    kl_estimate,
    token_logprobs,
)
from infotheory._blocks import thread_count

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # torch is optional
    torch = None

SHAPES = [(2048, 32000), (512, 128000)]
README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
MARKERS = ("<!-- benchmark:start -->", "<!-- benchmark:end -->")


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def peak_extra_mib(fn: Callable[[], object]) -> float:
    """Peak resident memory added by one call, in MiB (Linux only, else NaN)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # reset VmHWM to the current RSS
        before = _rss_kib("VmRSS")
        fn()
        return (_rss_kib("VmHWM") - before) / 1024
    except OSError:
        return float("nan")


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up: page in, start threads, fill caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_numpy_ce(x: np.ndarray, t: np.ndarray) -> float:
    """Softmax, then log, the way a first attempt writes it."""
    p = np.exp(x - x.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return float(-np.log(p)[np.arange(len(t)), t].mean())


def reference_float64(x: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy and entropies in float64, row by row (slow, exact enough)."""
    ce, ent = 0.0, np.empty(len(x))
    for i in range(0, len(x), 64):
        z = x[i : i + 64].astype(np.float64)
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        ce -= logp[np.arange(len(z)), t[i : i + 64]].sum()
        ent[i : i + 64] = -(np.exp(logp) * logp).sum(axis=1)
    return ce / len(x), ent


Row = tuple[str, float, float, str]


class Section:
    """One table: timings as ratios to one ``np.max`` pass over the section's input."""

    def __init__(self, title: str, baseline: np.ndarray, repeat: int) -> None:
        self.title, self.repeat, self.rows = title, repeat, []
        self.base = median_seconds(lambda: np.max(baseline), repeat)
        self.gbps = baseline.nbytes / self.base / 1e9
        self.add("np.max (one pass)", lambda: np.max(baseline))

    def add(self, name: str, fn: Callable[[], object], note: str = "") -> float:
        seconds = median_seconds(fn, self.repeat)
        self.rows.append((name, seconds / self.base, peak_extra_mib(fn), note))
        return seconds

    def versus(
        self,
        ours: str,
        fn: Callable[[], object],
        theirs: str,
        torch_fn: Callable[[], object] | None | bool,
    ) -> None:
        """A row for infotheory, and one for torch's same computation when torch is here."""
        mine = self.add(ours, fn)
        if torch is None or not torch_fn:
            return
        index = len(self.rows) - 1
        other = self.add(theirs, torch_fn)
        name, ratio, mib, _ = self.rows[index]
        self.rows[index] = (name, ratio, mib, f"{other / mine:.1f}x torch's speed")

    def note(self, name: str, text: str) -> None:
        self.rows.append((name, float("nan"), float("nan"), text))


def logits_section(n: int, v: int, repeat: int) -> Section:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, v), dtype=np.float32)
    x *= 3.0
    y = rng.standard_normal((n, v), dtype=np.float32)
    y *= 3.0
    t = rng.integers(0, v, size=n)
    sec = Section(f"Logits {n} x {v} float32 ({x.nbytes / 1e6:.0f} MB)", x, repeat)
    xt = yt = tt = None
    if torch is not None:
        xt, yt, tt = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(t)
    has = torch is not None

    def torch_entropy() -> object:
        logp = torch.log_softmax(xt, dim=-1)
        return -(logp.exp() * logp).sum(dim=-1)

    def torch_both() -> None:
        logp = torch.log_softmax(xt, dim=-1)
        F.nll_loss(logp, tt)
        -(logp.exp() * logp).sum(dim=-1)

    def torch_js() -> object:
        lp, lq = torch.log_softmax(xt, -1), torch.log_softmax(yt, -1)
        lm = torch.logaddexp(lp, lq) - math.log(2.0)
        return 0.5 * ((lp.exp() * (lp - lm)).sum(-1) + (lq.exp() * (lq - lm)).sum(-1))

    def torch_distill() -> object:
        soft = (
            F.kl_div(F.log_softmax(xt / 2.0, -1), F.softmax(yt / 2.0, -1), reduction="batchmean")
            * 4.0
        )
        return 0.5 * soft + 0.5 * F.cross_entropy(xt, tt)

    sec.versus(
        "cross_entropy_from_logits",
        lambda: cross_entropy_from_logits(x, t),
        "torch F.cross_entropy",
        has and (lambda: F.cross_entropy(xt, tt)),
    )
    sec.versus(
        "entropy_from_logits",
        lambda: entropy_from_logits(x),
        "torch log_softmax: entropy",
        has and torch_entropy,
    )
    sec.versus(
        "cross_entropy_and_entropy_from_logits (one call)",
        lambda: cross_entropy_and_entropy_from_logits(x, t),
        "torch log_softmax: cross-entropy + entropy",
        has and torch_both,
    )
    sec.add(
        "cross-entropy + entropy as two calls",
        lambda: (cross_entropy_from_logits(x, t), entropy_from_logits(x)),
    )
    sec.versus(
        "token_logprobs",
        lambda: token_logprobs(x, t),
        "torch log_softmax + gather",
        has and (lambda: torch.log_softmax(xt, -1).gather(-1, tt[:, None])),
    )
    sec.versus(
        "kl_divergence_from_logits",
        lambda: kl_divergence_from_logits(x, y),
        "torch F.kl_div(log_target=True)",
        has
        and (
            lambda: F.kl_div(
                torch.log_softmax(yt, -1),
                torch.log_softmax(xt, -1),
                log_target=True,
                reduction="none",
            ).sum(-1)
        ),
    )
    sec.versus(
        "js_divergence_from_logits",
        lambda: js_divergence_from_logits(x, y),
        "torch log_softmax + logaddexp: JS",
        has and torch_js,
    )
    sec.versus(
        "distillation_loss (T = 2, alpha = 0.5)",
        lambda: distillation_loss(x, y, temperature=2.0, target=t, alpha=0.5),
        "torch KD recipe (kl_div + cross_entropy)",
        has and torch_distill,
    )
    sec.add(
        "cross_entropy_from_logits, temperature = 2",
        lambda: cross_entropy_from_logits(x, t, temperature=2.0),
    )

    def meter() -> None:
        m = CrossEntropyMeter()
        for lo in range(0, n, n // 8):
            m.update(x[lo : lo + n // 8], t[lo : lo + n // 8])

    sec.add("CrossEntropyMeter, 8 updates", meter)
    sec.add("fit_temperature (about 25 loss evaluations)", lambda: fit_temperature(x, t))
    sec.add("naive numpy softmax-then-log", lambda: naive_numpy_ce(x, t))
    ref_ce, ref_ent = reference_float64(x, t)
    ce_err = abs(float(cross_entropy_from_logits(x, t)) - ref_ce) / ref_ce
    ent_err = float(np.max(np.abs(entropy_from_logits(x) - ref_ent) / ref_ent))
    sec.note(
        "float32 relative error vs float64",
        f"cross-entropy {ce_err:.1e}, entropy (worst row) {ent_err:.1e}",
    )
    return sec


def layouts_section(repeat: int) -> Section:
    """The language-model shift, float16 and bfloat16: never a full-size copy."""
    b, s, v = 4, 513, 32000
    rng = np.random.default_rng(1)
    full = rng.standard_normal((b, s, v), dtype=np.float32)
    full *= 3.0
    t = rng.integers(0, v, size=(b, s - 1))
    shifted = full[:, :-1]  # (4, 512, 32000): 2048 rows, not contiguous
    dense = np.ascontiguousarray(shifted)
    half = dense.astype(np.float16)
    sec = Section(
        f"Layouts and dtypes: logits[:, :-1] of {b} x {s} x {v} float32 "
        f"({dense.nbytes / 1e6:.0f} MB read); passes over the contiguous float32 "
        "copy",
        dense,
        repeat,
    )
    sec.add("cross_entropy_from_logits, contiguous", lambda: cross_entropy_from_logits(dense, t))
    ft = tt = None
    if torch is not None:
        ft, tt = torch.from_numpy(full), torch.from_numpy(t)
    sec.versus(
        "cross_entropy_from_logits(logits[:, :-1])",
        lambda: cross_entropy_from_logits(shifted, t),
        "torch F.cross_entropy(logits[:, :-1].reshape(-1, V))",
        torch is not None and (lambda: F.cross_entropy(ft[:, :-1].reshape(-1, v), tt.reshape(-1))),
    )
    sec.add("entropy_from_logits(logits[:, :-1])", lambda: entropy_from_logits(shifted))
    sec.add(
        "cross_entropy_from_logits, torch layout (N, C, L), axis=1",
        lambda: cross_entropy_from_logits(np.moveaxis(shifted, 2, 1), t, axis=1),
    )
    ht = half_t = None
    if torch is not None:
        ht = torch.from_numpy(half)
        half_t = torch.from_numpy(dense).to(torch.bfloat16)
    sec.versus(
        "cross_entropy_from_logits, float16",
        lambda: cross_entropy_from_logits(half, t),
        "torch F.cross_entropy, float16",
        torch is not None and (lambda: F.cross_entropy(ht.reshape(-1, v), tt.reshape(-1))),
    )
    if torch is not None:
        sec.versus(
            "cross_entropy_from_logits, bfloat16 tensor",
            lambda: cross_entropy_from_logits(half_t, tt),
            "torch F.cross_entropy, bfloat16",
            lambda: F.cross_entropy(half_t.reshape(-1, v), tt.reshape(-1)),
        )
    return sec


def probabilities_section(repeat: int) -> Section:
    n, v = 512, 128000
    rng = np.random.default_rng(2)
    p = rng.random((n, v))
    p /= p.sum(axis=1, keepdims=True)
    q = rng.random((n, v))
    q /= q.sum(axis=1, keepdims=True)
    sec = Section(f"Probabilities {n} x {v} float64 ({p.nbytes / 1e6:.0f} MB each)", p, repeat)
    has = torch is not None
    pt = qt = None
    if has:
        pt, qt = torch.from_numpy(p), torch.from_numpy(q)

    def torch_js() -> object:
        m = 0.5 * (pt + qt)
        return 0.5 * (
            F.kl_div(m.log(), pt, reduction="none").sum(-1)
            + F.kl_div(m.log(), qt, reduction="none").sum(-1)
        )

    sec.versus(
        "entropy",
        lambda: entropy(p),
        "torch special.entr",
        has and (lambda: torch.special.entr(pt).sum(-1)),
    )
    sec.versus(
        "cross_entropy",
        lambda: cross_entropy(p, q),
        "torch -(p * q.log())",
        has and (lambda: -(pt * qt.log()).sum(-1)),
    )
    sec.versus(
        "kl_divergence",
        lambda: kl_divergence(p, q),
        "torch F.kl_div",
        has and (lambda: F.kl_div(qt.log(), pt, reduction="none").sum(-1)),
    )
    sec.versus(
        "js_divergence", lambda: js_divergence(p, q), "torch: JS via F.kl_div", has and torch_js
    )
    return sec


def samples_section(repeat: int) -> Section:
    n = 8_000_000
    rng = np.random.default_rng(3)
    logp = -rng.exponential(2.0, n)
    logq = logp + rng.normal(0.0, 0.1, n)
    sec = Section(f"Per-sample arrays of {n:,} float64 ({logp.nbytes / 1e6:.0f} MB)", logp, repeat)
    has = torch is not None
    lpt = lqt = None
    if has:
        lpt, lqt = torch.from_numpy(logp), torch.from_numpy(logq)

    def torch_k3() -> object:
        log_r = lqt - lpt
        return (torch.expm1(log_r) - log_r).mean()

    sec.versus(
        "kl_estimate(kind='k3')",
        lambda: kl_estimate(logp, logq, kind="k3"),
        "torch (r - 1) - log r",
        has and torch_k3,
    )
    half = n // 4
    a, b_, c, d = (logp[:half], logp[half : 2 * half], logq[:half], logq[half : 2 * half])
    sec.versus(
        f"dpo_loss ({half:,} pairs)",
        lambda: dpo_loss(a, b_, c, d, beta=0.1),
        "torch -logsigmoid(beta * margin)",
        has
        and (
            lambda: (
                -F.logsigmoid(
                    0.1
                    * ((lpt[:half] - lqt[:half]) - (lpt[half : 2 * half] - lqt[half : 2 * half]))
                ).mean()
            )
        ),
    )
    samples = rng.integers(0, 1000, n)
    sec.add("entropy_from_samples (1000 symbols), plug-in", lambda: entropy_from_samples(samples))
    sec.add(
        "entropy_from_samples, Chao-Shen",
        lambda: entropy_from_samples(samples, estimator="chao_shen"),
    )
    return sec


def format_table(sections: list[Section]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPU(s), {platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, infotheory threads "
        f"{thread_count()}"
        + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else ""),
        "",
    ]
    for sec in sections:
        lines += [
            f"{sec.title}; one np.max pass = {sec.base * 1e3:.1f} ms (median), "
            f"{sec.gbps:.1f} GB/s.",
            "",
            "| computation | time (np.max passes) | peak extra memory (MiB) | note |",
            "| --- | ---: | ---: | --- |",
        ]
        for name, ratio, mib, note in sec.rows:
            r = "" if ratio != ratio else f"{ratio:.1f}"
            m = "" if mib != mib else f"{mib:.0f}"
            lines.append(f"| {name} | {r} | {m} | {note} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per row (median)")
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the table between the benchmark markers in README.md",
    )
    args = parser.parse_args()
    sections = [logits_section(n, v, args.repeat) for n, v in SHAPES]
    sections += [
        layouts_section(args.repeat),
        probabilities_section(max(3, args.repeat // 3)),
        samples_section(args.repeat),
    ]
    table = format_table(sections)
    print(table)
    if args.update_readme:
        text = README.read_text()
        start, end = MARKERS
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            sys.exit(f"README.md lacks the markers {start} ... {end}")
        README.write_text(pattern.sub(lambda _: f"{start}\n{table}\n{end}", text))
        print(f"updated {README}")


if __name__ == "__main__":
    main()
