"""A session process for the crash test: journals some steps, reports them, then waits.

Usage: python journal_driver.py FLOW.yaml STEPS.json — STEPS is a list of
["answer", value] / ["back"] / ["edit", question, value]. The data folder comes from
TRIAGEBOT_DATA_DIR. Prints the session's state as one JSON line, then "ready", then sleeps
until killed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from triagebot.app.journal import Journal
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session
from triagebot.flows.transcript import to_json_answer

flow = load_flow(Path(sys.argv[1]))
session = Session(flow)
journal = Journal.start(session)
for step in json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")):
    if step[0] == "answer":
        session.answer(*step[1:])
    elif step[0] == "back":
        session.back()
    else:
        session.edit(step[1], step[2])
state = {
    "journal": str(journal.path),
    "current": session.current,
    "answers": {k: to_json_answer(v) for k, v in session.answers.items()},
    "steps": [[s.node, s.at.isoformat()] for s in session.steps],
    "changes": [
        [c.question, to_json_answer(c.old), to_json_answer(c.new)] for c in session.changes
    ],
}
print(json.dumps(state), flush=True)
print("ready", flush=True)
time.sleep(120)
