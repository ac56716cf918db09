"""``run FLOW --cases``: memory stays flat in the number of cases (ratios, not promises).

Writes 10,000 and 100,000 cauda-equina cases (the bundled scenarios, repeated, one bad
line in every hundred), then runs ``triagebot run cauda-equina --cases FILE`` on each in a
fresh process, output to /dev/null, and reads the process's peak memory (its own
``ru_maxrss``) and time. Each size runs in its own process so one peak cannot hide
another, and against a baseline process that runs a single case: what the command costs
before any batch.

Targets: peak memory at 100k within 1.1x of 10k (streamed: each line is read, run, written
and dropped); time about 10x (each case costs the same).

Issue 19's budget is cases per second at least 3x "today's", the code as it stood when the
issue was taken up (``BASELINE``, the commit before the application layer began). That
code is checked out of git into a temporary folder and run the same way in the same run,
so the ratio does not depend on how busy the machine was on another day.

Run: ``python benchmarks/bench_cases.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "data" / "flows" / "cauda-equina.cases.jsonl"
BASELINE = "e3a688d"
"""The last commit before issue 19's application layer: "today" in its budget."""

CHILD = """
import resource, sys, time
from triagebot.cli import main
start = time.perf_counter()
sys.stdout = open("/dev/null", "w")
code = main(["run", "cauda-equina", "--cases", sys.argv[1]])
elapsed = time.perf_counter() - start
sys.stdout = sys.__stdout__
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, elapsed)
"""


def write_cases(path: Path, count: int) -> None:
    """``count`` lines: the bundled scenarios in turn, every hundredth line a bad one."""
    scenarios = [line for line in SCENARIOS.read_text(encoding="utf-8").splitlines() if line]
    bad = json.dumps({"back_or_leg_pain": "perhaps"})
    with path.open("w", encoding="utf-8") as stream:
        for number in range(count):
            stream.write(bad if number % 100 == 99 else scenarios[number % len(scenarios)])
            stream.write("\n")


def measure(path: Path, source: Path = ROOT / "src") -> tuple[int, float]:
    """(peak resident memory in kB, seconds) of one ``run --cases`` process running the
    triagebot found in ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source), "TRIAGEBOT_FLOW_CACHE": "off"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    code, peak, elapsed = result.stdout.split()
    assert code in ("0", "1"), result.stderr
    return int(peak), float(elapsed)


def checkout(revision: str, folder: Path) -> Path:
    """The ``src`` and ``flows`` folders of ``revision``, extracted into ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src", "flows"],
        capture_output=True,
        check=True,
    ).stdout
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def against_baseline(path: Path, folder: Path, revision: str, rounds: int) -> None:
    """Cases per second now and at ``revision``, alternating runs; the best of each."""
    old_source = checkout(revision, folder / "baseline")
    now = old = float("inf")
    for _ in range(rounds):
        now = min(now, measure(path)[1])
        old = min(old, measure(path, old_source)[1])
    count = sum(1 for _ in path.open(encoding="utf-8"))
    print(
        f"{count} cases: {count / now:7.0f} cases/s now, {count / old:7.0f} at {revision}: "
        f"{old / now:.2f}x (issue 19 budget: at least 3x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, best kept")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        speed = Path(folder) / "speed.jsonl"
        write_cases(speed, 20_000)
        against_baseline(speed, Path(folder), options.baseline, options.rounds)
        sizes = {"1": 1, "10k": 10_000, "100k": 100_000}
        results = {}
        for name, count in sizes.items():
            path = Path(folder) / f"{name}.jsonl"
            write_cases(path, count)
            started = time.perf_counter()
            results[name] = measure(path)
            print(
                f"{name:>5} cases: peak RSS {results[name][0] / 1024:7.1f} MB, "
                f"{results[name][1]:7.2f} s in the command "
                f"({time.perf_counter() - started:.1f} s with start-up)"
            )
        base, small, large = results["1"], results["10k"], results["100k"]
        print(f"peak memory 100k / 10k: {large[0] / small[0]:.3f}x (target: within 1.1x)")
        print(
            f"peak memory above the 1-case baseline, 100k / 10k: "
            f"{(large[0] - base[0]) / max(small[0] - base[0], 1):.2f}x"
        )
        print(f"time 100k / 10k: {large[1] / small[1]:.2f}x (target: about 10x)")


if __name__ == "__main__":
    main()
