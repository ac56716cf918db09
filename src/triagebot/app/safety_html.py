"""The safety case as one self-contained, printable HTML file.

Inline CSS only: no script, no font, no image, no link to anything outside the file, so a
CSO can attach it to a safety case and open it offline. Every text is escaped.
"""

from __future__ import annotations

from html import escape

from triagebot.app.safety_report import (
    LABELS,
    change_note,
    judgement_note,
    shown,
    since_note,
)
from triagebot.flows.safety_case import Hazard, RuleRef, SafetyCase
from triagebot.flows.signoff import NOT_ASSESSED

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --line: #bbb; --bad: #a4000f; --ok: #1d6b2f;
        --todo: #7a4d00; --todo-bg: #fff3d6; --bad-bg: #fde4e6; }
body { font: 11pt/1.45 system-ui, sans-serif; color: var(--ink); max-width: 62rem;
       margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--ink); margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
h3 code { font-size: 1.05rem; }
.log td:first-child { width: 30%; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
th { background: #eee; }
code { font: 9.5pt ui-monospace, monospace; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .2rem .8rem; margin: .3rem 0; }
dt { font-weight: 600; }
dd { margin: 0; }
ul { margin: .2rem 0; padding-left: 1.2rem; }
.todo { color: var(--todo); background: var(--todo-bg); font-style: italic; padding: 0 .2rem; }
.bad { color: var(--bad); font-weight: 700; }
.ok { color: var(--ok); font-weight: 700; }
.banner { border: 2px solid var(--bad); background: var(--bad-bg); padding: .5rem .8rem; }
.hazard { break-inside: avoid-page; border-top: 1px solid var(--line); }
.muted { color: var(--muted); }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } a { color: inherit; } }
"""


def _judged(value: object) -> str:
    text = shown(value)
    return f'<span class="todo">{escape(text)}</span>' if text == NOT_ASSESSED else escape(text)


def _code(text: str) -> str:
    return f"<code>{escape(' '.join(text.split()))}</code>"


def _rules(rules: tuple[RuleRef, ...]) -> str:
    if not rules:
        return '<span class="muted">none</span>'
    items = "".join(
        f"<li><code>{escape(r.where)}</code>: <code>{escape(r.node)}</code> rule {r.index + 1}: "
        f"{_code(r.when)} → <code>{escape(r.goto)}</code></li>"
        for r in rules
    )
    return f"<ul>{items}</ul>"


def to_html(case: SafetyCase) -> str:
    """The whole report as one HTML document."""
    title = f"Clinical safety case (DCB0129): {case.title}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _summary(case),
        _problems(case),
        _log(case),
        "<h2>Hazards in detail</h2>",
        *(_hazard(hazard, case) for hazard in case.hazards),
        _change(case),
        _review(case),
        _signoff(case),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _summary(case: SafetyCase) -> str:
    state = case.standing.state
    mark = "ok" if state == "current" else "bad"
    return (
        "<dl>"
        f"<dt>Flow</dt><dd><code>{escape(case.flow_id)}</code> version {escape(case.version)}</dd>"
        f"<dt>File</dt><dd><code>{escape(case.file)}</code></dd>"
        f"<dt>Flow sha256</dt><dd><code>{escape(case.sha256)}</code></dd>"
        f"<dt>Generated</dt><dd>{case.generated.isoformat()} by triagebot: decision support, "
        "not decision</dd>"
        f"<dt>Proof</dt><dd>{escape(case.proof.summary)}</dd>"
        f'<dt>Sign-off</dt><dd><span class="{mark}">{escape(state.upper())}</span>: '
        f"{escape(case.standing.message)}</dd>"
        "</dl>"
    )


def _warning(text: str | None) -> str:
    return "" if text is None else f'<p class="banner"><strong>Warning:</strong> {escape(text)}</p>'


def _problems(case: SafetyCase) -> str:
    if not case.problems:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in case.problems)
    return f'<div class="banner"><strong>Problems</strong><ul>{items}</ul></div>'


def _log(case: SafetyCase) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for label in LABELS.values())
    rows = []
    for hazard in case.hazards:
        effect = ", ".join(f"{o.id} ({o.urgency})" for o in hazard.effect) or "none"
        judged = "".join(f"<td>{_judged(value)}</td>" for _, value in hazard.assessment)
        rows.append(
            f'<tr><td><a href="#h-{escape(hazard.prop.name)}"><code>{escape(hazard.prop.name)}'
            f"</code></a><br>{escape(hazard.prop.hazard)}</td><td>{escape(effect)}</td>{judged}</tr>"
        )
    return (
        f"<h2>Hazard log</h2>{_warning(judgement_note(case))}"
        '<table class="log"><thead><tr><th>Hazard</th>'
        "<th>Effect (outcomes at risk)</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _hazard(hazard: Hazard, case: SafetyCase) -> str:
    prop = hazard.prop
    verdict = (
        '<span class="ok">holds on every path</span>'
        if prop.held
        else '<span class="bad">FAILS</span>'
    )
    how = "exhaustive" if case.proof.exhaustive else "bounded, not exhaustive"
    counter = (
        f"<br>Counterexample (reaches <code>{escape(prop.counterexample_outcome or '')}</code>): "
        f"{_code(prop.counterexample)}"
        if prop.counterexample is not None
        else ""
    )
    scenarios = "".join(
        f"<li>{escape(s.name)} → <code>{escape(s.outcome)}</code>: "
        f"{'passes' if s.passed else '<span class=bad>FAILS</span>'}</li>"
        for s in hazard.scenarios
    )
    passages = "".join(
        f"<li><code>{escape(p.doc)}</code>: {escape(p.section)}</li>" for p in hazard.passages
    )
    effect = "".join(
        f"<li><code>{escape(o.id)}</code> {escape(o.title)} (urgency {escape(o.urgency)})</li>"
        for o in hazard.effect
    )
    origin = "properties file" if prop.origin == "properties" else "in the flow"
    judged = "".join(
        f"<dt>{escape(LABELS[field])}</dt><dd>{_judged(value)}</dd>"
        for field, value in hazard.assessment
    )
    return (
        f'<section class="hazard" id="h-{escape(prop.name)}">'
        f"<h3><code>{escape(prop.name)}</code></h3><dl>"
        f"<dt>Hazard</dt><dd>{escape(prop.hazard)}</dd>"
        f"<dt>Property</dt><dd>{escape(prop.says)} <span class=muted>({origin}, "
        f"<code>{escape(prop.where)}</code>)</span></dd>"
        f"<dt>Effect</dt><dd><ul>{effect or '<li>no outcome</li>'}</ul></dd>"
        f"<dt>Causes</dt><dd>Routing rules on a path to those outcomes:{_rules(hazard.causes)}</dd>"
        f"<dt>Controls</dt><dd>The property {_code(prop.holds)}, proven by verify; and the "
        f"routing rules that turn a path away from those outcomes:{_rules(hazard.controls)}</dd>"
        f"<dt>Evidence</dt><dd>Proof {how}: {verdict} ({case.proof.paths} answer paths, "
        f"{case.proof.seconds:.1f} s){counter}"
        f"<br>Scenario tests:<ul>{scenarios or '<li>none</li>'}</ul>"
        f"Source passages:<ul>{passages or '<li>none</li>'}</ul></dd>"
        "<dt>CSO assessment</dt><dd class=muted>the Clinical Safety Officer's judgement, "
        f"from the sign-off</dd>{judged}</dl></section>"
    )


def _change(case: SafetyCase) -> str:
    change = case.change
    if change is None:
        return f"<h2>Change record</h2><p>{escape(change_note(case) or '')}.</p>"
    rows = "".join(
        f"<tr><td>{_code(c.answers)}</td><td>{escape(c.old)}</td><td>{escape(c.new)}</td></tr>"
        for c in change.changes
    )
    stopped = " (stopped early: not every path was compared)" if change.truncated else ""
    rounds = "".join(
        f"<li>group <code>{escape(g)}</code> compared over its first {n} rounds only</li>"
        for g, n in change.rounds
    )
    return (
        f"<h2>Change record</h2><p>Since version {escape(change.old_version)} "
        f"(<code>{escape(change.old_file)}</code>, "
        f"sha256 <code>{escape(change.old_sha256)}</code>): "
        f"{len(change.changes)} of {change.paths} answer paths end differently{stopped}.</p>"
        f"{_warning(since_note(case))}"
        f"{f'<ul>{rounds}</ul>' if rounds else ''}"
        "<table><thead><tr><th>Answers</th><th>Old outcome</th><th>New outcome</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _review(case: SafetyCase) -> str:
    review = case.review
    late = ' <span class="bad">OVERDUE</span>'
    rows = "".join(
        f"<tr><td><code>{escape(s.id)}</code></td><td>{escape(s.title)}</td><td>{escape(s.version)}"
        f"</td><td>{escape(s.review)}{late if s.overdue else ''}</td></tr>"
        for s in review.sources
    )
    return (
        "<h2>Review status</h2>"
        f"<p>Content review: signed off {review.content_signed_off.isoformat()}, due "
        f"{review.content_due.isoformat()}{late if review.content_overdue else ''}.</p>"
        "<table><thead><tr><th>Source</th><th>Title</th><th>Version</th><th>Review</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _signoff(case: SafetyCase) -> str:
    signoff = case.signoff
    officer = signoff.officer if signoff else None
    day = officer.date.isoformat() if officer and officer.date else None
    unknown = "".join(
        f"<dt>Not in this flow</dt><dd><code>{escape(n)}</code></dd>"
        for n in case.standing.unknown_hazards
    )
    state = f"{escape(case.standing.state.upper())}: {escape(case.standing.message)}"
    signed = escape(signoff.flow_sha256) if signoff else "none"
    return (
        "<h2>Sign-off (Clinical Safety Officer)</h2><dl>"
        f"<dt>Status</dt><dd>{state}</dd>"
        f"<dt>File</dt><dd>{escape(signoff.file) if signoff else 'none given'}</dd>"
        f"<dt>Signed-off sha256</dt><dd><code>{signed}</code></dd>"
        f"<dt>Name</dt><dd>{_judged(officer.name if officer else None)}</dd>"
        f"<dt>Registration</dt><dd>{_judged(officer.registration if officer else None)}</dd>"
        f"<dt>Date</dt><dd>{_judged(day)}</dd>{unknown}</dl>"
        '<p class="muted">Severity, likelihood, risk rating, residual risk, acceptance and the '
        "sign-off are the Clinical Safety Officer's judgement; triagebot derives only the rest.</p>"
    )
