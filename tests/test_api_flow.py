"""A case from intake to delivery through the JSON API alone, as an integration or a force's migration drives
it [issue 18]: log, people, triage, checks, research (checks, evidence, summary, review, submission), a panel
(convened, seated, its agenda, attendance, the decision, the chair's sign-off with password and code), and
the delivery; each step by the user whose role it is, with the pages' rules and audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from tests.builders import PASSWORD, SampleUser, make_user, principal_for
from tests.pages import PageClient


class Caller:
    """The API client acting as one user at a time (their own token)."""

    def __init__(self, db: Session, client: PageClient) -> None:
        self.db, self.client = db, client
        self.admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
        self.tokens: dict[str, str] = {}

    def token(self, who: SampleUser) -> str:
        key = who.user.username
        if key not in self.tokens:
            self.tokens[key] = accounts.issue_api_token(self.db, self.admin, who.user.id, "migration")
        return self.tokens[key]

    def post(self, who: SampleUser, path: str, body: dict[str, Any], status: int = 201) -> Any:
        self.client.headers["Authorization"] = f"Bearer {self.token(who)}"
        answer = self.client.post(f"/api/v1{path}", json=body)
        assert answer.status_code == status, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    def get(self, who: SampleUser, path: str) -> Any:
        self.client.headers["Authorization"] = f"Bearer {self.token(who)}"
        answer = self.client.get(f"/api/v1{path}")
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()


def test_a_right_to_know_case_from_intake_to_delivery_through_the_api(
    db: Session, client: PageClient
) -> None:
    api = Caller(db, client)
    clerk = make_user(db, Role.DATA_ADMINISTRATOR, username="dana.mash", display_name="Dana Mash")
    researcher = make_user(db, Role.RESEARCHER, username="rory.research", display_name="Rory Research")
    reviewer = make_user(db, Role.RESEARCHER, username="sue.supervisor", display_name="Sue Supervisor")
    chair = make_user(db, Role.PANEL_CHAIR, username="chris.chair", display_name="Chris Chair")
    member = make_user(db, Role.PANEL_MEMBER, username="pam.probation", display_name="Pam Probation")
    officer = make_user(db, Role.DISCLOSING_OFFICER, username="olly.officer", display_name="Olly Officer")

    # Intake: the request, its people, the triage and the initial checks; then research.
    case = api.post(
        clerk,
        "/requests",
        {
            "route": "right_to_know",
            "first_contact": (utcnow() - timedelta(hours=3)).isoformat(),
            "channel": "partner_referral",
            "receiving_force": "Testshire Police",
            "information_received": "Children's services report controlling behaviour towards a new partner",
        },
    )
    url = f"/requests/{case['id']}"
    at_risk = api.post(
        clerk, "/people", {"given_names": "Jane", "family_name": "Doe", "date_of_birth": "1990-04-03"}
    )
    subject = api.post(
        clerk, "/people", {"given_names": "John", "family_name": "Smith", "date_of_birth": "1985-08-12"}
    )
    api.post(clerk, f"{url}/parties", {"person_id": at_risk["id"], "role": "person_at_risk"})
    api.post(clerk, f"{url}/parties", {"person_id": subject["id"], "role": "subject"})
    api.post(clerk, f"{url}/triage", {"immediate_risk": False, "dash_score": 8, "rag": "amber"})
    api.post(clerk, f"{url}/complete-initial-checks", {})
    api.post(clerk, f"{url}/start-research", {"researcher_id": str(researcher.user.id)})

    # Research: every required check, one disclosable fact, the summary; reviewed, approved, submitted.
    package = api.get(researcher, f"{url}/research")
    performed = (utcnow() - timedelta(minutes=30)).isoformat()
    for line in package["check_list"]:
        if line["required"]:
            api.post(
                researcher,
                f"{url}/research/checks",
                {
                    "check_type_id": line["check_type_id"],
                    "result": "nil_return",
                    "onward_consent": "not_applicable",
                    "performed": performed,
                    "reference": f"{line['code'].upper()}/1",
                },
            )
    api.post(
        researcher,
        f"{url}/research/evidence",
        {
            "person_id": subject["id"],
            "source": "Police National Computer (PNC)",
            "source_reference": "PNC/19/0001234X",
            "summary": "Convicted of assault occasioning actual bodily harm against a former partner.",
            "source_grade": "A",
            "information_grade": "1",
            "handling_code": "P",
            "nature": "fact",
            "disclosable": True,
            "disclose_to": "person_at_risk",
            "owner_consent": "not_needed",
            "information_date": "2019-05-01",
        },
    )
    package = api.get(researcher, f"{url}/research")
    package = api.post(
        researcher,
        f"{url}/research/summary",
        {
            "summary": "One unspent conviction for violence against a former partner.",
            "risk_analysis": "A pattern of controlling behaviour; a risk of serious harm to her.",
            "recommendation": "disclose",
            "recommendation_reasons": "Lawful, necessary and proportionate; a pressing need to protect her.",
            "draft_disclosure": "He was convicted in 2019 of assaulting a former partner.",
            "version": package["version"],
        },
    )
    package = api.post(
        researcher,
        f"{url}/research/review",
        {"reviewer_id": str(reviewer.user.id), "version": package["version"]},
    )
    package = api.post(reviewer, f"{url}/research/approve", {"review_notes": "Checked against PNC."})
    api.post(researcher, f"{url}/research/submit", {"version": package["version"]})

    # The panel: convened, Pam seated for probation, the case on its agenda, everyone present.
    meeting = api.post(
        clerk,
        "/panels",
        {
            "forum": "disclosure_panel",
            "meets_at": (utcnow() - timedelta(minutes=20)).isoformat(),
            "held": True,
            "location": "MASH meeting room 2",
            "chair_id": str(chair.user.id),
        },
    )
    probation = next(a for a in meeting["panel_agencies"] if a["code"] == "probation")
    panel = f"/panels/{meeting['id']}"
    api.post(clerk, f"{panel}/members", {"user_id": str(member.user.id), "panel_agency_id": probation["id"]})
    meeting = api.post(clerk, f"{panel}/agenda", {"request_id": case["id"]})
    [item] = meeting["items"]
    seats = meeting["members"]
    api.post(
        clerk,
        f"{panel}/agenda/{item['id']}/attendance",
        {"members": [{"member_id": s["id"], "present": True} for s in seats]},
    )

    # The decision, drafted by probation's member; the chair's sign-off refused without the right code.
    party = next(p for p in api.get(clerk, url)["parties"] if p["role"] == "person_at_risk")
    decision = api.post(
        member,
        f"{panel}/agenda/{item['id']}/decision",
        {
            "outcome": "disclose",
            "legal_tests": [
                {"test": t, "met": True, "reasoning": f"Reasoning on {t}."}
                for t in ("lawful", "necessary", "proportionate", "pressing_need")
            ],
            "views": [{"panel_agency_id": s["panel_agency_id"], "view": "agree"} for s in seats],
            "rationale": "All four tests are met; disclosure is the least intrusive way to protect her.",
            "article8": "His privacy is outweighed by the risk of serious harm to her.",
            "spent_convictions": "none",
            "wording": "In 2019 he was convicted of assaulting a former partner.",
            "recipients": [party["id"]],
            "deliverer_id": str(officer.user.id),
            "subject_views_sought": False,
            "subject_views": "Not sought: seeking them would put her at risk.",
            "subject_told": False,
            "subject_told_reason": "Telling him would increase the risk to her.",
            "safety_plan": "IDVA to attend; safe word agreed; marker on the address.",
            "safeguarding": ["idva_referral"],
        },
    )
    assert decision["status"] == "draft"
    sign = f"{panel}/agenda/{item['id']}/sign"
    code = chair.code()
    wrong = "000000" if code != "000000" else "111111"
    refused = api.post(chair, sign, {"password": PASSWORD, "code": wrong}, status=400)
    assert set(refused["errors"]) == {"code"}
    assert api.get(clerk, url)["status"] == "awaiting_decision"
    signed = api.post(chair, sign, {"password": PASSWORD, "code": code})
    assert signed["status"] == "signed" and api.get(clerk, url)["status"] == "to_disclose"

    # The disclosure, in person; the clock stops.
    delivered = api.post(
        officer,
        f"{url}/delivery",
        {
            "occurred_at": utcnow().isoformat(),
            "method": "in_person",
            "place": "Testtown police station",
            "identity_reconfirmed": True,
            "warning_given": True,
            "acknowledgement": "verbal",
            "safety_plan_agreed": True,
            "support": "IDVA service and the National Domestic Abuse Helpline",
            "reaction": "Shocked, then relieved to know.",
            "subject_told": False,
        },
    )
    assert delivered["disclosure"] is True
    assert api.get(officer, f"{url}/delivery")["id"] == delivered["id"]
    assert api.get(clerk, url)["status"] == "outcome_delivered"
    actions = set(db.scalars(select(AuditEvent.action).where(AuditEvent.object_id == case["id"])))
    assert {"request.decide_to_disclose", "letters.delivery", "request.record_outcome_delivered"} <= actions
    confirmed = db.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.reauthenticate")).all()
    assert [e.object_id for e in confirmed] == [str(chair.user.id)]  # the sign-off's confirmation
    api.post(
        officer, f"{url}/delivery", {"occurred_at": utcnow().isoformat(), "method": "in_person"}, status=409
    )
