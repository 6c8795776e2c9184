"""Decision pages: each renders for the people it is for, bad input comes back at the field with what was
typed, the chair's sign-off needs a recent password and code, and the JSON API only reads."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.decisions import service
from tests.builders import sign_in_as
from tests.decisions.builders import disclose_values, meeting_values, no_disclosure_values
from tests.decisions.conftest import Cast, Panel
from tests.pages import PageClient


def _base(panel: Panel) -> str:
    return f"/panels/{panel.meeting.id}/items/{panel.item.id}"


def test_a_convener_sets_up_a_panel_and_errors_keep_what_was_typed(
    db: Session, client: PageClient, cast: Cast
) -> None:
    sign_in_as(db, client, cast.clerk)
    assert client.get("/panels").status_code == 200
    assert client.get("/panels/new").status_code == 200
    bad = client.submit("/panels", {**meeting_values(cast.chair), "chair_id": "", "location": "Room 9"})
    assert bad.status_code == 400 and "Select the chair" in bad.text and 'value="Room 9"' in bad.text
    made = client.submit("/panels", meeting_values(cast.chair))
    assert made.status_code == 303
    meeting = client.get(made.headers["location"])
    assert meeting.status_code == 200 and "Chris Chair, Police (chair)" in meeting.text
    edit = client.get(made.headers["location"] + "/edit")
    assert edit.status_code == 200 and 'value="MASH meeting room 2"' in edit.text
    moved = client.submit(
        made.headers["location"] + "/edit", {**meeting_values(cast.chair), "location": "Room 4"}
    )
    assert moved.status_code == 303 and "Room 4" in client.get(made.headers["location"]).text
    stale = client.submit(made.headers["location"] + "/edit", {**meeting_values(cast.chair), "version": "1"})
    assert stale.status_code == 409 and "Someone else changed this meeting" in stale.text


def test_every_panel_page_renders_for_a_member_taking_part(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    sign_in_as(db, client, cast.probation)
    base = _base(panel)
    for path in (
        "/panels",
        f"/panels/{panel.meeting.id}",
        base,
        f"{base}/package",
        f"{base}/decision",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert panel.case.reference in client.get(f"{base}/package").text
    pack = client.get(f"{base}/panel-pack.pdf")
    assert pack.status_code == 200 and pack.headers["content-disposition"].startswith("attachment")


def test_the_decision_form_shows_every_error_at_its_field(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    sign_in_as(db, client, cast.probation)
    response = client.submit(f"{_base(panel)}/decision", {"outcome": "disclose", "article8": "Kept text"})
    assert response.status_code == 400
    assert 'href="#test-lawful"' in response.text and 'href="#rationale"' in response.text
    assert "Kept text" in response.text


def test_the_chair_signs_off_after_confirming_identity(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    agencies = service.quorum(db, panel.item).agencies
    service.record_decision(
        db,
        cast.probation,
        panel.meeting.id,
        panel.item.id,
        disclose_values(db, panel.case, cast.officer, agencies),
    )
    sign_in_as(db, client, cast.chair, reauth=False)
    asked = client.get(f"{_base(panel)}/sign", follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/confirm-identity")
    sign_in_as(db, client, cast.chair)
    form = client.get(f"{_base(panel)}/sign")
    assert form.status_code == 200 and "In 2019 he was convicted" in form.text
    decision = service.decision_for(db, panel.item)
    assert decision is not None
    signed = client.submit(f"{_base(panel)}/sign", {"version": str(decision.version)})
    assert signed.status_code == 303
    assert "signed off by Chris Chair" in client.get(_base(panel)).text
    again = client.submit(f"{_base(panel)}/sign", {"version": str(decision.version)})
    assert again.status_code == 409


def test_members_cannot_sign_and_outsiders_find_nothing(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    sign_in_as(db, client, cast.probation)
    assert client.get(f"{_base(panel)}/sign").status_code == 403
    sign_in_as(db, client, cast.outsider)
    assert client.get(_base(panel)).status_code == 404
    assert client.get(f"/panels/{panel.meeting.id}").status_code == 404


def test_minutes_and_the_case_page_show_the_decision_with_dissent(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    agencies = service.quorum(db, panel.item).agencies
    values = no_disclosure_values(db, agencies)
    health = next(a for a in agencies if a.code == "health")
    values[f"view-{health.id}"] = "dissent"
    values[f"view-{health.id}-reasons"] = "Health would disclose: the GP records escalating injuries."
    service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    sign_in_as(db, client, cast.chair)
    minutes = client.get(f"/panels/{panel.meeting.id}/minutes.pdf")
    assert minutes.status_code == 200
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(minutes.content)).pages]
    assert all(page.count("OFFICIAL-SENSITIVE") == 2 for page in pages)
    text = " ".join(pages)
    assert panel.case.reference in text
    assert "Health would disclose: the GP records escalating injuries." in text
    sign_in_as(db, client, cast.researcher)
    page = client.get(f"/requests/{panel.case.id}/decisions")
    assert page.status_code == 200 and "Do not disclose" in page.text
    assert "Health: <strong>dissents</strong>" in page.text


def test_the_api_reads_decisions_and_offers_no_way_to_change_them(
    db: Session, client: PageClient, cast: Cast, panel: Panel, admin_principal: Principal
) -> None:
    from disclosure.accounts import service as accounts

    agencies = service.quorum(db, panel.item).agencies
    decision = service.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    token = accounts.issue_api_token(db, admin_principal, cast.researcher.user_id, "case system")
    client.headers["Authorization"] = f"Bearer {token}"
    listed = client.get(f"/api/v1/requests/{panel.case.id}/decisions")
    assert listed.status_code == 200 and listed.json()[0]["outcome"] == "no_disclosure"
    one = client.get(f"/api/v1/decisions/{decision.id}")
    assert one.status_code == 200 and one.json()["rationale"].startswith("No pressing need")
    changed = client.post(f"/api/v1/decisions/{decision.id}", json={"outcome": "disclose"})
    assert changed.status_code == 405


def test_administrators_change_the_quorum_and_lists(
    db: Session, client: PageClient, cast: Cast, admin_principal: Principal
) -> None:
    sign_in_as(db, client, admin_principal)
    assert client.get("/admin/panel-settings").status_code == 200
    bad = client.submit(
        "/admin/panel-settings/policy",
        {"required_agency_codes": ["police"], "min_other_agencies": "eleven", "signer_not_drafter": "yes"},
    )
    assert bad.status_code == 400 and "must be a whole number" in bad.text
    ok = client.submit(
        "/admin/panel-settings/policy",
        {
            "required_agency_codes": ["police", "probation"],
            "min_other_agencies": "1",
            "signer_not_drafter": "yes",
        },
    )
    assert ok.status_code == 303
    assert service.current_policy(db).required_agency_codes == ["police", "probation"]
    assert client.submit("/admin/panel-settings/reasons", {"label": "Subject has died"}).status_code == 303
    assert "Subject has died" in client.get("/admin/panel-settings").text
    sign_in_as(db, client, cast.chair)
    assert client.get("/admin/panel-settings").status_code == 403
