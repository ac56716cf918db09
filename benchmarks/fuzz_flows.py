"""A fuzzing campaign on flows: mutated flows through validate, verify and run for a given
time, with the counts the issue asks for (tried, refused cleanly, failed).

Each case is what ``tests/test_fuzz_flows.py`` checks (the same mutations and the same
assertions), drawn from a seeded random generator so that a failure can be replayed by
its seed. A failure (an internal error, an undocumented exit code, a call over 10 s) is
counted and printed with its seed and message; the campaign goes on.

Run: ``python benchmarks/fuzz_flows.py --minutes 10 [--seed N] [--keep DIR]``.
(In the test suite, ``TRIAGEBOT_FUZZ_EXAMPLES=N`` sets how many cases hypothesis tries.)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import test_fuzz_flows as fuzz  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0, help="the first case's seed")
    parser.add_argument("--keep", type=Path, help="write each failing flow here")
    args = parser.parse_args()
    os.environ["TRIAGEBOT_FLOW_CACHE"] = "off"
    folder = Path(tempfile.mkdtemp(prefix="triagebot-fuzz-"))
    os.environ["TRIAGEBOT_DATA_DIR"] = str(folder / "data")
    counts = {"tried": 0, "refused cleanly": 0, "ran cleanly": 0, "failed": 0}
    slowest = 0.0
    ends = time.monotonic() + args.minutes * 60
    seed = args.seed
    while time.monotonic() < ends:
        rng = random.Random(seed)
        name, text = fuzz.mutated(rng)
        started = time.monotonic()
        counts["tried"] += 1
        try:
            result = fuzz.check_case(text, folder, rng)
        except (AssertionError, fuzz.Hang, Exception) as error:  # a campaign goes on
            counts["failed"] += 1
            print(f"FAILED seed {seed} ({name}): {type(error).__name__}: {str(error)[:400]}")
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"seed-{seed}.yaml").write_text(text, encoding="utf-8")
        else:
            counts["refused cleanly" if result == "refused" else "ran cleanly"] += 1
        slowest = max(slowest, time.monotonic() - started)
        seed += 1
    print(", ".join(f"{key}: {value}" for key, value in counts.items()))
    print(f"seeds {args.seed}..{seed - 1}; slowest case {slowest:.1f} s")


if __name__ == "__main__":
    main()
