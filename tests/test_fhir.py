"""FHIR export: Questionnaire and QuestionnaireResponse, valid in R5 and R4B, linkIds checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.questionnaire import Questionnaire as Questionnaire5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as Response5
from fhir.resources.R4B.questionnaire import Questionnaire as Questionnaire4
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as Response4

from tests.transcript_helpers import CAUDA_EQUINA, MIXED_URGENT, driven, mixed
from triagebot.app import fhir
from triagebot.app.exports import ExportError, render
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.transcript_build import from_session

SNOMED = "http://snomed.info/sct"
URINARY_YES = {"urinary_difficulty": "yes"}
SADDLE_YES = {"saddle_sensation": "yes"}

MODELS = {"R5": (Questionnaire5, Response5), "R4B": (Questionnaire4, Response4)}

SCENARIOS = [
    ("mixed", MIXED_URGENT),  # every question kind, a computed value
    ("mixed", {**MIXED_URGENT, "weight": "unknown", "symptoms": []}),  # unknown, empty multi
    ("mixed", {"age": 3, "weight": 12, "colour": "purple"}),  # emergency, integer age
    ("ces", {"back_or_leg_pain": "yes", "urinary_difficulty": "unsure"}),  # bundled flow
    (  # out of scope: no pain and every core symptom no
        "ces",
        {
            "back_or_leg_pain": "no",
            "urinary_difficulty": "no",
            "saddle_sensation": "no",
            "bilateral_neuro_deficit": "no",
            "rectal_sensation_loss": "no",
            "retention_or_incontinence": "no",
        },
    ),
]


def flow_named(name: str):
    return mixed() if name == "mixed" else load_flow(CAUDA_EQUINA)


def link_ids(resource: dict) -> set[str]:
    return {item["linkId"] for item in resource["item"]}


@pytest.mark.parametrize("release", ["R5", "R4B"])
@pytest.mark.parametrize("name", ["mixed", "ces"])
def test_questionnaire_validates(release, name) -> None:
    """The Questionnaire of each flow parses with the fhir.resources model of the release."""
    flow = flow_named(name)
    resource = fhir.questionnaire(flow, release)
    parsed = MODELS[release][0].model_validate(resource)
    expected = {node_id for node_id, _ in flow.questions()}
    assert expected <= {item.linkId for item in parsed.item}


@pytest.mark.parametrize("release", ["R5", "R4B"])
@pytest.mark.parametrize(("name", "answers"), SCENARIOS)
def test_response_validates_and_fits_its_questionnaire(release, name, answers) -> None:
    """Each response validates, and every answered linkId is an item of the Questionnaire."""
    flow = flow_named(name)
    transcript = from_session(driven(flow, answers))
    response = json.loads(render("fhir" if release == "R5" else "fhir-r4b", transcript, flow))
    MODELS[release][1].model_validate(response)
    form = fhir.questionnaire(flow, release)
    expected: list[str] = []
    assert expected == fhir.check_response(form, response)
    assert link_ids(response) <= link_ids(form)


def test_coded_items_use_each_releases_type() -> None:
    """Yes/no and choice items are ``coding`` in R5 and ``choice`` in R4B."""
    types = {
        release: {i["linkId"]: i["type"] for i in fhir.questionnaire(mixed(), release)["item"]}
        for release in ("R5", "R4B")
    }
    expected = {"R5": ("coding", "integer"), "R4B": ("choice", "integer")}
    assert expected == {r: (t["colour"], t["age"]) for r, t in types.items()}


def test_response_items_follow_questionnaire_order_and_carry_values() -> None:
    """Answers become codings, integers and decimals; yes/no is SNOMED CT; the outcome is a
    read-only group."""
    flow = mixed()
    response = fhir.questionnaire_response(from_session(driven(flow, MIXED_URGENT)), flow)
    values = [(i["linkId"], i.get("answer")) for i in response["item"]]
    system = "urn:triagebot:flow:mixed-test:"
    expected = [
        ("age", [{"valueInteger": 40}]),
        ("weight", [{"valueDecimal": 70.5}]),
        (
            "colour",
            [{"valueCoding": {"system": system + "colour", "code": "red", "display": "Red"}}],
        ),
        (
            "symptoms",
            [
                {
                    "valueCoding": {
                        "system": system + "symptoms",
                        "code": "fever",
                        "display": "Fever",
                    }
                },
                {
                    "valueCoding": {
                        "system": system + "symptoms",
                        "code": "cough",
                        "display": "Cough",
                    }
                },
            ],
        ),
        ("smoker", [{"valueCoding": {"system": SNOMED, "code": "373066001", "display": "Yes"}}]),
        ("triagebot.outcome", None),
        ("triagebot.computed.dose", [{"valueDecimal": 141.0}]),
    ]
    assert expected == values


@pytest.mark.parametrize(
    ("lang", "answer", "expected"),
    [
        ("en", "yes", {"system": SNOMED, "code": "373066001", "display": "Yes"}),  # yes
        ("en", "no", {"system": SNOMED, "code": "373067005", "display": "No"}),  # no
        # unsure is SNOMED CT Unknown, shown as triagebot's own unsure
        ("en", "unsure", {"system": SNOMED, "code": "261665006", "display": "Unsure"}),
        ("fr", "unsure", {"system": SNOMED, "code": "261665006", "display": "Incertain"}),
    ],
)
def test_yes_no_answers_are_snomed_ct_codes(lang, answer, expected) -> None:
    flow = load_flow(CAUDA_EQUINA)
    transcript = from_session(
        driven(flow, {"back_or_leg_pain": "yes", "urinary_difficulty": answer} | SADDLE_YES)
    ).model_copy(update={"language": lang})
    response = fhir.questionnaire_response(transcript, flow)
    urinary = next(i for i in response["item"] if i["linkId"] == "urinary_difficulty")
    assert expected == urinary["answer"][0]["valueCoding"]


def test_no_made_up_code_system_for_yes_no() -> None:
    """Every yes/no option of the Questionnaire is a SNOMED CT coding."""
    form = fhir.questionnaire(load_flow(CAUDA_EQUINA))
    systems = {
        option["valueCoding"]["system"]
        for item in form["item"]
        if item["linkId"] == "urinary_difficulty"
        for option in item["answerOption"]
    }
    assert {SNOMED} == systems


def test_none_of_these_is_an_explicit_answer() -> None:
    """A multi-choice answer with nothing ticked is SNOMED CT None, an option of the item
    that excludes the others."""
    flow = mixed()
    transcript = from_session(driven(flow, {**MIXED_URGENT, "symptoms": []}))
    response = fhir.questionnaire_response(transcript, flow)
    symptoms = next(i for i in response["item"] if i["linkId"] == "symptoms")
    form = next(i for i in fhir.questionnaire(flow)["item"] if i["linkId"] == "symptoms")
    none = {"system": SNOMED, "code": "260413007", "display": "None of these"}
    exclusive = {
        "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive",
        "valueBoolean": True,
    }
    expected = ([{"valueCoding": none}], {"extension": [exclusive], "valueCoding": none})
    assert expected == (symptoms["answer"], form["answerOption"][-1])


def test_outcome_is_a_group_with_urgency_and_cited_lines() -> None:
    """The outcome carries what was decided, its urgency, and each line with its source."""
    flow = load_flow(CAUDA_EQUINA)
    transcript = from_session(driven(flow, {"back_or_leg_pain": "yes"} | URINARY_YES))
    outcome = next(
        i
        for i in fhir.questionnaire_response(transcript, flow)["item"]
        if i["linkId"] == "triagebot.outcome"
    )
    parts = {i["linkId"]: i["answer"] for i in outcome["item"]}
    expected = {
        "triagebot.outcome.reached": "emergency_mri",
        "triagebot.outcome.urgency": "emergency",
        "lines cited": True,
    }
    lines = [
        a["valueString"]
        for key in ("reasons", "actions")
        for a in parts[f"triagebot.outcome.{key}"]
    ]
    assert expected == {
        "triagebot.outcome.reached": parts["triagebot.outcome.reached"][0]["valueCoding"]["code"],
        "triagebot.outcome.urgency": parts["triagebot.outcome.urgency"][0]["valueCoding"]["code"],
        "lines cited": bool(lines)
        and all("(source: West Yorkshire spinal policy 2024" in line for line in lines),
    }


@pytest.mark.parametrize(
    ("patient", "clinician", "expected"),
    [
        (None, None, (None, None)),  # neither known: neither written
        ("NHS 943 476 5919", None, ({"display": "NHS 943 476 5919"}, None)),  # patient only
        ("Bed 4", "Dr A", ({"display": "Bed 4"}, {"display": "Dr A"})),  # both
    ],
)
def test_subject_and_author_when_known(patient, clinician, expected) -> None:
    flow = mixed()
    transcript = from_session(driven(flow, MIXED_URGENT)).model_copy(
        update={"patient": patient, "clinician": clinician}
    )
    for release in ("R5", "R4B"):
        response = fhir.questionnaire_response(transcript, flow, release)
        assert expected == (response.get("subject"), response.get("author"))


def test_unknown_number_is_a_data_absent_reason() -> None:
    """``unknown`` is not a number: the item has no answer and says why."""
    flow = mixed()
    transcript = from_session(driven(flow, {**MIXED_URGENT, "weight": "unknown"}))
    response = fhir.questionnaire_response(transcript, flow)
    weight = next(i for i in response["item"] if i["linkId"] == "weight")
    expected = {
        "linkId": "weight",
        "text": "Weight?",
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "unknown",
            }
        ],
    }
    assert expected == weight


def test_check_response_reports_unknown_link_ids_and_codes() -> None:
    """An answer to no item, or a code that is no option, is reported by our own check."""
    flow = mixed()
    form = fhir.questionnaire(flow)
    response = fhir.questionnaire_response(from_session(driven(flow, MIXED_URGENT)), flow)
    response["item"].append({"linkId": "invented", "answer": [{"valueInteger": 1}]})
    colour = next(i for i in response["item"] if i["linkId"] == "colour")
    colour["answer"][0]["valueCoding"]["code"] = "green"
    expected = [
        "'green' is not an option of 'colour'",
        "'invented' is not an item of the Questionnaire",
    ]
    assert expected == fhir.check_response(form, response)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # a whole number for the decimal weight (as an answers file or a JSON transcript
        # gives it) is still a decimal; the integer age stays an integer
        ({**MIXED_URGENT, "age": 40, "weight": 12}, [{"valueInteger": 40}, {"valueDecimal": 12}]),
        ({**MIXED_URGENT, "weight": 12.0}, [{"valueInteger": 40}, {"valueDecimal": 12.0}]),
    ],
)
def test_a_numbers_value_type_is_its_items_not_its_python_type(answers, expected) -> None:
    flow = mixed()
    response = fhir.questionnaire_response(from_session(driven(flow, answers)), flow)
    numbers = {i["linkId"]: i["answer"][0] for i in response["item"] if "answer" in i}
    assert expected == [numbers["age"], numbers["weight"]]


def test_check_response_reports_a_number_of_the_wrong_type() -> None:
    """A fraction for an integer item, or an integer for a decimal one, does not fit."""
    flow = mixed()
    form = fhir.questionnaire(flow)
    response = fhir.questionnaire_response(from_session(driven(flow, MIXED_URGENT)), flow)
    items = {item["linkId"]: item for item in response["item"]}
    items["age"]["answer"] = [{"valueInteger": 40.5}]
    items["weight"]["answer"] = [{"valueInteger": 70}]
    expected = [
        """'age' takes an integer answer, not {"valueInteger": 40.5}""",
        """'weight' takes a decimal answer, not {"valueInteger": 70}""",
    ]
    assert expected == fhir.check_response(form, response)


def test_response_to_another_flow_version_is_refused() -> None:
    """A transcript whose answers the flow does not have is an export error, not bad FHIR."""
    flow = mixed()
    transcript = from_session(driven(flow, MIXED_URGENT))
    renamed = transcript.model_copy(
        update={
            "answers": [
                a.model_copy(update={"question": "old_" + a.question}) for a in transcript.answers
            ]
        }
    )
    with pytest.raises(ExportError, match="'old_age' is not an item of the Questionnaire"):
        fhir.questionnaire_response(renamed, flow)


@pytest.mark.parametrize("release", ["R5", "R4B"])
def test_export_questionnaire_command_prints_valid_json(release, capsys) -> None:
    """``triagebot export-questionnaire cauda-equina --fhir R`` prints a valid Questionnaire."""
    code = main(["export-questionnaire", "cauda-equina", "--fhir", release])
    parsed = MODELS[release][0].model_validate_json(capsys.readouterr().out)
    expected = (0, "urn:triagebot:flow:cauda-equina")
    assert expected == (code, parsed.url)


def test_fhir_is_imported_only_when_exporting() -> None:
    """Loading the CLI, the transcript and the exports does not import fhir.resources."""
    script = (
        "import sys, triagebot.cli, triagebot.flows.exports, triagebot.app.journal;"
        "print(any(m.startswith('fhir') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1] / "src",
    )
    expected = "False"
    assert expected == result.stdout.strip()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("smoker", "maybe"),  # yes/no: no SNOMED code to look up (was a KeyError)
        ("symptoms", "maybe"),  # multi-choice: not a list (was a ValueError from zip)
        ("colour", "\x00"),  # choice: no such option
        ("age", "old"),  # number: not a number
    ],
)
def test_an_answer_the_question_refuses_is_an_export_error(question: str, answer: str) -> None:
    """A transcript from elsewhere whose answer its question type refuses is a located export
    error naming the question, never a crash inside a type's FHIR writer."""
    flow = mixed()
    transcript = from_session(driven(flow, MIXED_URGENT))
    changed = transcript.model_copy(
        update={
            "answers": [
                a.model_copy(update={"answer": answer}) if a.question == question else a
                for a in transcript.answers
            ]
        }
    )
    with pytest.raises(ExportError, match=f"'{question}'"):
        fhir.questionnaire_response(changed, flow)
