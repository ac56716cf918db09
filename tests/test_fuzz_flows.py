"""Mutated flows through validate, verify and run: a clean refusal or a clean result.

Each case is a bundled (or test) flow with one to three mutations: a number changed
(to NaN, an infinity, 1e400, 5e-324, a 20-digit integer...), an operator swapped, an
expression replaced by a hostile one (1,500 minus signs, deep parentheses, huge powers of
ten, divisions by zero, aggregates of anything), a range turned over, a group's max
changed, a goto sent elsewhere, a line deleted or doubled. Each goes through the real
command line, in process: ``validate``; ``verify`` with a small budget; ``run`` on every
answer set verify prints and on random answers. Asserted: no internal error (every
failure is a message, placed where the input is a flow), exit codes as documented, and no
call hangs (each is stopped after ``HANG_SECONDS``).

``TRIAGEBOT_FUZZ_EXAMPLES`` sets how many cases hypothesis tries (default 150, about half a
minute); ``benchmarks/fuzz_flows.py`` runs a campaign for a given time and reports how many
cases were tried, refused cleanly and failed.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triagebot.app import library
from triagebot.cli import main
from triagebot.flows.compiler import compile_text
from triagebot.flows.documents import FlowError
from triagebot.flows.explore import Budget
from triagebot.flows.verify import answers_yaml, verify

DATA = Path(__file__).parent / "data"
SOURCES = [
    *library.flow_files([library.bundled_dir()]),
    DATA / "verify" / "crt-shown.yaml",
    DATA / "verify" / "failing.yaml",
    DATA / "groups" / "crt.yaml",
    DATA / "groups" / "doses.yaml",
]
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SOURCES}

HANG_SECONDS = 10.0
"""A call taking longer than this is a hang (verify's own budget here is 1 s)."""

EXIT_CODES = {"validate": {0, 1}, "verify": {0, 1, 3}, "run": {0, 1}}
"""What each command may exit with (README: 0 ok, 1 invalid flow or input, 3 not proven)."""

COUNTS: Counter[str] = Counter()
"""Cases tried, refused cleanly (at load), run cleanly, and failed (campaign reports)."""

HOSTILE_NUMBERS = [
    ".nan", ".inf", "-.inf", "1e400", "1e308", "5e-324", "1e15", "1e16", "-1e15",
    "99999999999999999999", "0", "-0.0", "-1", "0.1", "1e-300", "123456.789",
]  # fmt: skip

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")
_EXPRESSION = re.compile(r"^(\s*(?:- )?(?:when|formula|holds): )(.+)$")
_GOTO = re.compile(r"^(\s*(?:goto|next): )([a-z][a-z0-9_]*)\s*$")


class Hang(Exception):
    """A call ran past ``HANG_SECONDS``."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` (Unix timers)."""

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- mutations ------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    return sorted(set(re.findall(r"^\s{2,8}([a-z][a-z0-9_]*):\s*$", text, re.MULTILINE)))


def hostile_expression(rng: random.Random, names: list[str], depth: int = 0) -> str:
    """A random expression: mostly well-formed, often ill-typed, sometimes enormous."""
    pick = rng.random()
    if depth > 3 or pick < 0.3:
        atoms = [*names, *HOSTILE_NUMBERS[3:], "'yes'", "'no'", "entry_number", "outcome"]
        return rng.choice(atoms).lstrip(".")
    if pick < 0.35:
        return "-" * rng.choice([2, 60, 1500]) + hostile_expression(rng, names, depth + 1)
    if pick < 0.4:
        deep = rng.choice([10, 150, 300])
        return "(" * deep + hostile_expression(rng, names, depth + 1) + ")" * deep
    if pick < 0.65:
        operator = rng.choice(["+", "-", "*", "/", "<", ">=", "==", "!=", "and", "or", "in"])
        left = hostile_expression(rng, names, depth + 1)
        return f"{left} {operator} {hostile_expression(rng, names, depth + 1)}"
    if pick < 0.8:
        function = rng.choice(["round", "floor", "ceil", "abs", "min", "max", "len", "known"])
        arguments = [hostile_expression(rng, names, depth + 1) for _ in range(rng.randint(1, 3))]
        return f"{function}({', '.join(arguments)})"
    if pick < 0.9:
        aggregate = rng.choice(["count_of", "any_of", "all_of", "min_of", "sum_of", "first_min"])
        group = rng.choice(names) if names else "g"
        inner = hostile_expression(rng, names, depth + 1)
        extra = f", by={rng.choice(names)}" if aggregate == "first_min" and names else ""
        return f"{aggregate}({group}, {inner}{extra})"
    return f"not {hostile_expression(rng, names, depth + 1)}"


def _replace_line(text: str, rng: random.Random, pattern: re.Pattern[str], new: Callable) -> str:  # type: ignore[type-arg]
    lines = text.split("\n")
    found = [i for i, line in enumerate(lines) if pattern.search(line)]
    if not found:
        return text
    index = rng.choice(found)
    lines[index] = new(lines[index])
    return "\n".join(lines)


def mutate_number(text: str, rng: random.Random) -> str:
    def new(line: str) -> str:
        matches = list(_NUMBER.finditer(line))
        chosen = rng.choice(matches)
        value = rng.choice([*HOSTILE_NUMBERS, str(rng.randint(-500, 500))])
        return line[: chosen.start()] + value + line[chosen.end() :]

    return _replace_line(text, rng, _NUMBER, new)


def mutate_operator(text: str, rng: random.Random) -> str:
    swaps = [
        (">=", "<"), ("<", ">="), ("==", "!="), (" and ", " or "), (" or ", " and "),
        ("+", "*"), ("-", "/"), ("(", "(1 / 0 + "), (")", " * 1000000000000000)"),
    ]  # fmt: skip

    def new(line: str) -> str:
        old, replacement = rng.choice([s for s in swaps if s[0] in line] or [("", "")])
        return line.replace(old, replacement, 1) if old else line + " / 0"

    return _replace_line(text, rng, _EXPRESSION, new)


def mutate_expression(text: str, rng: random.Random) -> str:
    names = _names(text)

    def new(line: str) -> str:
        match = _EXPRESSION.match(line)
        assert match is not None
        body = hostile_expression(rng, names).replace('"', "'")
        return f'{match.group(1)}"{body}"'

    return _replace_line(text, rng, _EXPRESSION, new)


def _numbers(text: str) -> list[str]:
    """The ids of the flow's number questions."""
    return re.findall(r"^\s+([a-z][a-z0-9_]*):\n\s+type: number", text, re.MULTILINE)


def mutate_typed(text: str, rng: random.Random) -> str:
    """A formula or condition kept well typed but made to fail on some path: a product
    past 10^15, a division by a difference that can be 0, a wild rounding."""
    numbers = _numbers(text) or ["1"]

    def new(line: str) -> str:
        match = _EXPRESSION.match(line)
        assert match is not None
        body = match.group(2).strip().strip('"').replace('"', "'")
        if body.startswith(">"):
            return line  # a folded expression on the lines below: leave it
        x, y = rng.choice(numbers), rng.choice(numbers)
        number = rng.choice([
            f"{x} * 1000000000000000", f"{x} / ({y} - {x})", f"round({x}, -15)",
            f"floor({x} * {y} * {y} * {y})", "-" * rng.randint(1, 49) + x, f"{x} / {y}",
        ])  # fmt: skip
        if "formula" in match.group(1) and rng.random() < 0.5:
            return f'{match.group(1)}"{number}"'
        return f'{match.group(1)}"({body}) and {number} {rng.choice(["<", ">=", "=="])} 1"'

    return _replace_line(text, rng, _EXPRESSION, new)


def mutate_range(text: str, rng: random.Random) -> str:
    low = re.search(r"^(\s+)min: (.+)$", text, re.MULTILINE)
    if low is None:
        return text
    value = rng.choice(["1e15", ".nan", "-1e16", "250.5", "5e-324"])
    return text[: low.start(2)] + value + text[low.end(2) :]


def mutate_group_max(text: str, rng: random.Random) -> str:
    value = rng.choice(["0", "1", "12", "13", "1000000000", "-1", "2.5"])
    return re.sub(r"^(\s+max: )\d+$", rf"\g<1>{value}", text, count=1, flags=re.MULTILINE)


def mutate_goto(text: str, rng: random.Random) -> str:
    names = _names(text) or ["nowhere"]

    def new(line: str) -> str:
        match = _GOTO.match(line)
        assert match is not None
        return match.group(1) + rng.choice([*names, "nowhere", "start"])

    return _replace_line(text, rng, _GOTO, new)


def mutate_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    index = rng.randrange(len(lines))
    if rng.random() < 0.5:
        del lines[index]
    else:
        lines.insert(index, lines[index])
    return "\n".join(lines)


MUTATIONS = [
    mutate_typed,
    mutate_typed,
    mutate_typed,
    mutate_number,
    mutate_operator,
    mutate_expression,
    mutate_expression,
    mutate_range,
    mutate_group_max,
    mutate_goto,
    mutate_line,
]


def mutated(rng: random.Random) -> tuple[str, str]:
    """A source flow's name and its text after one to three mutations."""
    name = rng.choice(sorted(TEXTS))
    text = TEXTS[name]
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(MUTATIONS)(text, rng)
    return name, text


# --- one case -------------------------------------------------------------------------


def command(args: list[str]) -> tuple[int, str]:
    """Run the command line in process: (exit code, stderr); a hang raises."""
    out, err = io.StringIO(), io.StringIO()
    with deadline(HANG_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    text = err.getvalue()
    assert "internal error" not in text and "Traceback" not in text, (args, text)
    assert code in EXIT_CODES[args[0]], (args, code, text)
    return code, text


def random_answers(text: str, rng: random.Random) -> str:
    """An answers file of random values for the flow's question ids, many out of range."""
    values = ["yes", "no", "unsure", "unknown", "0", "-1", "1e400", "5e-324", "250", "[]"]
    names = _names(text)
    chosen = rng.sample(names, min(len(names), 12))
    return "".join(f"{name}: {rng.choice(values)}\n" for name in chosen)


def check_case(text: str, folder: Path, rng: random.Random) -> str:
    """One mutated flow through validate, verify and run: 'refused' (a located load
    error) or 'ran'; an internal error, a bad exit code or a hang fails an assertion."""
    COUNTS["tried"] += 1
    path = folder / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    code, error = command(["validate", str(path)])
    try:
        with deadline(HANG_SECONDS):
            flow = compile_text(text, str(path))
    except FlowError as refused:
        assert (code, str(path) + ":" in str(refused)) == (1, True), (error, refused)
        COUNTS["refused"] += 1
        return "refused"
    assert code == 0, error
    command(["verify", str(path), "--max-seconds", "1", "--max-paths", "3000"])
    with deadline(HANG_SECONDS):
        report = verify(flow, budget=Budget(paths=3000, seconds=1.0))
    answer_sets = [answers_yaml(a, flow) for a in report.exploration.shortest.values()]
    answer_sets += [answers_yaml(f.answers, flow) for f in report.findings if f.answers]
    answer_sets.append(random_answers(text, rng))
    answers = folder / "answers.yaml"
    for answer_set in answer_sets[:8]:
        answers.write_text(answer_set, encoding="utf-8")
        command(["run", str(path), "--answers", str(answers), "--format", "json"])
    COUNTS["ran"] += 1
    return "ran"


EXAMPLES = int(os.environ.get("TRIAGEBOT_FUZZ_EXAMPLES", "150"))


@pytest.fixture(autouse=True)
def _no_flow_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each case compiles afresh, and nothing is kept in the user's data folder."""
    monkeypatch.setenv("TRIAGEBOT_FLOW_CACHE", "off")
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(tmp_path / "data"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES <= 150,
)
@given(st.randoms(use_true_random=False))
def test_mutated_flows_are_refused_or_run_cleanly(tmp_path: Path, rng: random.Random) -> None:
    """Validate, verify (small budget) and run a mutated flow: a located refusal or a
    clean result, documented exit codes, never an internal error or a hang."""
    _, text = mutated(rng)
    assert check_case(text, tmp_path, rng) in ("refused", "ran")


@pytest.mark.parametrize(
    "expression",
    [
        "-" * 1500 + "1 > 0",  # 1,500 unary minus signs
        "(" * 150 + "1" + ")" * 150 + " > 0",  # deep parentheses
        "floor(dose * 1000000000000000 * 1000000000000000) > 1",  # a huge product
        "round(dose, -1000000000) > 1",  # rounding to a billion digits
        "dose / 0 > 1",  # a division by zero
        "dose > 1e400",  # an infinity written
    ],
)
def test_hostile_expressions_are_refused_or_fail_verify_cleanly(
    tmp_path: Path, expression: str
) -> None:
    """The campaign's examples, in a reason's condition: refused at load, or verify
    fails the flow and run stops cleanly; never an internal error or a hang."""
    text = (DATA / "verify" / "failing.yaml").read_text(encoding="utf-8")
    text = text.replace("        when: dose > 500\n", f'        when: "{expression}"\n', 1)
    assert check_case(text, tmp_path, random.Random(0)) in ("refused", "ran")


def test_a_division_by_a_number_near_zero_is_sampled_not_a_crash(tmp_path: Path) -> None:
    """A weight from 5e-324 and a rule dividing by it (found by a campaign): solving the
    rule for the dose overflowed and verify stopped on an internal assertion."""
    text = (DATA / "verify" / "failing.yaml").read_text(encoding="utf-8")
    text = text.replace("    min: 0\n    max: 150\n", "    min: 5e-324\n    max: 1\n", 1)
    text = text.replace("      - when: dose > 500\n", '      - when: "dose / weight < 1"\n', 1)
    assert check_case(text, tmp_path, random.Random(0)) == "ran"
