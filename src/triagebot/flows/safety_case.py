"""A hazard log and safety-case report (DCB0129) derived from a verified flow.

One hazard per safety property or in-flow invariant. For each, from the flow itself:

- **effect**: the outcomes the property constrains (those where it can fail), with their
  urgencies: found by reading the property with only ``outcome`` known;
- **causes**: the routing rules on a path to those outcomes (any of them, wrong, could
  violate it), each at ``FILE:LINE:COL``;
- **controls**: the property, proven on every path by ``verify``, and the routing rules
  that turn a path away from those outcomes;
- **evidence**: the proof (exhaustive or bounded, paths, time; a counterexample if it
  failed), the scenario tests reaching those outcomes or firing a control, and the
  source passages those outcomes cite.

What a tool must not judge (severity, likelihood, risk rating, residual risk, acceptance,
the CSO and the date) comes from the sign-off (:mod:`triagebot.flows.signoff`).

Its inputs, and the adapter points the properties and scenarios modules use, are in
:mod:`triagebot.flows.safety_inputs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from triagebot.flows import verify as verifier
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.diff import DiffResult
from triagebot.flows.library import review_status
from triagebot.flows.safety_inputs import PropertyInput, ScenarioInput, constrained_outcomes
from triagebot.flows.schema import OutcomeNode
from triagebot.flows.signoff import ASSESSED, SignOff, Standing, standing

# --- outputs ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A routing rule, where it is written and what it does."""

    node: str
    index: int
    where: str
    when: str
    """Its condition, ``otherwise`` for a default rule, ``always`` for a plain ``next``."""
    goto: str


@dataclass(frozen=True, slots=True)
class OutcomeRef:
    id: str
    title: str
    urgency: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A source passage an outcome cites: the source's id and title, and the section."""

    doc: str
    title: str
    section: str


@dataclass(frozen=True, slots=True)
class Hazard:
    """One entry of the hazard log."""

    prop: PropertyInput
    effect: tuple[OutcomeRef, ...]
    causes: tuple[RuleRef, ...]
    controls: tuple[RuleRef, ...]
    scenarios: tuple[ScenarioInput, ...]
    passages: tuple[Passage, ...]
    assessment: tuple[tuple[str, str | None], ...]
    """(judgement, value or None: not yet assessed), from the sign-off."""


@dataclass(frozen=True, slots=True)
class Proof:
    """How far verify's proof reaches."""

    ok: bool
    exhaustive: bool
    summary: str
    """verify's own summary line (paths, how, invariants held, time)."""
    paths: int
    seconds: float
    stopped: str | None


@dataclass(frozen=True, slots=True)
class ChangeLine:
    answers: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """``diff`` against the version given with ``--since`` (None: none given)."""

    old_file: str
    old_version: str
    old_sha256: str
    paths: int
    truncated: bool
    changes: tuple[ChangeLine, ...]
    rounds: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class SourceReview:
    id: str
    title: str
    version: str
    review: str
    """The review date as the source prints it, or ``none stated``."""
    overdue: bool


@dataclass(frozen=True, slots=True)
class Review:
    content_signed_off: date
    content_due: date
    content_overdue: bool
    sources: tuple[SourceReview, ...]


@dataclass(frozen=True, slots=True)
class SafetyCase:
    """Everything the report shows, as data."""

    flow_id: str
    title: str
    version: str
    file: str
    sha256: str
    generated: date
    proof: Proof
    hazards: tuple[Hazard, ...]
    change: ChangeRecord | None
    review: Review
    signoff: SignOff | None
    standing: Standing
    problems: tuple[str, ...] = ()
    """What stops the case standing: a failed proof, a stale sign-off, a failing scenario."""


# --- building -----------------------------------------------------------------------------


def build(  # noqa: PLR0913 (the case's inputs, all but the first two by keyword)
    flow: CompiledFlow,
    report: verifier.Report,
    properties: Iterable[PropertyInput],
    *,
    scenarios: Iterable[ScenarioInput] = (),
    signoff: SignOff | None = None,
    change: DiffResult | None = None,
    today: date | None = None,
) -> SafetyCase:
    """The safety case of ``flow`` from verify's ``report``, its properties (invariants
    and a properties file's), scenario results, the sign-off and a diff against ``--since``."""
    today = today or date.today()
    props = list(properties)
    runs = list(scenarios)
    paths = _leading(flow)
    hazards = tuple(_hazard(flow, prop, runs, signoff, paths) for prop in props)
    state = standing(signoff, flow.id, flow.sha256, [p.name for p in props])
    proof = Proof(
        report.ok,
        report.exhaustive,
        verifier.summary_line(report),
        report.exploration.paths,
        report.seconds,
        report.stopped,
    )
    case = SafetyCase(
        flow.id,
        flow.flow.title,
        flow.flow.version,
        flow.file,
        flow.sha256,
        today,
        proof,
        hazards,
        None if change is None else _change_record(change),
        _review(flow, today),
        signoff,
        state,
    )
    return _with_problems(case, report, runs)


def _leading(flow: CompiledFlow) -> dict[str, set[str]]:
    """Outcome id -> every node from which it can be reached (itself included)."""
    reverse: dict[str, list[str]] = {}
    for source, targets in verifier.edges(flow).items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    result = {}
    for outcome, _ in flow.outcomes():
        seen, todo = {outcome}, [outcome]
        while todo:
            for source in reverse.get(todo.pop(), []):
                if source not in seen:
                    seen.add(source)
                    todo.append(source)
        result[outcome] = seen
    return result


def _hazard(
    flow: CompiledFlow,
    prop: PropertyInput,
    runs: list[ScenarioInput],
    signoff: SignOff | None,
    leading: dict[str, set[str]],
) -> Hazard:
    at_risk = constrained_outcomes(flow, prop.holds)
    towards = set().union(*(leading[o] for o in at_risk)) if at_risk else set()
    causes: list[RuleRef] = []
    controls: list[RuleRef] = []
    for node_id, rules in flow.routes.items():
        if node_id not in towards:
            continue
        for rule in rules:
            ref = _rule(flow, node_id, rule.index)
            (causes if rule.goto in towards else controls).append(ref)
    control_keys = {(r.node, r.index) for r in controls}
    covering = tuple(r for r in runs if r.outcome in at_risk or r.fired & control_keys)
    assessment = signoff.assessment(prop.name) if signoff else {}
    return Hazard(
        prop,
        tuple(_outcome(flow, o) for o in at_risk),
        tuple(causes),
        tuple(controls),
        covering,
        _passages(flow, at_risk),
        tuple((field, assessment.get(field)) for field in ASSESSED),
    )


def _rule(flow: CompiledFlow, node_id: str, index: int) -> RuleRef:
    rules = flow.routes[node_id]
    rule = rules[index]
    plain_next = len(rules) == 1 and rule.condition is None
    when = rule.text or ("always" if plain_next else "otherwise")
    path = (*flow.path_of(node_id), "next") + (() if plain_next else (index,))
    return RuleRef(node_id, index, flow.position(path), " ".join(when.split()), rule.goto)


def _outcome(flow: CompiledFlow, outcome_id: str) -> OutcomeRef:
    node = flow.nodes[outcome_id]
    assert isinstance(node, OutcomeNode)
    return OutcomeRef(outcome_id, node.title, node.urgency)


def _passages(flow: CompiledFlow, outcomes: Iterable[str]) -> tuple[Passage, ...]:
    """Each distinct source passage the outcomes' lines cite, in the order first cited."""
    titles = {source.id: " ".join(source.title.split()) for source in flow.flow.sources}
    found: dict[tuple[str, str], Passage] = {}
    for (node_id, _, _), item in flow.items.items():
        if node_id in outcomes:
            cited = item.item.source
            found.setdefault(
                (cited.doc, cited.section),
                Passage(cited.doc, titles.get(cited.doc, cited.doc), cited.section),
            )
    return tuple(found.values())


def _change_record(result: DiffResult) -> ChangeRecord:
    old, new = result.old, result.new

    def shown(flow: CompiledFlow, ending: str) -> str:
        node = flow.nodes.get(ending)
        return f"{ending} ({node.urgency})" if isinstance(node, OutcomeNode) else ending

    return ChangeRecord(
        old.file,
        old.flow.version,
        old.sha256,
        result.paths,
        result.truncated,
        tuple(
            ChangeLine(
                verifier.answers_inline(c.answers, new), shown(old, c.old), shown(new, c.new)
            )
            for c in result.changes
        ),
        tuple(sorted(result.rounds.items())),
    )


def _review(flow: CompiledFlow, today: date) -> Review:
    status = review_status(flow, today)
    overdue = {source.id for source in status.overdue_sources}
    return Review(
        flow.flow.content_review.signed_off,
        status.content_due,
        status.content_overdue,
        tuple(
            SourceReview(
                source.id,
                " ".join(source.title.split()),
                " ".join(source.version.split()),
                source.review or "none stated",
                source.id in overdue,
            )
            for source in flow.flow.sources
        ),
    )


def _with_problems(
    case: SafetyCase, report: verifier.Report, runs: list[ScenarioInput]
) -> SafetyCase:
    """The case with one line per thing that stops it standing (what ``check`` fails on)."""
    problems = [
        f"{f.where}: {f.severity}: {f.message}"
        for f in report.findings
        if f.severity == "error" or f.code == "bounded"
    ]
    problems.extend(
        f"{hazard.prop.where}: property {hazard.prop.name} fails: {hazard.prop.says}"
        for hazard in case.hazards
        if not hazard.prop.held and hazard.prop.origin == "properties"
    )
    problems.extend(f"{case.file}: scenario fails: {run.name}" for run in runs if not run.passed)
    state = case.standing
    signoff = case.signoff
    if signoff is not None:
        if state.state == "stale":
            problems.append(f"{signoff.file}: sign-off is STALE: {state.message}")
        elif state.state == "wrong-flow":
            problems.append(f"{signoff.file}: {state.message}")
        problems.extend(
            f"{signoff.file}: hazard {name} is assessed but is not in the flow or its properties"
            for name in state.unknown_hazards
        )
        problems.extend(
            f"{signoff.file}: hazard {name} is not yet assessed" for name in state.unassessed
        )
    return replace(case, problems=tuple(problems))


def with_problems(case: SafetyCase, lines: Iterable[str]) -> SafetyCase:
    """The case with more failure lines (e.g. uncovered scenario items)."""
    return replace(case, problems=(*case.problems, *lines))
