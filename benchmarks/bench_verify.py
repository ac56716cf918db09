"""Verifier speed: time against the number of answer paths, measured in one run.

1. ``verify`` on synthetic flows of about 100, 1,000 and 10,000 nodes. Each is a chain of
   questions (yes/no, and every tenth a number with a threshold) where one answer ends in
   an outcome and the other goes on, with an invariant over the answers: the number of
   distinct paths grows with the nodes, the product of all answer ranges explodes. Printed:
   paths explored, time, time per path, and ratios against the 100-node flow (target:
   close to linear in paths, i.e. time-per-path ratio near 1).
2. ``verify`` on every bundled flow (target: about a second in all).

Run: ``python benchmarks/bench_verify.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from triagebot.flows import library  # noqa: E402
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow  # noqa: E402
from triagebot.flows.verify import verify  # noqa: E402

HEADER = """\
id: synthetic
title: Synthetic chain
version: "1"
audience: benchmarks
disclaimer: Benchmark fixture.
sources:
  - {id: s, title: Synthetic, file: none.txt, version: "1", evidence: guideline}
start: q0
nodes:
"""
OUTCOMES = 4


def synthetic(nodes: int) -> str:
    """A chain of ``nodes - OUTCOMES - 1`` questions ending in OUTCOMES + 1 outcomes."""
    questions = nodes - OUTCOMES - 1
    parts = [HEADER]
    for index in range(questions):
        following = f"q{index + 1}" if index + 1 < questions else "done"
        leave = f"out{index % OUTCOMES}"
        if index % 10 == 9:
            parts.append(
                f"  q{index}:\n    type: number\n    min: 0\n    max: 100\n"
                f"    prompt: Value {index}?\n    why: Benchmark.\n"
                f"    source: {{doc: s, section: x}}\n"
                f"    next:\n      - when: q{index} >= 50\n        goto: {leave}\n"
                f"      - goto: {following}\n"
            )
        else:
            parts.append(
                f"  q{index}:\n    type: yes_no\n    prompt: Question {index}?\n"
                f"    why: Benchmark.\n    source: {{doc: s, section: x}}\n"
                f"    next:\n      - when: q{index} == 'yes'\n        goto: {leave}\n"
                f"      - goto: {following}\n"
            )
    for index in range(OUTCOMES):
        parts.append(
            f"  out{index}:\n    type: outcome\n    urgency: urgent\n    title: Out {index}\n"
        )
    parts.append("  done:\n    type: outcome\n    urgency: routine\n    title: Done\n")
    parts.append(
        "invariants:\n  - name: first_yes_leaves\n    says: A first yes ends at once.\n"
        "    holds: q0 == 'no' or outcome == 'out0'\n"
    )
    return "".join(parts)


def timed(flow: CompiledFlow) -> tuple[float, int, bool]:
    best = float("inf")
    paths, ok = 0, False
    for _ in range(3 if len(flow.flow.nodes) < 5000 else 1):
        started = time.perf_counter()
        report = verify(flow)
        best = min(best, time.perf_counter() - started)
        paths, ok = report.exploration.paths, report.ok
    return best, paths, ok


def main() -> None:
    print("verify on synthetic chain flows (best of 3; 1 run at 10,000 nodes)")
    print(f"{'nodes':>7} {'paths':>7} {'seconds':>9} {'us/path':>9} {'x time':>8} {'x paths':>8}")
    baseline: tuple[float, int] | None = None
    for nodes in (100, 1_000, 10_000):
        flow = compile_text(synthetic(nodes), f"synthetic-{nodes}.yaml")
        seconds, paths, ok = timed(flow)
        assert ok, "the synthetic flow should verify"
        baseline = baseline or (seconds, paths)
        print(
            f"{nodes:>7} {paths:>7} {seconds:>9.3f} {seconds / paths * 1e6:>9.1f} "
            f"{seconds / baseline[0]:>8.1f} {paths / baseline[1]:>8.1f}"
        )
    print("\nverify on every bundled flow")
    total = 0.0
    for path in library.flow_files([library.bundled_dir()]):
        flow = load_flow(path)
        seconds, paths, ok = timed(flow)
        total += seconds
        print(f"  {flow.id:<16} {paths:>7} paths {seconds:>8.3f} s  {'ok' if ok else 'FAILED'}")
    print(f"  all bundled flows: {total:.3f} s")


if __name__ == "__main__":
    main()
