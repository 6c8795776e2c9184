"""The decision form asks only the chosen outcome's questions, starts from what the case already knows, and
offers each person once however many roles they hold [issue 16]."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import html5lib
import pytest
from sqlalchemy.orm import Session

from disclosure.decisions import service
from disclosure.decisions.models import PanelAgency
from disclosure.decisions.service.prefill import disclosure_words
from disclosure.errors import FormInvalid
from disclosure.people.models import Person
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service as research
from tests.builders import sign_in_as
from tests.decisions.builders import (
    all_present,
    disclose_values,
    legal_tests,
    no_disclosure_values,
    panel_with,
)
from tests.decisions.conftest import Cast, Panel
from tests.pages import PageClient
from tests.requests.builders import add
from tests.research.builders import case_in_research, do_required_checks, evidence_values, summary_values

NS = {"h": "http://www.w3.org/1999/xhtml"}


def _base(panel: Panel) -> str:
    return f"/panels/{panel.meeting.id}/items/{panel.item.id}"


def _agencies(db: Session, panel: Panel) -> list[PanelAgency]:
    return service.quorum(db, panel.item).agencies


def _errors(call: Any) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        call()
    return refused.value.errors


def _tree(html: str) -> Any:
    return html5lib.parse(html, namespaceHTMLElements=True)


def _revealed(html: str, outcome: str) -> Any:
    """The conditional block the outcome's radio reveals (its aria-controls target)."""
    tree = _tree(html)
    radio = next(i for i in tree.iterfind(".//h:input[@name='outcome']", NS) if i.get("value") == outcome)
    target = radio.get("data-aria-controls")
    assert target, f"the {outcome} answer reveals nothing"
    return next(d for d in tree.iterfind(".//h:div", NS) if d.get("id") == target)


def _names(block: Any) -> set[str]:
    fields = [*block.iterfind(".//h:input", NS), *block.iterfind(".//h:textarea", NS)]
    return {f.get("name") for f in [*fields, *block.iterfind(".//h:select", NS)]}


def test_each_outcome_reveals_only_its_own_questions(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    sign_in_as(db, client, cast.probation)
    page = client.get(f"{_base(panel)}/decision")
    assert page.status_code == 200
    disclose, refuse, defer = (_revealed(page.text, o) for o in ("disclose", "no_disclosure", "defer"))
    assert {"test-lawful", "article8", "wording", "recipients", "deliverer_id", "safety_plan"} <= _names(
        disclose
    )
    assert {"no_disclosure_reason_id", "safety_advice", "nd-test-lawful"} <= _names(refuse)
    assert _names(defer) == {"questions"}
    assert not _names(disclose) & _names(refuse), "two outcomes never share a field"
    assert not (_names(disclose) | _names(refuse)) & {"questions", "rationale"}
    ids = Counter(re.findall(r'\bid="([^"]+)"', page.text))
    assert [i for i, n in ids.items() if n > 1] == [], "every id is unique"


def test_a_disclosure_is_only_offered_in_person(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    sign_in_as(db, client, cast.probation)
    disclose = _revealed(client.get(f"{_base(panel)}/decision").text, "disclose")
    words = " ".join("".join(disclose.itertext()).split())
    assert "Who will deliver the disclosure in person?" in words
    assert "never given by telephone or by letter" in words
    assert not {"method", "delivery_method", "channel"} & _names(disclose)


def test_answers_left_in_another_outcomes_questions_are_ignored(
    db: Session, cast: Cast, panel: Panel
) -> None:
    stray = {
        "article8": "Typed before the panel changed its mind.",
        "wording": "Words that will not be said.",
        "questions": "A question for research.",
        **legal_tests("no"),  # refused for a disclosure, and not the no-disclosure form's names
    }
    values = {**stray, **no_disclosure_values(db, _agencies(db, panel))}
    decision = service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    assert (decision.article8, decision.wording, decision.questions) == ("", "", "")
    assert decision.legal_tests == {}
    deferred = {
        **stray,
        "outcome": "defer",
        "version": str(decision.version),
        "questions": "What does children's social care hold?",
        "safety_advice": "",
        **{k: v for k, v in values.items() if k.startswith("view-") or k == "rationale"},
    }
    decision = service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, deferred)
    assert decision.questions == "What does children's social care hold?"
    assert (decision.article8, decision.safety_advice, decision.no_disclosure_reason_id) == ("", "", None)


def test_a_decision_not_to_disclose_records_the_tests_considered_under_its_own_names(
    db: Session, cast: Cast, panel: Panel
) -> None:
    values = no_disclosure_values(db, _agencies(db, panel))
    values |= {"nd-test-pressing_need": "no", "nd-test-pressing_need-reasoning": ""}
    errors = _errors(
        lambda: service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    )
    assert errors == {"nd-test-pressing_need-reasoning": "Give the reasoning for the pressing need test"}
    values["nd-test-pressing_need-reasoning"] = "The relationship ended and he lives abroad."
    decision = service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    assert decision.legal_tests == {
        "pressing_need": {"met": False, "reasoning": "The relationship ended and he lives abroad."}
    }


def _summary_order(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


@pytest.mark.parametrize("outcome", ["disclose", "no_disclosure", "defer"])
def test_every_error_comes_at_once_in_page_order(
    db: Session, client: PageClient, cast: Cast, panel: Panel, outcome: str
) -> None:
    sign_in_as(db, client, cast.probation)
    refused = client.submit(f"{_base(panel)}/decision", {"outcome": outcome, "article8": "Kept text"})
    assert refused.status_code == 400
    listed = _summary_order(refused.text)
    body = refused.text.split("</h1>", 1)[1]
    where = [body.index(f'id="{name}"') for name in listed]
    assert where == sorted(where), f"the summary is out of page order: {listed}"
    assert listed[-1] == "rationale" and any(n.startswith("view-") for n in listed)
    expected_first = {
        "disclose": "test-lawful",
        "no_disclosure": "no_disclosure_reason_id",
        "defer": "questions",
    }
    assert listed[0] == expected_first[outcome]
    assert "Kept text" in refused.text
    if outcome != "disclose":
        assert not any(n.startswith("test-") or n == "article8" for n in listed)


def _case_with_draft(db: Session, cast: Cast, draft: str) -> DisclosureRequest:
    case = case_in_research(db, cast.clerk, cast.researcher)
    do_required_checks(db, cast.researcher, case)
    research.record_evidence(db, cast.researcher, case.id, evidence_values(case))
    package = research.package_for(db, case)
    research.update_summary(
        db, cast.researcher, case.id, summary_values(package.version, draft_disclosure=draft)
    )
    research.send_for_review(db, cast.researcher, case.id, {"reviewer_id": str(cast.reviewer.user_id)})
    research.approve(db, cast.reviewer, case.id, {"review_notes": "Checked."})
    research.submit(db, cast.researcher, case.id, {"version": str(research.package_for(db, case).version)})
    return case


def test_a_new_decision_starts_from_the_package_words_and_the_triage_referrals(
    db: Session, client: PageClient, cast: Cast
) -> None:
    draft = (
        "E1 (to the person at risk): He was convicted in 2019 of assaulting a former partner.\n\n"
        "[E2] Police hold intelligence of violence towards another partner (E3)."
    )
    case = _case_with_draft(db, cast, draft)
    case.marac_referral = True
    db.flush()
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    sign_in_as(db, client, cast.probation)
    page = client.get(f"/panels/{meeting.id}/items/{item.id}/decision").text
    [wording] = [t.text for t in _tree(page).iterfind(".//h:textarea", NS) if t.get("name") == "wording"]
    assert wording == (
        "He was convicted in 2019 of assaulting a former partner.\n\n"
        "Police hold intelligence of violence towards another partner."
    )
    ticked = re.findall(r'name="safeguarding" type="checkbox" value="([a-z_]+)" checked', page)
    assert ticked == ["marac_referral"]
    assert "Referred at triage" in page


@pytest.mark.parametrize(
    ("draft", "words"),
    [
        ("E1 (to the person at risk): He was convicted.", "He was convicted."),
        ("E12 - He was convicted.\nItem 3: He was cautioned.", "He was convicted.\nHe was cautioned."),
        ("(E4) Intelligence says so (see E5).", "Intelligence says so."),
        ("Edward was convicted. E2 is a road.", "Edward was convicted. E2 is a road."),
    ],
)
def test_the_package_words_lose_their_evidence_item_prefixes(draft: str, words: str) -> None:
    assert disclosure_words(draft) == words


def test_a_person_with_two_roles_is_one_recipient(db: Session, client: PageClient, cast: Cast) -> None:
    case = case_in_research(db, cast.clerk, cast.researcher, route="right_to_ask")
    applicant = next(p for p in case.parties if p.role == PartyRole.APPLICANT.value)
    if not any(p.person_id == applicant.person_id and p.role == "person_at_risk" for p in case.parties):
        add(db, cast.clerk, case, PartyRole.PERSON_AT_RISK, person=db.get(Person, applicant.person_id))
    parties = [p.id for p in case.parties if p.person_id == applicant.person_id]
    assert len(parties) == 2
    from tests.research.builders import ready_to_submit

    ready_to_submit(db, cast.researcher, cast.reviewer, case)
    research.submit(db, cast.researcher, case.id, {"version": str(research.package_for(db, case).version)})
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    theirs = [o for o in service.recipient_options(db, case) if set(o.party_ids) == set(parties)]
    assert len(theirs) == 1 and theirs[0].label == "Person at risk and applicant"
    sign_in_as(db, client, cast.probation)
    page = client.get(f"/panels/{meeting.id}/items/{item.id}/decision").text
    recipients = page.split('id="recipients"', 1)[1].split("</fieldset>", 1)[0]
    assert recipients.count(theirs[0].name) == 1
    agencies = service.quorum(db, item).agencies
    values = disclose_values(db, case, cast.officer, agencies, recipients=[str(p) for p in parties])
    decision = service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert [(r["name"], r["capacity"]) for r in decision.recipients] == [(theirs[0].name, "person_at_risk")]
    assert decision.recipients[0]["roles"] == ["person_at_risk", "applicant"]


def test_a_saved_answer_with_line_breaks_comes_back_exactly_as_typed(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    plan = "IDVA to attend the disclosure.\nSafe word agreed.\n\nMarker on the address."
    values = disclose_values(db, panel.case, cast.officer, _agencies(db, panel), safety_plan=plan)
    service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    sign_in_as(db, client, cast.probation)
    page = client.get(f"{_base(panel)}/decision").text
    [shown] = [t.text for t in _tree(page).iterfind(".//h:textarea", NS) if t.get("name") == "safety_plan"]
    assert shown == plan


def test_each_label_on_the_form_names_one_question(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    """A label is found once however the reveals stand (browser journeys find fields by their label)."""
    sign_in_as(db, client, cast.probation)
    tree = _tree(client.get(f"{_base(panel)}/decision").text)
    labels = Counter(" ".join("".join(label.itertext()).split()) for label in tree.iterfind(".//h:label", NS))
    assert "Reasoning: Lawful" in labels and "The panel's reasoning on the lawful test" in labels
    assert [
        text
        for text, n in labels.items()
        if n > 1 and text not in {"Met", "Not met", "Yes", "No", "Agrees", "Dissents"}
    ] == []
