"""Subject access [issue 19]: everything held about a person gathered (their details, every case they are on,
research findings and files about them, missing episodes, who has seen the records), restrictions suggested
where they may apply, each item decided with its s.45(4) restriction, refusals writing nothing, and one
bundle exported: the person's PDF with redactions marked, the files disclosed, the force's schedule; audited
as a disclosure to the data subject; only information rights officers reach it."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition, PermissionDenied
from disclosure.missing import service as missing
from disclosure.people.models import Person
from disclosure.requests import service as requests
from disclosure.research import service as research
from disclosure.storage import AttachmentStore, LocalFileStore, store_for
from disclosure.subject_access import bundle, service
from disclosure.subject_access.models import SubjectAccessItem, SubjectAccessRequest
from disclosure.subject_access.service import one_month_after
from tests import samples
from tests.builders import date_fields, make_session, make_user, principal_for
from tests.missing.builders import episode_values
from tests.pages import PageClient
from tests.requests.builders import make_request
from tests.research.builders import case_in_research, evidence_values, subject_id

SECRET = "PNC/19/0001234X"


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


@pytest.fixture
def officer(db: Session) -> Principal:
    return principal_for(make_user(db, Role.INFORMATION_RIGHTS, display_name="Ira Rights").user)


def _held(db: Session, store: AttachmentStore) -> Person:
    """A subject on a case in research (a finding about them, with a file), a third party on another case,
    and missing once."""
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    researcher = principal_for(make_user(db, Role.RESEARCHER).user)
    case = case_in_research(db, clerk, researcher)
    person_id = uuid.UUID(subject_id(case))
    item = research.record_evidence(db, researcher, case.id, evidence_values(case))
    research.add_attachment(
        db, researcher, store, case.id, item.id, filename="PNC print.pdf", data=samples.pdf(), max_bytes=10**6
    )
    other = make_request(db, clerk, route="right_to_know")
    requests.add_party(db, clerk, other.id, person_id, {"role": "third_party"})
    coordinator = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    missing.record_episode(db, coordinator, person_id, episode_values(last_seen_place="Bus station, Leeds"))
    db.commit()
    person = db.get(Person, person_id)
    assert person is not None
    return person


def _opened(db: Session, officer: Principal, person: Person) -> SubjectAccessRequest:
    today = uk_date(utcnow())
    return service.open_request(
        db,
        officer,
        {
            "person_id": str(person.id),
            **date_fields("received", today),
            "how_received": "Letter and passport",
        },
    )


def test_a_request_gathers_everything_held_and_suggests_what_to_consider(
    db: Session, officer: Principal, store: LocalFileStore
) -> None:
    person = _held(db, store)
    opened = _opened(db, officer, person)
    assert opened.due_on == one_month_after(uk_date(utcnow()))
    kinds = [i.kind for i in opened.items]
    assert kinds == ["person", "case", "case", "evidence", "attachment", "episode", "access"]
    details, subject_case, third_party_case, finding, file, episode, access = opened.items
    assert person.display_name in details.content and "17 May 1988" in details.content
    assert subject_case.suggested == "others" and third_party_case.suggested is None
    assert "Your part in it: subject" in subject_case.content
    assert (
        finding.suggested == "crime"
        and SECRET not in finding.content
        and "Convicted of assault" in finding.content
    )
    assert file.suggested == "crime" and "PNC print.pdf" in file.label
    assert "Bus station, Leeds" in episode.content
    assert "Data administrator: Logged the request" in access.content
    assert "Viewed" not in access.label
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access.open"))
    assert (
        event is not None and event.object_id == str(person.id) and person.display_name not in event.details
    )


def test_a_refused_request_writes_nothing(db: Session, officer: Principal, store: LocalFileStore) -> None:
    person = _held(db, store)
    before = db.scalar(select(func.count()).select_from(AuditEvent))
    tomorrow = uk_date(utcnow()) + timedelta(days=1)
    with pytest.raises(FormInvalid) as refused:
        service.open_request(db, officer, {"person_id": "nobody", **date_fields("received", tomorrow)})
    assert set(refused.value.errors) == {"person_id", "received", "how_received"}
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    with pytest.raises(PermissionDenied):
        service.open_request(db, clerk, {"person_id": str(person.id)})
    assert db.scalar(select(func.count()).select_from(SubjectAccessRequest)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_decisions_need_their_restriction_and_the_bundle_shows_only_what_was_decided(
    db: Session, officer: Principal, store: LocalFileStore
) -> None:
    person = _held(db, store)
    opened = _opened(db, officer, person)
    details, subject_case, _, finding, file, _, _ = opened.items

    def decide(item: SubjectAccessItem, **values: str) -> SubjectAccessItem:
        return service.decide(db, officer, opened.id, item.id, values)

    with pytest.raises(InvalidTransition, match="7 items are still to decide"):
        bundle.export(db, officer, store, opened.id)
    with pytest.raises(FormInvalid) as refused:
        decide(finding, decision="redact", redactions="Not in the text at all")
    assert set(refused.value.errors) == {"exemption", "redactions", "note"}
    with pytest.raises(FormInvalid) as refused:
        decide(file, decision="redact", exemption="crime", note="Police material")
    assert set(refused.value.errors) == {"decision"}
    decide(
        finding,
        decision="redact",
        exemption="crime",
        redactions="a former partner",
        note="Protects the victim",
    )
    decide(file, decision="withhold", exemption="crime", note="The print shows other people's records")
    decide(subject_case, decision="withhold", exemption="others", note="Would reveal the applicant")
    assert service.disclose_rest(db, officer, opened.id, {}) == 4
    with pytest.raises(InvalidTransition):
        service.disclose_rest(db, officer, opened.id, {})

    name, content = bundle.export(db, officer, store, opened.id)
    assert name.startswith("subject-access-") and name.endswith(".zip")
    files = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(files.namelist()) == [
        "for-the-data-subject/information-held.pdf",
        "for-the-force-file/schedule.csv",
    ]
    pdf = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(files.read("for-the-data-subject/information-held.pdf"))).pages
    )
    assert person.display_name in pdf and "Convicted of assault" in pdf
    assert "[redacted: s.45(4)(b)]" in pdf and "a former partner" not in pdf
    assert "Your part in it: subject" not in pdf, "a withheld item is not in the bundle"
    assert "s.45(4)(e) protect the rights and freedoms of others" in pdf and "OFFICIAL-SENSITIVE" in pdf
    schedule = list(
        csv.reader(io.StringIO(files.read("for-the-force-file/schedule.csv").decode("utf-8-sig")))
    )
    assert len(schedule) == 1 + len(opened.items)
    assert schedule[2][3:5] == ["Withhold", "s.45(4)(e) protect the rights and freedoms of others"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access.export"))
    assert event is not None and event.category == "disclosure" and event.recipients == "The data subject"
    assert person.display_name not in event.details and details.content not in event.details


def test_a_file_disclosed_in_full_goes_with_the_bundle(
    db: Session, officer: Principal, store: LocalFileStore
) -> None:
    opened = _opened(db, officer, _held(db, store))
    for item in opened.items:
        if item.suggested:
            service.decide(db, officer, opened.id, item.id, {"decision": "disclose"})
    service.disclose_rest(db, officer, opened.id, {})
    _, content = bundle.export(db, officer, store, opened.id)
    files = zipfile.ZipFile(io.BytesIO(content))
    assert files.read("for-the-data-subject/005-PNC-print.pdf") == samples.pdf()


def test_one_month_runs_to_the_same_day_or_the_months_last() -> None:
    assert one_month_after(date(2027, 1, 31)) == date(2027, 2, 28)
    assert one_month_after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert one_month_after(date(2027, 12, 15)) == date(2028, 1, 15)
    assert one_month_after(date(2027, 3, 7)) == date(2027, 4, 7)


def test_the_officer_finds_the_record_opens_decides_and_exports_on_the_pages(
    db: Session, client: PageClient, settings: Settings
) -> None:
    person = _held(db, store_for(settings))
    officer = make_user(db, Role.INFORMATION_RIGHTS, display_name="Ira Rights")
    client.sign_in_as(make_session(db, officer.user, reauth=False))
    found = client.get("/subject-access/new?given_names=Subject&family_name=Example")
    assert found.status_code == 200 and f'value="{person.id}"' in found.text
    refused = client.submit("/subject-access/new", {"given_names": "Subject", "family_name": "Example"})
    assert refused.status_code == 400 and "Select whose information is asked for" in refused.text
    assert 'value="Subject"' in refused.text
    today = uk_date(utcnow())
    opened = client.submit(
        "/subject-access/new",
        {
            "person_id": str(person.id),
            **date_fields("received", today),
            "how_received": "Letter and passport",
        },
    )
    assert opened.status_code == 303
    page = client.get(opened.headers["location"])
    assert "7 items found to decide" in page.text and "Disclose the 4 undecided items" in page.text
    request_id = opened.headers["location"].rsplit("/", 1)[1]
    assert f'href="/subject-access/{request_id}"' in client.get("/").text
    sar = db.get(SubjectAccessRequest, uuid.UUID(request_id))
    assert sar is not None
    flagged = [i for i in sar.items if i.suggested]
    item_page = client.get(f"/subject-access/{request_id}/items/{flagged[0].id}")
    assert item_page.status_code == 200 and "To consider: s.45(4)(e)" in item_page.text
    bad = client.submit(
        f"/subject-access/{request_id}/items/{flagged[0].id}", {"decision": "withhold", "exemption": "others"}
    )
    assert bad.status_code == 400 and "Enter why the restriction is necessary and proportionate" in bad.text
    moved = client.submit(
        f"/subject-access/{request_id}/items/{flagged[0].id}",
        {"decision": "withhold", "exemption": "others", "note": "Would reveal the applicant"},
    )
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"/items/{sar.items[2].id}")
    for item in flagged[1:]:
        client.submit(f"/subject-access/{request_id}/items/{item.id}", {"decision": "disclose"})
    client.submit(f"/subject-access/{request_id}/disclose-rest", {})
    asked = client.submit(f"/subject-access/{request_id}/export", {}, follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/confirm-identity")
    client.sign_in_as(make_session(db, officer.user))
    exported = client.submit(f"/subject-access/{request_id}/export", {})
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    assert "attachment" in exported.headers["content-disposition"]
    assert "Exported" in client.get(f"/subject-access/{request_id}").text
    listed = client.get("/subject-access?view=exported").text
    assert f'href="/subject-access/{request_id}"' in listed


def test_only_information_rights_officers_reach_subject_access(
    db: Session, client: PageClient, store: LocalFileStore
) -> None:
    for role in (Role.DATA_ADMINISTRATOR, Role.RECORDS_REVIEWER, Role.AUDITOR, Role.ADMINISTRATOR):
        client.sign_in_as(make_session(db, make_user(db, role).user))
        assert client.get("/subject-access").status_code == 403
        assert client.get("/subject-access/new?family_name=Example").status_code == 403


def test_the_api_opens_reads_decides_and_exports_with_the_officers_code(
    db: Session, client: PageClient, settings: Settings
) -> None:
    person = _held(db, store_for(settings))
    officer = make_user(db, Role.INFORMATION_RIGHTS)
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    token = accounts.issue_api_token(db, admin, officer.user.id, "information rights system")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"
    today = uk_date(utcnow()).isoformat()
    refused = client.post(
        "/api/v1/subject-access",
        json={"person_id": str(uuid.uuid4()), "received": today, "how_received": "Letter"},
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"person_id"}
    opened = client.post(
        "/api/v1/subject-access",
        json={"person_id": str(person.id), "received": today, "how_received": "Letter"},
    )
    assert opened.status_code == 201
    detail = opened.json()
    request_id, items = detail["request"]["id"], detail["items"]
    assert detail["request"]["to_decide"] == 7 and [i["kind"] for i in items][:2] == ["person", "case"]
    listed = client.get("/api/v1/subject-access").json()
    assert [r["id"] for r in listed["requests"]] == [request_id]
    url = f"/api/v1/subject-access/{request_id}"
    not_yet = client.post(f"{url}/export", json={"password": officer.password, "code": officer.code()})
    assert not_yet.status_code == 409 and "still to decide" in not_yet.json()["detail"]
    bad = client.post(f"{url}/items/{items[1]['id']}", json={"decision": "withhold"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"exemption", "note"}
    for item in items:
        decided = client.post(f"{url}/items/{item['id']}", json={"decision": "disclose"})
        assert decided.status_code == 200 and decided.json()["decision"] == "disclose"
    wrong = client.post(f"{url}/export", json={"password": "not it", "code": "000000"})
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"password", "code"}
    done = client.post(f"{url}/export", json={"password": officer.password, "code": officer.code(1)})
    assert done.status_code == 200 and done.headers["content-type"] == "application/zip"
    assert "for-the-force-file/schedule.csv" in zipfile.ZipFile(io.BytesIO(done.content)).namelist()
    assert client.get(url).json()["request"]["status"] == "exported"


def test_a_subject_access_request_goes_with_the_person_it_is_about(
    db: Session, officer: Principal, store: LocalFileStore
) -> None:
    """A request is part of the person's own record: it does not keep them once their last case is
    disposed of, and it goes with them."""
    from disclosure.retention import service as retention
    from tests.retention.builders import due_today, withdrawn_case

    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    researcher = principal_for(make_user(db, Role.RESEARCHER).user)
    case = withdrawn_case(db, clerk, researcher, store)
    person = db.get(Person, uuid.UUID(subject_id(case)))
    assert person is not None
    person_id = person.id
    _opened(db, officer, person)
    record = due_today(db, case.id)
    reviewer = principal_for(make_user(db, Role.RECORDS_REVIEWER).user)
    gone = retention.dispose(db, reviewer, store, record.id, {"confirm": "yes"})
    db.commit()
    assert gone.counts.get("subject_access_requests") == 1 and gone.counts.get("subject_access_items", 0) > 0
    assert db.get(Person, person_id) is None
    assert db.scalar(select(func.count()).select_from(SubjectAccessRequest)) == 0
