"""Entering each thing once (issue 16): an evidence item made from a check or a partner's answer starts with
its provenance; a file goes with its item in one submission, held when the item has problems; the check
and answer forms start at now and list every error in page order; every role a person holds is shown."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.requests.models import CaseParty
from disclosure.research import service
from disclosure.research.models import Attachment, Check, EvidenceItem
from disclosure.research.service.checks import CHECK_FIELDS
from tests import samples
from tests.builders import date_time_fields, sign_in_as
from tests.pages import PageClient
from tests.research.builders import (
    agency,
    case_in_research,
    check_values,
    evidence_values,
    ready_to_submit,
    subject_id,
)

UK = ZoneInfo("Europe/London")


def _hrefs(html: str) -> list[str]:
    """The error summary's links, in the order shown."""
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def _found_check(db: Session, researcher: Principal, case: Any) -> Check:
    return service.record_check(
        db,
        researcher,
        case.id,
        check_values(
            db,
            case,
            "pnc",
            result="information_found",
            reference="PNC/19/0001234X",
            onward_consent="not_applicable",
            notes="One conviction for assault on a former partner, 2019",
        ),
    )


# ---------------------------------------------------------------- errors in page order, dates from now


def test_the_check_form_reports_every_error_at_once_in_page_order(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    values = {"check_type_id": "other", "performed-day": "31", "performed-month": "2", "notes": ""}
    with pytest.raises(FormInvalid) as refused:
        service.record_check(db, researcher, case.id, values)
    fields = list(refused.value.errors)
    assert fields == ["name", "kind", "performed", "result", "onward_consent"]
    assert fields == sorted(fields, key=lambda f: CHECK_FIELDS.index(f.split("-")[0]))
    page = sign_in_as(db, client, researcher).submit(f"/requests/{case.id}/research/checks", values)
    assert page.status_code == 400
    assert _hrefs(page.text) == fields
    assert 'value="31"' in page.text, "what was typed is kept"


def _shown_moment(html: str, name: str) -> datetime:
    """The date and time a form's GOV.UK inputs show for `name`, as a UK moment."""

    def value(field: str) -> str:
        match = re.search(rf'<input[^>]*name="{field}"[^>]*value="([^"]*)"', html)
        assert match, f"no {field}"
        return match.group(1)

    day, month, year = (int(value(f"{name}-{part}")) for part in ("day", "month", "year"))
    hour, minute = (int(n) for n in value(f"{name}-time").split(":"))
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def test_the_check_form_starts_at_now(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    page = sign_in_as(db, client, researcher).get(f"/requests/{case.id}/research/checks/new")
    assert abs(_shown_moment(page.text, "performed") - utcnow()) < timedelta(minutes=2)


def test_a_researcher_records_when_an_answer_came_and_it_starts_at_now(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = service.send_partner_request(
        db,
        researcher,
        case.id,
        {"agency_id": str(agency(db).id), "asked": "Any history?", "person_ids": [subject_id(case)]},
    )
    url = f"/requests/{case.id}/research/partner-requests/{sent.id}/answer"
    form = sign_in_as(db, client, researcher).get(url)
    assert abs(_shown_moment(form.text, "received") - utcnow()) < timedelta(minutes=2)
    answer = {
        "result": "information_found",
        "response": "Supervised on licence 2019-2021",
        "response_reference": "NPS/77/1",
        "onward_consent": "consents",
        "version": str(sent.version),
    }
    future = client.submit(url, {**answer, **date_time_fields("received", utcnow() + timedelta(hours=2))})
    assert future.status_code == 400 and "must be now or in the past" in future.text
    early = client.submit(url, {**answer, **date_time_fields("received", sent.sent_at - timedelta(days=2))})
    assert early.status_code == 400 and "before the request was sent" in early.text
    with pytest.raises(FormInvalid) as refused:
        service.record_answer_for_partner(
            db, researcher, case.id, sent.id, {"version": str(sent.version), "received-day": "1"}
        )
    assert list(refused.value.errors) == ["received", "result", "response", "onward_consent"]
    received = utcnow()
    ok = client.submit(url, {**answer, **date_time_fields("received", received)})
    assert ok.status_code == 303
    db.expire_all()
    check = db.scalar(select(Check).where(Check.partner_request_id == sent.id))
    assert check is not None
    assert abs(check.performed_at - received) < timedelta(minutes=1), "the check is dated when it came"


# ---------------------------------------------------------------- an evidence item from a check


def test_an_evidence_item_from_a_police_check_starts_with_its_provenance_and_keeps_its_check(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    check = _found_check(db, researcher, case)
    sign_in_as(db, client, researcher)
    research = client.get(f"/requests/{case.id}/research")
    assert f"/research/evidence/new?check={check.id}" in research.text
    assert "Make an evidence item from this result" in research.text
    form = client.get(f"/requests/{case.id}/research/evidence/new?check={check.id}")
    assert form.status_code == 200
    answers = service.answers_from_check(db, researcher, case.id, check.id)
    day = uk_date(check.performed_at)
    assert answers["source"] == check.name and answers["source_reference"] == "PNC/19/0001234X"
    assert answers["information_date-day"] == str(day.day)
    assert answers["owner_consent"] == "not_needed" and answers["person_id"] == subject_id(case)
    assert f'value="{check.name}"' in form.text and 'value="PNC/19/0001234X"' in form.text
    assert "One conviction for assault on a former partner, 2019" in form.text, "the check's notes shown"
    chosen = f'<option value="{check.id}" selected>'
    assert chosen in form.text, "the check is chosen as the item's provenance"
    rest = evidence_values(case, summary="Convicted of assault on a former partner in 2019.")
    rest = {k: v for k, v in rest.items() if k not in answers and not k.startswith("information_date")}
    saved = client.submit(f"/requests/{case.id}/research/evidence", {**answers, **rest})
    assert saved.status_code == 303
    item = db.scalar(select(EvidenceItem).where(EvidenceItem.request_id == case.id))
    assert item is not None and item.check_id == check.id and item.information_date == day
    assert "Found in" in client.get(f"/requests/{case.id}/research").text
    ready_to_submit(db, researcher, reviewer, case)
    frozen = service.submit(db, researcher, case.id, {"version": str(service.package_for(db, case).version)})
    found = [e["found_in"] for e in frozen.snapshot["evidence"] if e["number"] == item.number]
    assert found == [
        {
            "name": check.name,
            "performed_at": check.performed_at.isoformat(),
            "reference": "PNC/19/0001234X",
            "struck_out": False,
        }
    ]


def test_an_evidence_item_from_a_partners_answer_has_the_agency_its_reference_and_the_day_it_came(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    from tests.research.builders import partner_user

    case = case_in_research(db, clerk, researcher)
    sent = service.send_partner_request(
        db,
        researcher,
        case.id,
        {"agency_id": str(agency(db).id), "asked": "Any history?", "person_ids": [subject_id(case)]},
    )
    answer = {
        "result": "information_found",
        "response": "Supervised on licence 2019-2021",
        "response_reference": "NPS/77/1",
        "onward_consent": "does_not_consent",
        "version": str(sent.version),
    }
    service.answer(db, partner_user(db), sent.id, answer)
    check = db.scalar(select(Check).where(Check.partner_request_id == sent.id))
    assert check is not None
    research = sign_in_as(db, client, researcher).get(f"/requests/{case.id}/research")
    assert "Make an evidence item from this answer" in research.text
    answers = service.answers_from_check(db, researcher, case.id, check.id)
    assert answers["source"] == agency(db).name and answers["source_reference"] == "NPS/77/1"
    assert answers["information_date-year"] == str(uk_date(check.performed_at).year)
    assert answers["owner_consent"] == "refused", "the partner refused onward disclosure"
    assert answers["person_id"] == subject_id(case), "the one person the agency was asked about"


def test_a_struck_out_check_offers_no_evidence_item(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    check = _found_check(db, researcher, case)
    service.remove_check(db, researcher, case.id, check.id, {"reason": "Wrong person"})
    sign_in_as(db, client, researcher)
    assert f"check={check.id}" not in client.get(f"/requests/{case.id}/research").text
    assert client.get(f"/requests/{case.id}/research/evidence/new?check={check.id}").status_code == 404
    assert client.get(f"/requests/{case.id}/research/evidence/new?check=nonsense").status_code == 404


# ---------------------------------------------------------------- a file with its item


def _post_item(client: PageClient, case: Any, values: dict[str, Any], file: Any = None) -> Any:
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return client.post(
        f"/requests/{case.id}/research/evidence",
        data={**values, "_csrf_token": client.csrf()},
        files=files,
        follow_redirects=False,
    )


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def test_an_item_and_its_file_are_saved_in_one_submission(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    form = client.get(f"/requests/{case.id}/research/evidence/new")
    assert 'enctype="multipart/form-data"' in form.text and 'name="file"' in form.text
    saved = _post_item(client, case, evidence_values(case), ("record.pdf", samples.pdf(), "application/pdf"))
    assert saved.status_code == 303, saved.text
    item = db.scalar(select(EvidenceItem).where(EvidenceItem.request_id == case.id))
    assert item is not None
    attachment = db.scalar(select(Attachment).where(Attachment.evidence_item_id == item.id))
    assert attachment is not None and attachment.filename == "record.pdf"
    assert client.get(f"/requests/{case.id}/research/attachments/{attachment.id}").content == samples.pdf()


def test_a_bad_file_keeps_the_items_answers_and_saves_nothing(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    values = evidence_values(case, summary="Kept summary", nature="")
    refused = _post_item(client, case, values, ("evil.pdf", b"<script>alert(1)</script>", "application/pdf"))
    assert refused.status_code == 400
    assert _hrefs(refused.text) == ["nature", "file"], "the item's problem and the file's, in page order"
    assert "Kept summary" in refused.text and "held_file" not in refused.text
    assert db.scalar(select(EvidenceItem)) is None and db.scalar(select(Attachment)) is None


def test_a_good_file_is_held_while_the_item_is_corrected_then_attached(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    values = evidence_values(case, summary="")
    refused = _post_item(client, case, values, ("record.pdf", samples.pdf(), "application/pdf"))
    assert refused.status_code == 400 and _hrefs(refused.text) == ["summary"]
    assert "record.pdf" in refused.text and "will be attached when you save" in refused.text
    held = {name: _hidden(refused.text, name) for name in service.HELD_FIELDS}
    assert db.scalar(select(EvidenceItem)) is None
    tampered = {**held, "held_signature": "0" * 64}
    forged = _post_item(client, case, {**values, **tampered, "summary": "Fixed"})
    assert forged.status_code == 400 and _hrefs(forged.text) == ["file"]
    saved = _post_item(client, case, {**values, **held, "summary": "Fixed"})
    assert saved.status_code == 303, saved.text
    attachment = db.scalar(select(Attachment))
    assert attachment is not None and attachment.storage_key == held["held_file"]
    assert attachment.filename == "record.pdf" and attachment.item.summary == "Fixed"
    again = _post_item(client, case, {**values, **held, "summary": "Twice"})
    assert again.status_code == 400 and "already attached" in again.text, "a held file is attached once"
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"research.attachment.hold", "research.attachment.add"} <= actions


def test_a_file_over_the_limit_with_a_new_item_comes_back_to_the_form(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    big = ("big.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = _post_item(client, case, evidence_values(case), big)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/requests/{case.id}/research/evidence/new?error=too-large")
    shown = client.get(response.headers["location"])
    assert shown.status_code == 400 and "must be smaller than 1 MB" in shown.text
    assert _hrefs(shown.text) == ["file"]


def test_orphan_sweeps_keep_every_stored_file_a_record_holds(
    db: Session, settings: Any, clerk: Principal, researcher: Principal
) -> None:
    """Letters and protocol forms share the attachment store: a sweep for files no record holds must count
    their keys too, or it would delete them."""
    from disclosure.storage import LocalFileStore, stored_file_columns, stored_file_keys

    columns = {f"{c.table.name}.{c.name}" for c in stored_file_columns()}
    assert columns == {
        "attachments.storage_key",
        "generated_letters.pdf_key",
        "generated_letters.docx_key",
        "protocol_forms.file_key",
    }
    case = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    store = LocalFileStore(settings.attachment_dir)
    attached = service.add_attachment(
        db, researcher, store, case.id, item.id, filename="a.pdf", data=samples.pdf(), max_bytes=10**6
    )
    assert attached.storage_key in stored_file_keys(db)


# ---------------------------------------------------------------- every role a person holds


def test_the_panel_pack_shows_every_role_a_person_holds(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route="right_to_ask")
    applicant = next(p for p in case.parties if p.role == "applicant")
    if not any(p.person_id == applicant.person_id and p.role == "person_at_risk" for p in case.parties):
        # The person at risk applied: one person, two rows (the request's people page enters them once).
        at_risk = next(p for p in case.parties if p.role == "person_at_risk")
        case.parties.remove(at_risk)
        db.flush()
        case.parties.append(
            CaseParty(
                request_id=case.id,
                person_id=applicant.person_id,
                role="person_at_risk",
                added_by_id=clerk.user_id,
            )
        )
        db.flush()
    roles: dict[uuid.UUID, set[str]] = {}
    for party in case.parties:
        roles.setdefault(party.person_id, set()).add(party.role)
    both = next(p for p, held in roles.items() if {"applicant", "person_at_risk"} <= held)
    ready_to_submit(db, researcher, reviewer, case)
    frozen = service.submit(db, researcher, case.id, {"version": str(service.package_for(db, case).version)})
    people = frozen.snapshot["people"]
    assert len(people) == len(roles), "each person once"
    person = next(p for p in people if p["roles"] == ["Applicant", "Person at risk"])
    assert person["role"] == "Applicant and person at risk"
    from disclosure.research.pack import panel_pack_html

    html = panel_pack_html(frozen.snapshot, force_name="Testshire Police")
    assert "<td>Applicant and person at risk</td>" in html
    assert both


# ---------------------------------------------------------------- names, and only actions that can be done


def test_the_chase_list_names_who_each_case_is_about_and_offers_the_chase_only_to_the_team(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    from disclosure.people.service import summaries

    case = case_in_research(db, clerk, researcher)
    service.send_partner_request(
        db,
        researcher,
        case.id,
        {"agency_id": str(agency(db).id), "asked": "Any history?", "person_ids": [subject_id(case)]},
    )
    subject = summaries(db, [uuid.UUID(subject_id(case))])[uuid.UUID(subject_id(case))]
    mine = sign_in_as(db, client, researcher).get("/research/partner-requests")
    assert f"{subject.display_name} (subject)" in mine.text and "Record a chase" in mine.text
    theirs = sign_in_as(db, client, reviewer).get("/research/partner-requests")
    assert case.reference in theirs.text
    assert subject.display_name not in theirs.text, "no names outside need to know"
    assert "Record a chase" not in theirs.text and "Only the case's team can chase it" in theirs.text


def test_the_review_pages_say_why_when_the_action_cannot_be_done(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    button = re.compile(r"<button[^>]*>\s*Send for review\s*</button>")
    assert button.search(client.get(f"/requests/{case.id}/research/send-for-review").text)
    early = client.get(f"/requests/{case.id}/research/review")
    assert "nothing to review until it is sent for review" in early.text
    assert "Approve for submission" not in early.text
    service.send_for_review(db, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
    own = client.get(f"/requests/{case.id}/research/review")
    assert "someone else must review it" in own.text and "Approve for submission" not in own.text
    again = client.get(f"/requests/{case.id}/research/send-for-review")
    assert "only a draft is sent for review" in again.text
    assert not button.search(again.text)
    sign_in_as(db, client, reviewer)
    theirs = client.get(f"/requests/{case.id}/research/review")
    assert "Approve for submission" in theirs.text
