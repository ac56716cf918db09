"""Engine speed, measured side by side in one run (ratios, not absolute promises).

1. One Session answer step (parse the answer, evaluate the routing conditions, fire the
   trigger, record the step) against a bare ``transitions`` trigger on a Machine with the
   same states and transitions, whose conditions are trivial callables. Target: within 2x.
2. Build time (YAML text -> checked flow -> first Session) of synthetic chain flows of
   1,000 and 10,000 nodes. Target: growing linearly (10x nodes, about 10x time).
3. Time to reject each malformed test file (target: well under a second each).
4. Languages: loading the 1,000-node chain with every text written in French and English
   against the same chain in one language (target: within 1.5x: twice the text to check),
   and compiling its second language from the already-parsed document.

Run: ``python benchmarks/bench_engine.py``.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transitions import Machine  # noqa: E402

from triagebot.app import library  # noqa: E402
from triagebot.flows.compiler import (  # noqa: E402
    CompiledFlow,
    compile_text,
    load_flow,
    with_language,
)
from triagebot.flows.engine import Session  # noqa: E402
from triagebot.flows.yamlio import FlowError  # noqa: E402

WALK = {
    "back_or_leg_pain": "yes",
    "urinary_difficulty": "no",
    "saddle_sensation": "no",
    "bilateral_neuro_deficit": "no",
    "rectal_sensation_loss": "no",
    "retention_or_incontinence": "no",
    "sexual_dysfunction": "no",
    "bilateral_radicular_pain": "no",
}


def best_of(repeats: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeats))


def session_steps(flow: CompiledFlow, walks: int) -> float:
    """Seconds per answer step over ``walks`` complete walks (sessions built beforehand)."""
    sessions = [Session(flow) for _ in range(walks)]
    start = time.perf_counter()
    for session in sessions:
        while not session.finished:
            session.answer(WALK[session.current])
    return (time.perf_counter() - start) / (walks * len(WALK))


class BareModel:
    state: str


def bare_steps(flow: CompiledFlow, walks: int) -> float:
    """Seconds per trigger on a bare Machine with the same transitions (conditions trivial).

    On this walk every node leaves by its default rule, so the bare machine, whose
    conditions all return False, takes exactly the same transitions after trying the
    same number of conditions.
    """

    def never(_event: object) -> bool:
        return False

    transitions = []
    for node_id, rules in flow.routes.items():
        for rule in rules:
            spec: dict[str, object] = {"trigger": "answer", "source": node_id, "dest": rule.goto}
            if rule.condition is not None:
                spec["conditions"] = [never]
            transitions.append(spec)
    models = []
    for _ in range(walks):
        model = BareModel()
        Machine(
            model=model,
            states=list(flow.flow.nodes),
            transitions=transitions,
            initial=flow.flow.start,
            auto_transitions=False,
            send_event=True,
        )
        models.append(model)
    start = time.perf_counter()
    for model in models:
        for _ in WALK:
            model.trigger("answer")  # type: ignore[attr-defined]
    return (time.perf_counter() - start) / (walks * len(WALK))


def synthetic_flow(nodes: int, bilingual: bool = False) -> str:
    """A chain of yes/no questions, each able to exit early to one of two outcomes; with
    ``bilingual`` every text is written ``{fr: ..., en: ...}``."""
    questions = nodes - 2

    def text(words: str) -> str:
        return f"{{fr: {words} (fr), en: {words}}}" if bilingual else words

    lines = [
        "id: synthetic",
        *(["languages: [fr, en]"] if bilingual else []),
        f"title: {text('Synthetic chain')}",
        'version: "1"',
        f"audience: {text('benchmarks')}",
        f"disclaimer: {text('Not clinical.')}",
        "sources: [{id: s, title: S, file: s.txt, version: '1', evidence: guideline}]",
        "content_review: {signed_off: 2025-01-01, due: 2025-12-31}",
        "start: q0",
        "nodes:",
    ]
    for index in range(questions):
        following = f"q{index + 1}" if index + 1 < questions else "done"
        lines += [
            f"  q{index}:",
            "    type: yes_no",
            f"    prompt: {text(f'Question {index}?')}",
            f"    why: {text('Benchmark.')}",
            "    source: {doc: s, section: x}",
            "    next:",
            f"      - when: q{index} == 'yes'",
            "        goto: stop",
            f"      - goto: {following}",
        ]
    for outcome in ("stop", "done"):
        lines += [
            f"  {outcome}:",
            "    type: outcome",
            "    urgency: routine",
            f"    title: {text(outcome)}",
        ]
    return "\n".join(lines) + "\n"


def build_seconds(text: str) -> tuple[float, float]:
    """Seconds to load and check the flow, and to build its first Session (the Machine)."""
    start = time.perf_counter()
    flow = compile_text(text, "synthetic.yaml")
    loaded = time.perf_counter()
    Session(flow)
    return loaded - start, time.perf_counter() - loaded


def language_seconds(text: str) -> tuple[float, float]:
    """Seconds to load a flow in its first language, and to compile its second."""
    start = time.perf_counter()
    flow = compile_text(text, "synthetic.yaml")
    loaded = time.perf_counter()
    if len(flow.languages) > 1:
        with_language(flow, flow.languages[1])
    return loaded - start, time.perf_counter() - loaded


def rejection_seconds(path: Path) -> float:
    start = time.perf_counter()
    with contextlib.suppress(FlowError):
        load_flow(path)
    return time.perf_counter() - start


def main() -> None:
    flow = library.resolve("cauda-equina")
    session_step = best_of(5, lambda: session_steps(flow, 300))
    bare_step = best_of(5, lambda: bare_steps(flow, 300))
    print("1. one answer step on cauda-equina (best of 5 runs of 300 walks x 8 steps)")
    print(f"   bare transitions trigger : {bare_step * 1e6:8.1f} µs")
    print(f"   Session.answer step      : {session_step * 1e6:8.1f} µs")
    print(f"   ratio                    : {session_step / bare_step:8.2f}x   (target <= 2x)")

    print("2. build (best of 3): load + check the YAML text, then the first Session's Machine")
    builds = {}
    for nodes in (1_000, 10_000):
        text = synthetic_flow(nodes)
        runs = [build_seconds(text) for _ in range(3)]
        builds[nodes] = (min(r[0] for r in runs), min(r[1] for r in runs))
        load, machine = builds[nodes]
        size = len(text) // 1024
        print(
            f"   {nodes:>6} nodes ({size:>5} KiB): "
            f"load {load * 1e3:7.1f} ms, Machine {machine * 1e3:7.1f} ms"
        )
    load_ratio = builds[10_000][0] / builds[1_000][0]
    machine_ratio = builds[10_000][1] / builds[1_000][1]
    print(
        f"   ratio 10,000 / 1,000: load {load_ratio:.1f}x, "
        f"Machine {machine_ratio:.1f}x (linear = 10x)"
    )

    print("3. rejecting malformed flow files")
    timings = sorted(
        (rejection_seconds(path), path.name)
        for path in (ROOT / "tests" / "data" / "malformed").glob("*.yaml")
    )
    median = statistics.median(t for t, _ in timings)
    slowest, name = timings[-1]
    print(
        f"   {len(timings)} files: median {median * 1e3:.1f} ms, "
        f"slowest {slowest * 1e3:.1f} ms ({name})"
    )

    print("4. languages (best of 3): the 1,000-node chain in one language, then in fr + en")
    one = min(language_seconds(synthetic_flow(1_000))[0] for _ in range(3))
    runs = [language_seconds(synthetic_flow(1_000, bilingual=True)) for _ in range(3)]
    two = min(r[0] for r in runs)
    second = min(r[1] for r in runs)
    print(f"   one language  : load {one * 1e3:7.1f} ms")
    print(f"   fr + en       : load {two * 1e3:7.1f} ms (ratio {two / one:.2f}x, target <= 1.5x)")
    print(f"   then 'en' from the parsed document: {second * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
