"""A session process for the random-kill test: journals steps one by one, acknowledging each.

Usage: python acking_driver.py FLOW.yaml STEPS.json SEED — STEPS as for journal_driver.py.
Prints "started" once the journal is open, then "ack N" after step N has returned (so its
journal line is written and synced), pausing a random 0-4 ms (from SEED) between steps,
then "done", then sleeps until killed.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from triagebot.app.journal import Journal
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session

flow = load_flow(Path(sys.argv[1]))
pause = random.Random(int(sys.argv[3]))
session = Session(flow)
journal = Journal.start(session)
print("started", flush=True)
for number, step in enumerate(json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")), 1):
    if step[0] == "answer":
        session.answer(*step[1:])
    elif step[0] == "back":
        session.back()
    else:
        session.edit(step[1], step[2])
    print(f"ack {number}", flush=True)
    time.sleep(pause.uniform(0, 0.004))
print("done", flush=True)
time.sleep(120)
