"""Verifier speed: time against the number of answer paths, measured in one run.

1. ``verify`` on synthetic flows of about 100, 1,000 and 10,000 nodes. Each is a chain of
   questions (yes/no, and every tenth a number with a threshold) where one answer ends in
   an outcome and the other goes on, with an invariant over the answers: the number of
   distinct paths grows with the nodes, the product of all answer ranges explodes. Printed:
   paths explored, time, time per path, and ratios against the 100-node flow (target:
   close to linear in paths, i.e. time-per-path ratio near 1).
2. ``verify`` on every bundled flow (target: about a second in all).
3. ``verify`` on a crt-like flow: eight candidacy questions, then a repeated group of four
   questions asked for up to 6 rounds (``min_of``/``first_min`` over the entries), against
   the same flow with the group's questions asked once (a chain, no group). Printed: paths,
   time and the ratio (target: well under a few seconds; the group multiplies the paths by
   the rounds, not the time per path).

4. ``verify`` on a copy of crt-lead with invariants on what the clinician reads (the branch
   shown as proposed, by name and number, never stimulated and is the shortest:
   ``tests/data/verify/crt-shown.yaml``), with rounds merged by symmetry (``rounds``)
   against the same walk without merging (how verify walked before: it explored ~500,000
   paths for 52 s and stopped unproven), stopped here at ``BEFORE_PATHS`` paths. Printed:
   paths, time, whether exhaustive, and the ratio of time per 10,000 paths and of total
   time (target: exhaustive, well under a second or two). The same for the group's most
   rounds raised to 12 (the cap), and for planted faults (each caught).
5. ``triagebot verify`` on every bundled flow as a user runs it (a process: start-up,
   loading, verifying, printing), against ``triagebot --help`` (target: at most 1 s in all,
   issue 19's budget).

Run: ``python benchmarks/bench_verify.py``; ``--bundled`` runs 2 and 5 only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from triagebot.app import library  # noqa: E402
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow  # noqa: E402
from triagebot.flows.explore import Budget, Explorer  # noqa: E402
from triagebot.flows.verify import verify  # noqa: E402

SHOWN = ROOT / "tests" / "data" / "verify" / "crt-shown.yaml"
BEFORE_PATHS = 50_000
"""The walk without merging stops here (it would run for about a minute)."""
BEST_BRANCH = (
    "first_min(branches, branch_name, by=paced_qrs_ms, where=diaphragmatic_stimulation == 'no')"
)
FAULTS = {
    "no where": "first_min(branches, branch_name, by=paced_qrs_ms)",
    "other stimulates": "first_min(branches, branch_name, by=paced_qrs_ms, "
    "where=diaphragmatic_stimulation == 'no' or branch_name == 'other')",
    "longest": "first_max(branches, branch_name, by=paced_qrs_ms, "
    "where=diaphragmatic_stimulation == 'no')",
}

HEADER = """\
id: synthetic
title: Synthetic chain
version: "1"
audience: benchmarks
disclaimer: Benchmark fixture.
sources:
  - {id: s, title: Synthetic, file: none.txt, version: "1", evidence: guideline}
content_review: {signed_off: 2025-01-01, due: 2025-12-31}
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


CRT_HEADER = """\
id: crt-bench
title: CRT-like benchmark
version: "1"
audience: benchmarks
disclaimer: Benchmark fixture.
sources:
  - {id: s, title: Study, file: none.txt, version: "1", evidence: study}
content_review: {signed_off: 2025-01-01, due: 2025-12-31}
start: sinus_rhythm
nodes:
"""
CANDIDACY = [
    ("sinus_rhythm", "yes_no", "sinus_rhythm == 'yes'"),
    ("lvef_percent", "number", "lvef_percent < 35"),
    ("lbbb", "yes_no", "lbbb == 'yes'"),
    ("baseline_qrs_ms", "number", "baseline_qrs_ms > 120"),
    ("nyha_class", "choice", "nyha_class in ('ii', 'iii', 'iv')"),
    ("optimal_medical_therapy", "yes_no", "optimal_medical_therapy == 'yes'"),
    ("life_expectancy_over_1y", "yes_no", "life_expectancy_over_1y == 'yes'"),
    ("recent_acs", "yes_no", "recent_acs == 'no'"),
]
CHOICE = (
    "    options: [{id: i, label: I}, {id: ii, label: II}, {id: iii, label: III}, "
    "{id: iv, label: IV}]\n"
)
BRANCH = (
    "    options: [{id: posterior, label: P}, {id: lateral, label: L}, {id: other, label: O}]\n"
)


def _question(node_id: str, kind: str, next_: str, indent: str = "  ") -> str:
    body = f"type: {kind}\nprompt: {node_id}?\nwhy: Benchmark.\nsource: {{doc: s, section: x}}\n"
    if kind == "number":
        body += "min: 5\nmax: 250\ninteger: true\n"
    text = "".join(f"{indent}  {line}\n" for line in body.splitlines())
    if kind == "choice":
        text += (CHOICE if node_id == "nyha_class" else BRANCH).replace("    ", indent + "  ", 1)
    return f"{indent}{node_id}:\n{text}{indent}  next: {next_}\n"


def crt_like(grouped: bool) -> str:
    """The crt-like flow; ``grouped=False`` asks the four branch questions once (a chain)."""
    parts = [CRT_HEADER]
    for index, (node_id, kind, _) in enumerate(CANDIDACY):
        following = CANDIDACY[index + 1][0] if index + 1 < len(CANDIDACY) else "decide"
        parts.append(_question(node_id, kind, following))
    candidate = " and ".join(test for _, _, test in CANDIDACY)
    parts.append(
        "  decide:\n    type: info\n    text: Candidacy decided.\n"
        "    source: {doc: s, section: x}\n"
        f"    next:\n      - when: {candidate}\n        goto: branches\n"
        "      - goto: not_candidate\n"
    )
    members = [
        ("branch_name", "choice", "paced_qrs_ms"),
        ("paced_qrs_ms", "number", "diaphragmatic_stimulation"),
        ("diaphragmatic_stimulation", "yes_no", "another_branch"),
        ("another_branch", "yes_no", "branches"),
    ]
    if grouped:
        parts.append(
            "  branches:\n    type: group\n    entry: Branch\n    max: 6\n"
            "    start: branch_name\n    another: another_branch\n"
            "    source: {doc: s, section: x}\n    nodes:\n"
        )
        parts += [_question(m, kind, nxt, "      ") for m, kind, nxt in members]
        parts.append(
            "    next:\n      - when: any_of(branches, diaphragmatic_stimulation == 'no')\n"
            "        goto: place_lead\n      - goto: no_suitable_branch\n"
        )
    else:
        parts.append("  branches:\n    type: info\n    text: Branches.\n")
        parts.append("    source: {doc: s, section: x}\n    next: branch_name\n")
        parts += [_question(m, kind, nxt.replace("branches", "exit")) for m, kind, nxt in members]
        parts.append(
            "  exit:\n    type: info\n    text: Exit.\n    source: {doc: s, section: x}\n"
            "    next:\n      - when: diaphragmatic_stimulation == 'no'\n"
            "        goto: place_lead\n      - goto: no_suitable_branch\n"
        )
    for outcome in ("not_candidate", "place_lead", "no_suitable_branch"):
        parts.append(
            f"  {outcome}:\n    type: outcome\n    urgency: routine\n    title: {outcome}\n"
        )
    if grouped:
        best = "min_of(branches, paced_qrs_ms, where=diaphragmatic_stimulation == 'no')"
        first = (
            "first_min(branches, branch_name, by=paced_qrs_ms, "
            "where=diaphragmatic_stimulation == 'no')"
        )
        usable = "any_of(branches, diaphragmatic_stimulation == 'no')"
    else:
        best = "paced_qrs_ms if diaphragmatic_stimulation == 'no' else 0"
        first = "branch_name"
        usable = "diaphragmatic_stimulation == 'no'"
    parts.append(
        "computed:\n"
        f'  best_paced_qrs_ms:\n    label: Best\n    formula: "{best}"\n'
        "    source: {doc: s, section: x}\n"
        f'  best_branch:\n    label: Branch\n    formula: "{first}"\n'
        "    source: {doc: s, section: x}\n"
        "invariants:\n  - name: lead_only_where_usable\n    says: Benchmark.\n"
        f"    holds: \"outcome != 'place_lead' or {usable}\"\n"
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


def unmerged(flow: CompiledFlow) -> tuple[float, int]:
    """The walk as verify made it before rounds were merged, stopped at BEFORE_PATHS."""
    explorer = Explorer(flow, budget=Budget(paths=BEFORE_PATHS, seconds=600))
    explorer.rounds = None
    started = time.perf_counter()
    paths = explorer.run().paths
    return time.perf_counter() - started, paths


def shown_invariants() -> None:
    print("\nverify on crt-lead with invariants on the branch shown: merged rounds vs before")
    text = SHOWN.read_text(encoding="utf-8")
    flow = compile_text(text, "crt-shown.yaml")
    before_seconds, before_paths = unmerged(flow)
    started = time.perf_counter()
    report = verify(flow)
    seconds = time.perf_counter() - started
    paths = report.exploration.paths
    print(f"  before: {before_paths:>7} paths {before_seconds:>7.2f} s  stopped, unproven")
    print(
        f"  after:  {paths:>7} paths {seconds:>7.2f} s  "
        f"{'exhaustive' if report.exhaustive else 'NOT exhaustive'}, "
        f"{'ok' if report.ok else 'FAILED'}"
    )
    print(
        f"  ratio: x{before_seconds / seconds:.0f} less time (and the before walk is "
        f"cut at {BEFORE_PATHS} paths: ~x{500_000 / before_paths * before_seconds / seconds:.0f}"
        " against the ~500,000 it took to give up)"
    )
    twelve = compile_text(text.replace("    max: 6\n", "    max: 12\n"), "twelve.yaml")
    started = time.perf_counter()
    report = verify(twelve)
    print(
        f"  max 12 rounds: {report.exploration.paths} paths "
        f"{time.perf_counter() - started:.2f} s, exhaustive: {report.exhaustive}"
    )
    for name, formula in FAULTS.items():
        faulty = compile_text(text.replace(BEST_BRANCH, formula, 1), f"{name}.yaml")
        started = time.perf_counter()
        report = verify(faulty)
        caught = sorted(f.message.split(" ")[1] for f in report.findings if f.code == "invariant")
        print(
            f"  fault '{name}': {time.perf_counter() - started:.2f} s, exhaustive: "
            f"{report.exhaustive}, caught: {', '.join(caught) or 'NOTHING'}"
        )


def command_line() -> None:
    print("\ntriagebot verify on every bundled flow, as a process (best of 3)")
    command = [sys.executable, "-m", "triagebot"]
    baseline = min(_wall([*command, "--help"]) for _ in range(3))
    seconds = min(_wall([*command, "verify"]) for _ in range(3))
    print(f"  triagebot --help: {baseline:.2f} s; triagebot verify: {seconds:.2f} s")
    print(f"  ratio: x{seconds / baseline:.1f}; verifying alone ~{seconds - baseline:.2f} s")


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def bundled() -> None:
    print("\nverify on every bundled flow (best of 3)")
    total = 0.0
    for path in library.flow_files([library.bundled_dir()]):
        flow = load_flow(path)
        seconds = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            report = verify(flow)
            seconds = min(seconds, time.perf_counter() - started)
        total += seconds
        proven = "exhaustive" if report.exhaustive else "BOUNDED"
        print(
            f"  {flow.id:<22} {report.exploration.paths:>7} paths {seconds:>8.3f} s  "
            f"{proven:<10} {'ok' if report.ok else 'FAILED'}"
        )
    print(f"  all bundled flows: {total:.3f} s (issue 19's budget: 1 s)")


def main() -> None:
    if sys.argv[1:] == ["--bundled"]:
        bundled()
        command_line()
        return
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
    bundled()
    print("\nverify on a crt-like flow: a group of up to 6 rounds vs its questions asked once")
    flat = compile_text(crt_like(grouped=False), "crt-flat.yaml")
    grouped = compile_text(crt_like(grouped=True), "crt-grouped.yaml")
    flat_seconds, flat_paths, flat_ok = timed(flat)
    seconds, paths, ok = timed(grouped)
    assert flat_ok and ok, "the crt-like flows should verify"
    print(f"  {'no group':<16} {flat_paths:>7} paths {flat_seconds:>8.3f} s")
    print(f"  {'group, max 6':<16} {paths:>7} paths {seconds:>8.3f} s")
    print(
        f"  ratio: x{seconds / flat_seconds:.1f} time, x{paths / flat_paths:.1f} paths, "
        f"x{(seconds / paths) / (flat_seconds / flat_paths):.2f} time per path"
    )
    shown_invariants()
    command_line()


if __name__ == "__main__":
    main()
