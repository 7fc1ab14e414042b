"""The policy table matches SPEC section 2 and the French policy text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pixmania_incidents.policy import (
    AMOUNT_SOLUTIONS,
    OBLIGATION_HOLDER,
    OBLIGATION_LABELS,
    SOLUTION_LABELS,
    TYPES,
    DecisionOutcome,
    EvidenceKind,
    IncidentType,
    ObligationKind,
    ObligationStart,
    Solution,
    StepAction,
    TypePolicy,
    UnknownType,
    obligation_start,
    obligations_for,
    type_policy,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY_FILE = REPO_ROOT.parent / "shared" / "policy" / "gestion-des-incidents.fr.txt"

S = Solution

SPEC_SOLUTIONS = {
    "not_received": (S.reship, S.refund_full),
    "defective": (S.replacement, S.return_and_refund, S.refund_full, S.refund_partial),
    "not_as_described": (S.return_and_refund, S.replacement, S.refund_partial),
    "refund_not_processed": (S.refund_full, S.refund_partial),
    "wrong_item": (S.replacement, S.return_and_refund),
    "damaged": (S.replacement, S.return_and_refund, S.refund_partial),
}

# The bold items of SPEC section 2, by step code.
SPEC_MANDATORY = {
    "not_received": {"check_carrier", "keep_informed"},
    "defective": {"replace_or_refund", "communicate"},
    "not_as_described": {"compare_listing", "propose_solution"},
    "refund_not_processed": {"check_pending_refunds", "inform_customer"},
    "wrong_item": {"identify_error"},
    "damaged": {"check_condition", "inform_customer"},
}


def test_six_types_in_policy_order() -> None:
    assert list(TYPES) == list(IncidentType)
    assert [t.value for t in IncidentType] == [
        "not_received",
        "defective",
        "not_as_described",
        "refund_not_processed",
        "wrong_item",
        "damaged",
    ]


@pytest.mark.parametrize("code", list(SPEC_SOLUTIONS))
def test_solutions_exactly_per_spec(code: str) -> None:
    assert TYPES[IncidentType(code)].solutions == SPEC_SOLUTIONS[code]


@pytest.mark.parametrize("code", list(SPEC_MANDATORY))
def test_mandatory_steps_are_the_bold_ones(code: str) -> None:
    policy = TYPES[IncidentType(code)]
    assert {s.code for s in policy.checklist if s.mandatory} == SPEC_MANDATORY[code]
    # Without a solution, only the bold steps block closure.
    assert {s.code for s in policy.required_steps()} == SPEC_MANDATORY[code]


def test_timings_and_flags() -> None:
    for code, policy in TYPES.items():
        assert (policy.response_target_hours, policy.response_max_hours) == (24, 48)
        assert policy.resolution_business_days == (7 if code == "not_received" else 3)
        assert policy.flag_suggested == (code in {"not_as_described", "wrong_item"})
        assert policy.photos_required == (code in {"damaged", "defective"})
        # SPEC 8.3: the evidence an opening needs is data the service checks.
        assert policy.required_evidence == ({EvidenceKind.photo} if code in {"damaged", "defective"} else set())
        assert policy.missing_evidence([EvidenceKind.document]) == policy.required_evidence
        assert not policy.missing_evidence([EvidenceKind.photo, EvidenceKind.document])
        assert policy.evidence_fr and policy.evidence_en
        assert policy.summary_en and policy.label_en


def test_step_codes_unique_and_labels_bilingual() -> None:
    for policy in TYPES.values():
        codes = [s.code for s in policy.checklist]
        assert len(codes) == len(set(codes))
        for step in policy.checklist:
            assert step.fr and step.en and step.fr != step.en
            assert step.action is None or step.action in set(StepAction)


def test_solution_tied_steps_become_mandatory_once_accepted() -> None:
    defective = type_policy("defective")
    assert not defective.step("return_label").is_required(None)
    assert not defective.step("return_label").is_required("refund_full")
    for solution in ("replacement", "return_and_refund"):
        assert defective.step("return_label").is_required(solution)
        assert "return_label" in {s.code for s in defective.required_steps(solution)}
    # The "send a replacement or refund" step is required by every solution of the type.
    assert defective.step("replace_or_refund").required_by == set(defective.solutions)

    damaged = type_policy("damaged")
    assert {s.code for s in damaged.required_steps("replacement")} == {
        "check_condition",
        "return_label",
        "ship_replacement",
        "inform_customer",
    }
    assert {s.code for s in damaged.required_steps("refund_partial")} == {
        "check_condition",
        "inform_customer",
    }
    wrong = type_policy("wrong_item")
    assert {s.code for s in wrong.required_steps("return_and_refund")} == {
        "identify_error",
        "handle_return",
    }
    refund = type_policy("refund_not_processed")
    assert refund.step("process_refund").is_required("refund_partial")


def test_required_by_only_names_offered_solutions() -> None:
    for policy in TYPES.values():
        for step in policy.checklist:
            assert step.required_by <= set(policy.solutions), (policy.code, step.code)
    with pytest.raises(ValueError, match="unoffered"):
        base = TYPES[IncidentType.not_received]
        TypePolicy(
            code=base.code,
            label_fr="x",
            label_en="x",
            summary_fr="x",
            summary_en="x",
            checklist=(type_policy("defective").step("return_label"),),
            solutions=base.solutions,
            evidence_fr="x",
            evidence_en="x",
        )


def test_actions_tick_steps() -> None:
    defective = type_policy("defective")
    assert [s.code for s in defective.steps_ticked_by("refund")] == ["replace_or_refund"]
    assert [s.code for s in defective.steps_ticked_by("replacement_shipment")] == ["replace_or_refund"]
    assert [s.code for s in defective.steps_ticked_by("return_label")] == ["return_label"]
    nr = type_policy("not_received")
    assert [s.code for s in nr.steps_ticked_by("carrier_check")] == ["check_carrier"]
    assert [s.code for s in nr.steps_ticked_by("carrier_inquiry")] == ["carrier_inquiry"]
    assert [s.code for s in nr.steps_ticked_by("public_message")] == ["keep_informed"]
    # Checking with the product team is never automatic for the compare step.
    nad = type_policy("not_as_described")
    assert [s.code for s in nad.steps_ticked_by("listing_flag")] == ["flag_listing"]
    assert nad.step("compare_listing").action is None


def test_type_policy_lookup() -> None:
    assert type_policy("damaged") is TYPES[IncidentType.damaged]
    assert type_policy(IncidentType.damaged) is TYPES[IncidentType.damaged]
    with pytest.raises(UnknownType, match="unknown incident type 'lost'"):
        type_policy("lost")
    assert issubclass(UnknownType, ValueError)
    with pytest.raises(KeyError):
        type_policy("damaged").step("nope")


def test_solution_labels_cover_every_outcome() -> None:
    assert set(SOLUTION_LABELS) == set(DecisionOutcome)
    assert set(DecisionOutcome) - {"no_action"} == set(Solution)
    assert SOLUTION_LABELS["refund_full"] == ("Remboursement intégral", "Full refund")
    assert all(fr and en for fr, en in SOLUTION_LABELS.values())
    assert AMOUNT_SOLUTIONS == {Solution.refund_partial}


def test_obligations() -> None:
    Ob = ObligationKind
    assert obligations_for("refund_full") == (Ob.refund,)
    assert obligations_for("refund_partial") == (Ob.refund,)
    assert obligations_for("replacement") == (Ob.return_label, Ob.replacement_shipment, Ob.customer_return)
    assert obligations_for("reship") == (Ob.replacement_shipment,)
    assert obligations_for("return_and_refund") == (Ob.return_label, Ob.customer_return, Ob.refund)
    assert obligations_for("no_action") == ()
    with pytest.raises(ValueError):
        obligations_for("gift_card")
    assert OBLIGATION_HOLDER == {
        Ob.return_label: "seller",
        Ob.replacement_shipment: "seller",
        Ob.refund: "seller",
        Ob.customer_return: "customer",
    }
    assert set(OBLIGATION_LABELS) == set(Ob)


def test_what_starts_each_obligation() -> None:
    """Only the refund of a return waits on the return (SPEC 8.1 cancels it if the item never comes)."""
    Ob, start = ObligationKind, ObligationStart
    waits = {
        (solution, kind): obligation_start(solution, kind)
        for solution in DecisionOutcome
        for kind in obligations_for(solution)
        if obligation_start(solution, kind) != start.agreed
    }
    assert waits == {
        ("replacement", Ob.customer_return): start.label,
        ("return_and_refund", Ob.customer_return): start.label,
        ("return_and_refund", Ob.refund): start.receipt,
    }
    with pytest.raises(ValueError):
        obligation_start("refund_full", "customer_return")


# --- against the French policy text ----------------------------------------------------------


def _policy_sections() -> dict[str, dict]:
    """Parse the per-type part of the policy: heading, one-line summary, Actions lines, days."""
    if not POLICY_FILE.is_file():
        pytest.skip(f"policy text not found at {POLICY_FILE} (shared/ must sit beside the repo)")
    text = POLICY_FILE.read_text(encoding="utf-8").split("\n--\n")[0]
    sections: dict[str, dict] = {}
    current: dict | None = None
    in_actions = False
    for line in text.splitlines():
        if m := re.fullmatch(r"\d\. (.+)", line):
            current = sections.setdefault(m.group(1), {"summary": None, "actions": []})
            in_actions = False
        elif current is None:
            continue
        elif current["summary"] is None:
            current["summary"] = line
        elif line.startswith("Actions"):
            in_actions = True
        elif m := re.match(r"Délai de Résolution : (\d+) jours ouvrables", line):
            current["days"] = int(m.group(1))
        elif line.startswith("Délai"):
            in_actions = False
        elif in_actions:
            current["actions"].append(line)
    return sections


def test_checklists_are_the_policy_actions_verbatim_and_in_order() -> None:
    sections = _policy_sections()
    assert [p.label_fr for p in TYPES.values()] == list(sections)
    for policy in TYPES.values():
        section = sections[policy.label_fr]
        assert [s.fr for s in policy.checklist] == section["actions"], policy.code
        assert policy.summary_fr == section["summary"], policy.code
        assert policy.resolution_business_days == section["days"], policy.code
