"""The Clinical Safety Officer's sign-off file: what a tool must not judge.

``flows/tests/<flow-id>.signoff.yaml`` is written and owned by the CSO. It names the flow
and the sha256 of the flow file's bytes the CSO assessed, the CSO (name, registration,
date), and for each hazard (a property's or an invariant's name) the DCB0129 judgements:
severity, likelihood, risk rating, residual risk and acceptance. triagebot reads it and
never fills it in: a judgement left out (or ``null``) reads "not yet assessed", and a
sign-off made on other bytes than the flow's is stale.

Pure: the caller reads the file (``yamlio``) and passes the :class:`Document`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from triagebot.flows.documents import Document, FlowError, PathKey, Problem

ASSESSED = ("severity", "likelihood", "risk_rating", "residual_risk", "acceptance")
"""The judgements the CSO makes for each hazard (DCB0129), in the order shown."""

OFFICER_FIELDS = ("name", "registration", "date")
"""What identifies the Clinical Safety Officer who signed."""

NOT_ASSESSED = "not yet assessed"
"""What the report shows for any judgement the sign-off does not make."""

_TOP_LEVEL = ("flow", "flow_sha256", "clinical_safety_officer", "hazards")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Officer:
    """The Clinical Safety Officer as the sign-off names them (None: not filled in)."""

    name: str | None = None
    registration: str | None = None
    """Their professional registration (e.g. GMC or NMC number)."""
    date: date | None = None
    """The day they signed."""


@dataclass(frozen=True, slots=True)
class SignOff:
    """A sign-off file as read: every judgement as the CSO wrote it, None where blank."""

    file: str
    flow: str
    """The flow id it was made for."""
    flow_sha256: str
    """The sha256 of the flow file's bytes the CSO assessed."""
    officer: Officer
    hazards: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]
    """Hazard name -> (judgement, value) in the order of :data:`ASSESSED`."""

    def assessment(self, hazard: str) -> dict[str, str | None]:
        """The judgements made for ``hazard`` (every field None when it is not listed)."""
        for name, judgements in self.hazards:
            if name == hazard:
                return dict(judgements)
        return dict.fromkeys(ASSESSED)


def parse_signoff(document: Document) -> SignOff:
    """Check a sign-off file's shape; every problem found is raised at once, located.

    Raises:
        FlowError: with each problem at its ``FILE:LINE:COL``.
    """
    checker = _Checker(document)
    result = checker.read()
    if checker.problems:
        raise FlowError(checker.problems)
    assert result is not None
    return result


class _Checker:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def fail(self, path: PathKey, message: str, at_key: bool = False) -> None:
        where = self.document.key_positions.get(path) if at_key else None
        if where is None:
            self.problems.append(self.document.problem(path, message))
        else:
            self.problems.append(Problem(self.document.file, where.line, where.column, message))

    def mapping(self, path: PathKey, value: Any, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"{_name(path)} must be a mapping")
            return {}
        known = tuple(allowed)
        for key in value:
            if key not in known:
                self.fail(
                    (*path, key),
                    f"unknown field '{key}'; expected one of: {', '.join(known)}",
                    True,
                )
        return value

    def text(self, path: PathKey, value: Any, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.fail(path, f"{_name(path)} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(path, f"{_name(path)} must be text")
            return None
        return str(value)

    def read(self) -> SignOff | None:
        data = self.mapping((), self.document.data, _TOP_LEVEL)
        flow = self.text(("flow",), data.get("flow"), required=True)
        sha = self.text(("flow_sha256",), data.get("flow_sha256"), required=True)
        if sha is not None and not (isinstance(data["flow_sha256"], str) and _SHA256.match(sha)):
            # A number is refused, not turned back into text: 1e5... would not read back.
            self.fail(("flow_sha256",), "flow_sha256 must be 64 lower-case hex digits, in quotes")
        officer = self.officer(data.get("clinical_safety_officer"))
        hazards = self.hazards(data.get("hazards"))
        if flow is None or sha is None:
            return None
        return SignOff(self.document.file, flow, sha, officer, hazards)

    def officer(self, value: Any) -> Officer:
        path: PathKey = ("clinical_safety_officer",)
        if value is None:
            return Officer()
        data = self.mapping(path, value, OFFICER_FIELDS)
        signed = data.get("date")
        if isinstance(signed, str):
            try:
                signed = date.fromisoformat(signed)
            except ValueError:
                signed = False
        if signed is not None and not isinstance(signed, date):
            self.fail((*path, "date"), "date must be a day written YYYY-MM-DD")
            signed = None
        return Officer(
            self.text((*path, "name"), data.get("name")),
            self.text((*path, "registration"), data.get("registration")),
            signed,
        )

    def hazards(self, value: Any) -> tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]:
        if value is None:
            return ()
        found = []
        for name, judgements in self.mapping(("hazards",), value, value or ()).items():
            path: PathKey = ("hazards", name)
            data = {} if judgements is None else self.mapping(path, judgements, ASSESSED)
            made = tuple((field, self.text((*path, field), data.get(field))) for field in ASSESSED)
            found.append((str(name), made))
        return tuple(found)


def _name(path: PathKey) -> str:
    return str(path[-1]) if path else "a sign-off file"


# --- against the flow ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a sign-off stands against the flow it is read with."""

    state: str
    """``none`` (no sign-off given), ``current`` (made on these bytes), ``stale`` (made on
    other bytes), ``wrong-flow`` (made for another flow id)."""
    message: str
    unknown_hazards: tuple[str, ...] = ()
    """Hazards the sign-off assesses that this flow (with its properties) does not have."""
    unassessed: tuple[str, ...] = ()
    """This flow's hazards the sign-off leaves with a judgement not yet assessed."""


def standing(
    signoff: SignOff | None, flow_id: str, sha256: str, hazards: Iterable[str]
) -> Standing:
    """Compare a sign-off with the flow's id, bytes and hazards."""
    names = tuple(hazards)
    if signoff is None:
        return Standing("none", "no sign-off: every judgement is not yet assessed", (), names)
    listed = [name for name, _ in signoff.hazards]
    unknown = tuple(name for name in listed if name not in names)
    unassessed = tuple(name for name in names if None in signoff.assessment(name).values())
    if signoff.flow != flow_id:
        message = f"sign-off is for flow '{signoff.flow}', not '{flow_id}'"
        return Standing("wrong-flow", message, unknown, names)
    if signoff.flow_sha256 != sha256:
        message = (
            f"signed off on flow sha256 {signoff.flow_sha256[:12]}…, the flow is now "
            f"{sha256[:12]}…: the flow changed since sign-off"
        )
        return Standing("stale", message, unknown, unassessed)
    return Standing("current", "signed off on this flow's exact bytes", unknown, unassessed)


def template(flow_id: str, version: str, sha256: str, hazards: Iterable[tuple[str, str]]) -> str:
    """A sign-off file for the CSO to fill in: the flow's identity, and every judgement
    ``null`` (not yet assessed); ``hazards`` are (name, what it says) pairs."""
    lines = [
        f"# Clinical safety sign-off for {flow_id} v{version} (DCB0129).",
        "# Owned and edited by the Clinical Safety Officer. triagebot wrote only the flow's",
        "# id and sha256: every null below is a judgement for the CSO, and reads",
        f'# "{NOT_ASSESSED}" in the safety case until filled in.',
        f"flow: {flow_id}",
        f'flow_sha256: "{sha256}"',
        "clinical_safety_officer:",
        "  name: null          # CSO: your name",
        "  registration: null  # CSO: your professional registration",
        "  date: null          # CSO: the day you sign, YYYY-MM-DD",
        "hazards:",
    ]
    for name, says in hazards:
        lines.append(f"  {name}:")
        lines.extend(f"    # {line}" for line in textwrap.wrap(" ".join(says.split()), 84))
        lines.extend(f"    {field}: null  # CSO to assess" for field in ASSESSED)
    return "\n".join(lines) + "\n"
