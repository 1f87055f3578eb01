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

from infotheory import cross_entropy_from_logits, entropy_from_logits  # noqa: E402
from infotheory._blocks import thread_count  # noqa: E402

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
        z = x[i:i + 64].astype(np.float64)
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        ce -= logp[np.arange(len(z)), t[i:i + 64]].sum()
        ent[i:i + 64] = -(np.exp(logp) * logp).sum(axis=1)
    return ce / len(x), ent


def run_shape(n: int, v: int, repeat: int) -> list[tuple[str, float, float, str]]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, v), dtype=np.float32)
    x *= 3.0
    t = rng.integers(0, v, size=n)
    rows: list[tuple[str, float, float, str]] = []
    base = median_seconds(lambda: np.max(x), repeat)

    def add(name: str, fn: Callable[[], object], note: str = "") -> float:
        seconds = median_seconds(fn, repeat)
        rows.append((name, seconds, peak_extra_mib(fn), note))
        return seconds

    add("np.max (one pass)", lambda: np.max(x))
    ours = add("infotheory cross_entropy_from_logits", lambda: cross_entropy_from_logits(x, t))
    add("infotheory entropy_from_logits", lambda: entropy_from_logits(x))
    add("infotheory cross-entropy + entropy",
        lambda: (cross_entropy_from_logits(x, t), entropy_from_logits(x)))
    if torch is not None:
        xt, tt = torch.from_numpy(x), torch.from_numpy(t)
        theirs = add("torch F.cross_entropy", lambda: F.cross_entropy(xt, tt))

        def torch_both() -> None:
            logp = torch.log_softmax(xt, dim=-1)
            F.nll_loss(logp, tt)
            -(logp.exp() * logp).sum(dim=-1)

        add("torch log_softmax: cross-entropy + entropy", torch_both)
        rows[1] = (*rows[1][:3], f"{theirs / ours:.1f}x faster than torch")
    add("naive numpy softmax-then-log", lambda: naive_numpy_ce(x, t))

    ref_ce, ref_ent = reference_float64(x, t)
    ce_err = abs(float(cross_entropy_from_logits(x, t)) - ref_ce) / ref_ce
    ent_err = float(np.max(np.abs(entropy_from_logits(x) - ref_ent) / ref_ent))
    rows.append(("float32 relative error vs float64", float("nan"), float("nan"),
                 f"cross-entropy {ce_err:.1e}, entropy (worst row) {ent_err:.1e}"))
    return [(name, s / base if s == s else s, mib, note) for name, s, mib, note in rows], base


def format_table(results: dict[tuple[int, int], tuple[list, float]]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPU(s), {platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, infotheory threads "
        f"{thread_count()}" + (f", torch {torch.__version__} "
                               f"({torch.get_num_threads()} threads)" if torch else ""),
        "",
    ]
    for (n, v), (rows, base) in results.items():
        lines += [
            f"Logits {n} x {v} float32 ({n * v * 4 / 1e6:.0f} MB); one np.max pass = "
            f"{base * 1e3:.1f} ms (median).",
            "",
            "| computation | time (np.max passes) | peak extra memory (MiB) | note |",
            "| --- | ---: | ---: | --- |",
        ]
        for name, ratio, mib, note in rows:
            r = "" if ratio != ratio else f"{ratio:.1f}"
            m = "" if mib != mib else f"{mib:.0f}"
            lines.append(f"| {name} | {r} | {m} | {note} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per row (median)")
    parser.add_argument("--update-readme", action="store_true",
                        help="replace the table between the benchmark markers in README.md")
    args = parser.parse_args()
    results = {shape: run_shape(*shape, args.repeat) for shape in SHAPES}
    table = format_table(results)
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
