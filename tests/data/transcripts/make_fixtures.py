"""Regenerate the recorded transcripts in this folder (run from the repository root):

    PYTHONPATH=src:. python tests/data/transcripts/make_fixtures.py

They are committed: replay tests check that today's flows still reach the recorded outcome.
"""

from __future__ import annotations

from pathlib import Path

from tests.transcript_helpers import CAUDA_EQUINA, MIXED_URGENT, driven, mixed

from triagebot.flows.compiler import load_flow
from triagebot.flows.transcript import to_json
from triagebot.flows.transcript_build import from_session

HERE = Path(__file__).parent
NO = "no"
CORE_NO = {
    "back_or_leg_pain": "yes",
    "urinary_difficulty": NO,
    "saddle_sensation": NO,
    "bilateral_neuro_deficit": NO,
    "rectal_sensation_loss": NO,
    "retention_or_incontinence": NO,
}
CAUDA_EQUINA_CASES: dict[str, dict[str, object]] = {
    "out-of-scope": {**CORE_NO, "back_or_leg_pain": "no"},
    "emergency-saddle": {**CORE_NO, "saddle_sensation": "yes"},
    # spec version 2: painless, with saddle anaesthesia (CES can present without pain)
    "emergency-painless-saddle": {**CORE_NO, "back_or_leg_pain": "no", "saddle_sensation": "yes"},
    "emergency-warning-sign": {
        **CORE_NO,
        "sexual_dysfunction": "unsure",
        "bilateral_radicular_pain": "yes",
    },
    "unlikely-review": {**CORE_NO, "sexual_dysfunction": "yes", "bilateral_radicular_pain": "no"},
    "msk-2ww": {**CORE_NO, "sexual_dysfunction": "no", "bilateral_radicular_pain": "yes"},
    "no-features": {**CORE_NO, "sexual_dysfunction": "no", "bilateral_radicular_pain": "no"},
}


def main() -> None:
    ces = load_flow(CAUDA_EQUINA)
    for name, answers in CAUDA_EQUINA_CASES.items():
        transcript = from_session(driven(ces, answers))
        (HERE / "scenarios" / f"cauda-equina-{name}.json").write_text(to_json(transcript) + "\n")
    session = driven(mixed(), MIXED_URGENT)
    session.edit("age", 41)
    (HERE / "mixed-edited.json").write_text(to_json(from_session(session)) + "\n")


if __name__ == "__main__":
    main()
