"""The safety case as JSON data and as Markdown (HTML: :mod:`triagebot.app.safety_html`).

Every field the hazard log has is in every format; a judgement the sign-off does not make
reads "not yet assessed" (:data:`~triagebot.flows.signoff.NOT_ASSESSED`).
"""

from __future__ import annotations

from typing import Any

from triagebot.flows.safety_case import ChangeRecord, Hazard, RuleRef, SafetyCase
from triagebot.flows.signoff import NOT_ASSESSED

NO_SINCE = "no earlier version given (--since OLD.yaml lists the answer paths that changed)"
STALE_NO_SINCE = "flow changed since sign-off; give --since to list paths"

LABELS = {
    "severity": "Severity",
    "likelihood": "Likelihood",
    "risk_rating": "Risk rating",
    "residual_risk": "Residual risk",
    "acceptance": "Acceptance",
}
"""Each judgement the CSO makes, as headed in the report."""


def shown(value: object) -> str:
    """A CSO-owned value as shown: itself, or "not yet assessed"."""
    return NOT_ASSESSED if value is None else str(value)


def change_note(case: SafetyCase) -> str | None:
    """What the change record says when it lists no paths (None when it does)."""
    if case.change is not None:
        return None
    return STALE_NO_SINCE if case.standing.state == "stale" else NO_SINCE


def judgement_note(case: SafetyCase) -> str | None:
    """A warning over the CSO's judgements when they were made on other bytes."""
    if case.standing.state not in ("stale", "wrong-flow"):
        return None
    return (
        "These judgements come from a sign-off that does not match this flow "
        f"({case.standing.state.upper()}): they were made on another version and must be "
        "assessed again."
    )


def since_note(case: SafetyCase) -> str | None:
    """A warning when the version given with --since is not the one signed off."""
    signoff, change = case.signoff, case.change
    if signoff is None or change is None or change.old_sha256 == signoff.flow_sha256:
        return None
    return (
        f"The version given with --since (sha256 {change.old_sha256[:12]}…) is not the one "
        f"signed off (sha256 {signoff.flow_sha256[:12]}…): these are not the changes since "
        "sign-off."
    )


def rule_data(rule: RuleRef) -> dict[str, Any]:
    return {
        "node": rule.node,
        "rule": rule.index + 1,
        "where": rule.where,
        "when": rule.when,
        "goto": rule.goto,
    }


def hazard_data(hazard: Hazard, case: SafetyCase) -> dict[str, Any]:
    prop = hazard.prop
    return {
        "name": prop.name,
        "origin": prop.origin,
        "hazard": prop.hazard,
        "says": prop.says,
        "effect": [
            {"outcome": o.id, "title": o.title, "urgency": o.urgency} for o in hazard.effect
        ],
        "causes": [rule_data(rule) for rule in hazard.causes],
        "controls": {
            "property": {
                "name": prop.name,
                "holds": " ".join(prop.holds.split()),
                "where": prop.where,
            },
            "rules": [rule_data(rule) for rule in hazard.controls],
        },
        "evidence": {
            "proof": "exhaustive" if case.proof.exhaustive else "bounded",
            "held": prop.held,
            "paths": case.proof.paths,
            "seconds": round(case.proof.seconds, 3),
            "counterexample": prop.counterexample,
            "counterexample_outcome": prop.counterexample_outcome,
            "scenarios": [
                {"name": s.name, "outcome": s.outcome, "passed": s.passed} for s in hazard.scenarios
            ],
            "source_passages": [
                {"doc": p.doc, "title": p.title, "section": p.section} for p in hazard.passages
            ],
        },
        "assessment": {field: shown(value) for field, value in hazard.assessment},
    }


def change_data(change: ChangeRecord) -> dict[str, Any]:
    return {
        "since": change.old_file,
        "old_version": change.old_version,
        "old_sha256": change.old_sha256,
        "paths_compared": change.paths,
        "truncated": change.truncated,
        "group_rounds": dict(change.rounds),
        "changes": [{"answers": c.answers, "old": c.old, "new": c.new} for c in change.changes],
    }


def to_data(case: SafetyCase) -> dict[str, Any]:
    """The safety case as JSON-ready data."""
    signoff = case.signoff
    officer = signoff.officer if signoff else None
    review = case.review
    return {
        "flow": {
            "id": case.flow_id,
            "title": case.title,
            "version": case.version,
            "file": case.file,
            "sha256": case.sha256,
        },
        "generated": case.generated.isoformat(),
        "proof": {
            "ok": case.proof.ok,
            "exhaustive": case.proof.exhaustive,
            "paths": case.proof.paths,
            "seconds": round(case.proof.seconds, 3),
            "stopped": case.proof.stopped,
            "summary": case.proof.summary,
        },
        "signoff": {
            "state": case.standing.state,
            "message": case.standing.message,
            "file": signoff.file if signoff else None,
            "flow_sha256": signoff.flow_sha256 if signoff else None,
            "clinical_safety_officer": {
                "name": shown(officer.name if officer else None),
                "registration": shown(officer.registration if officer else None),
                "date": shown(officer.date.isoformat() if officer and officer.date else None),
            },
            "unknown_hazards": list(case.standing.unknown_hazards),
            "note": judgement_note(case),
        },
        "hazards": [hazard_data(hazard, case) for hazard in case.hazards],
        "change_record": (
            {**change_data(case.change), "note": since_note(case)}
            if case.change
            else {"since": None, "note": change_note(case)}
        ),
        "review": {
            "content_signed_off": review.content_signed_off.isoformat(),
            "content_due": review.content_due.isoformat(),
            "content_overdue": review.content_overdue,
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "version": s.version,
                    "review": s.review,
                    "overdue": s.overdue,
                }
                for s in review.sources
            ],
        },
        "problems": list(case.problems),
    }


# --- Markdown -------------------------------------------------------------------------------


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _cell(text: object) -> str:
    """Text as one line with Markdown's active characters escaped (flow text is never
    markup; safe in a table cell too)."""
    return " ".join(str(text).split()).translate(_MARKDOWN_SPECIAL)


def _code(text: str) -> str:
    return "`` " + " ".join(text.split()).replace("`", "'") + " ``"


def _rule_line(rule: RuleRef) -> str:
    where = f"`{rule.where}`: `{rule.node}` rule {rule.index + 1}"
    return f"  - {where}: {_code(rule.when)} → `{rule.goto}`"


def to_markdown(case: SafetyCase) -> str:
    """The safety case as a Markdown document: summary, hazard log, change record, review."""
    out = [
        f"# Clinical safety case (DCB0129): {_cell(case.title)}",
        "",
        f"- Flow: `{case.flow_id}` version {_cell(case.version)}, file {_cell(case.file)}",
        f"- Flow sha256: `{case.sha256}`",
        f"- Generated: {case.generated.isoformat()} by triagebot (decision support, not decision)",
        f"- Proof: {_cell(case.proof.summary)}",
        f"- Sign-off: **{case.standing.state.upper()}**: {_cell(case.standing.message)}",
        "",
        *_problems_md(case),
        "## Hazard log",
        "",
        *_note(judgement_note(case)),
        "| Hazard | Effect (outcomes at risk) | " + " | ".join(LABELS.values()) + " |",
        "|---|---|" + "---|" * len(LABELS),
    ]
    for hazard in case.hazards:
        effect = ", ".join(f"{o.id} ({o.urgency})" for o in hazard.effect) or "none"
        judged = " | ".join(_cell(shown(v)) for _, v in hazard.assessment)
        named = f"{_code(hazard.prop.name)}: {_cell(hazard.prop.hazard)}"
        out.append(f"| {named} | {_cell(effect)} | {judged} |")
    out.append("")
    for hazard in case.hazards:
        out.extend(_hazard_md(hazard, case))
    out.extend(_change_md(case))
    out.extend(_review_md(case))
    out.extend(_signoff_md(case))
    return "\n".join(out).rstrip("\n") + "\n"


def _note(text: str | None) -> list[str]:
    return [] if text is None else [f"**Warning:** {text}", ""]


def _problems_md(case: SafetyCase) -> list[str]:
    if not case.problems:
        return []
    return ["## Problems", "", *(f"- {_cell(p)}" for p in case.problems), ""]


def _hazard_md(hazard: Hazard, case: SafetyCase) -> list[str]:
    prop = hazard.prop
    verdict = "holds on every path" if prop.held else "FAILS"
    how = "exhaustive" if case.proof.exhaustive else "bounded, not exhaustive"
    lines = [
        f"### {_code(prop.name)}",
        "",
        f"- **Hazard**: {_cell(prop.hazard)}",
        f"- **Property** ({'properties file' if prop.origin == 'properties' else 'in the flow'}, "
        f"`{prop.where}`): {_cell(prop.says)}",
        "- **Effect**: "
        + (
            "; ".join(f"`{o.id}` {_cell(o.title)} (urgency {o.urgency})" for o in hazard.effect)
            or "no outcome"
        ),
        "- **Causes** (routing rules on a path to those outcomes):",
        *(_rule_line(rule) for rule in hazard.causes),
        f"- **Controls**: the property {_code(prop.holds)}, proven by verify; and the routing "
        "rules that turn a path away from those outcomes:",
        *(_rule_line(rule) for rule in hazard.controls),
        f"- **Evidence**: proof {how}: {verdict} ({case.proof.paths} answer paths, "
        f"{case.proof.seconds:.1f} s)",
    ]
    if prop.counterexample is not None:
        reached = f"reaches `{prop.counterexample_outcome}`"
        lines.append(f"  - counterexample ({reached}): {_code(prop.counterexample)}")
    scenarios = ", ".join(
        f"{_cell(s.name)} ({'passes' if s.passed else 'FAILS'})" for s in hazard.scenarios
    )
    lines.append(f"  - scenario tests: {scenarios or 'none'}")
    lines.append("  - source passages:")
    lines.extend(f"    - {_code(p.doc)}: {_cell(p.section)}" for p in hazard.passages)
    lines.append("- **CSO assessment**:")
    lines.extend(
        f"  - {LABELS[field]}: {_cell(shown(value))}" for field, value in hazard.assessment
    )
    return [*lines, ""]


def _change_md(case: SafetyCase) -> list[str]:
    lines = ["## Change record", ""]
    change = case.change
    if change is None:
        return [*lines, f"{change_note(case)}.", ""]
    lines.extend(_note(since_note(case)))
    lines.append(
        f"Since version {_cell(change.old_version)} ({_cell(change.old_file)}, sha256 "
        f"`{change.old_sha256}`): {len(change.changes)} of {change.paths} answer paths end "
        "differently"
        + (" (stopped early: not every path was compared)" if change.truncated else "")
        + "."
    )
    lines.extend(
        f"- group `{group}` compared over its first {rounds} rounds only"
        for group, rounds in change.rounds
    )
    lines.append("")
    lines.extend(f"- {_code(c.answers)}: {_cell(c.old)} → {_cell(c.new)}" for c in change.changes)
    return [*lines, ""]


def _review_md(case: SafetyCase) -> list[str]:
    review = case.review
    overdue = " **OVERDUE**" if review.content_overdue else ""
    lines = [
        "## Review status",
        "",
        f"- Content review: signed off {review.content_signed_off.isoformat()}, due "
        f"{review.content_due.isoformat()}{overdue}",
    ]
    for source in review.sources:
        late = " **OVERDUE**" if source.overdue else ""
        lines.append(
            f"- Source `{source.id}`: {_cell(source.title)}; {_cell(source.version)}; review: "
            f"{_cell(source.review)}{late}"
        )
    return [*lines, ""]


def _signoff_md(case: SafetyCase) -> list[str]:
    signoff = case.signoff
    officer = signoff.officer if signoff else None
    day = officer.date.isoformat() if officer and officer.date else None
    lines = [
        "## Sign-off (Clinical Safety Officer)",
        "",
        f"- Status: **{case.standing.state.upper()}**: {_cell(case.standing.message)}",
        f"- File: {_cell(signoff.file) if signoff else 'none given'}",
        f"- Signed-off flow sha256: `{signoff.flow_sha256}`"
        if signoff
        else "- Signed-off flow sha256: none",
        f"- Name: {_cell(shown(officer.name if officer else None))}",
        f"- Registration: {_cell(shown(officer.registration if officer else None))}",
        f"- Date: {shown(day)}",
    ]
    lines.extend(
        f"- Assessed but not in this flow: `{name}`" for name in case.standing.unknown_hazards
    )
    return [*lines, ""]
