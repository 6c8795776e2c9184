"""Template cases and episodes for the synthetic data set [issue 17], each made through the service's own
verbs (so every row, audit event and stored deadline has the shape the service gives it): requests on every
scheme and route stopped at every stage, a panel that decided some of them, deliveries, and missing-person
episodes with risk changes, returns and return home interviews. `generate` then clones them in bulk.

The values are what a careful data administrator, researcher and chair would enter; every name on them is
synthetic (the cloned cases get people drawn by `population`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import passwords
from disclosure.accounts.models import User, UserRole
from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.decisions import service as decisions
from disclosure.decisions.models import NoDisclosureReason, PanelAgency
from disclosure.decisions.vocabulary import LegalTest
from disclosure.letters import delivery
from disclosure.missing import service as missing
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.requests import parties, service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.research import service as research
from disclosure.research.models import CheckType
from disclosure.research.service.offending import record_offending

UK = ZoneInfo("Europe/London")
STAFF = {
    "synthetic-clerk-1": ("Alex Clerk (synthetic)", [Role.DATA_ADMINISTRATOR]),
    "synthetic-clerk-2": ("Bea Clerk (synthetic)", [Role.DATA_ADMINISTRATOR]),
    "synthetic-researcher-1": ("Cal Researcher (synthetic)", [Role.RESEARCHER]),
    "synthetic-researcher-2": ("Dee Researcher (synthetic)", [Role.RESEARCHER]),
    "synthetic-chair": ("Eli Chair (synthetic)", [Role.PANEL_CHAIR, Role.PANEL_MEMBER]),
    "synthetic-probation": ("Fay Probation (synthetic)", [Role.PANEL_MEMBER]),
    "synthetic-officer": ("Gus Officer (synthetic)", [Role.DISCLOSING_OFFICER]),
    "synthetic-partner": ("Hal Probation Partner (synthetic)", [Role.PARTNER]),
    "synthetic-social-worker": ("Ivy Social Worker (synthetic)", [Role.PARTNER]),
}
"""The synthetic staff the template cases are worked by; they cannot sign in (no password)."""
AGENCY_OF = {"synthetic-partner": "probation", "synthetic-social-worker": "childrens-social-care"}
"""The partner agency each synthetic partner answers for."""


@dataclass
class Cast:
    clerks: list[Principal]
    researchers: list[Principal]
    chair: Principal
    probation: Principal
    officer: Principal
    partner: Principal
    social_worker: Principal


@dataclass
class Templates:
    """What the template build made: the cases still open, the cases closed, and the missing episodes."""

    open_cases: list[uuid.UUID] = field(default_factory=list)
    closed_cases: list[uuid.UUID] = field(default_factory=list)
    meetings: list[uuid.UUID] = field(default_factory=list)
    episodes: list[uuid.UUID] = field(default_factory=list)
    staff_id: uuid.UUID | None = None
    """The synthetic data administrator, who records the copies' people."""


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.display_name, user.role_set, session_id=None)


def cast(session: Session) -> Cast:
    """The synthetic staff, made once (no password: they exist to have worked the cases)."""
    users: dict[str, User] = {}
    for username, (name, roles) in STAFF.items():
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                display_name=name,
                email=f"{username}@example.invalid",
                password_hash=passwords.hash_password(uuid.uuid4().hex),
                password_changed_at=utcnow(),
            )
            user.roles = [UserRole(role=r.value) for r in roles]
            session.add(user)
            session.flush()
            if username in AGENCY_OF:
                agency = session.scalar(select(Agency).where(Agency.code == AGENCY_OF[username]))
                if agency is not None:
                    session.add(AgencyMember(user_id=user.id, agency_id=agency.id))
                    session.flush()
        users[username] = user
    p = {name: _principal(user) for name, user in users.items()}
    return Cast(
        clerks=[p["synthetic-clerk-1"], p["synthetic-clerk-2"]],
        researchers=[p["synthetic-researcher-1"], p["synthetic-researcher-2"]],
        chair=p["synthetic-chair"],
        probation=p["synthetic-probation"],
        officer=p["synthetic-officer"],
        partner=p["synthetic-partner"],
        social_worker=p["synthetic-social-worker"],
    )


def _when(name: str, moment: datetime) -> dict[str, str]:
    local = moment.astimezone(UK)
    return {
        f"{name}-day": str(local.day),
        f"{name}-month": str(local.month),
        f"{name}-year": str(local.year),
        f"{name}-time": local.strftime("%H:%M"),
    }


def _person(session: Session, actor: Principal, given: str, family: str, born: date) -> Person:
    details = people.details_from_form(
        {
            "given_names": given,
            "family_name": family,
            "date_of_birth-day": str(born.day),
            "date_of_birth-month": str(born.month),
            "date_of_birth-year": str(born.year),
        }
    )
    return people.create_person(session, actor, details)


def _years_ago(years: int) -> date:
    today = utcnow().astimezone(UK).date()
    return today.replace(year=today.year - years, day=min(today.day, 28))


class Journeys:
    """Makes template cases through the verbs, numbering their synthetic people."""

    def __init__(self, session: Session, staff: Cast) -> None:
        self.session, self.staff, self.made = session, staff, 0

    # ------------------------------------------------------------------------ requests
    def logged(self, route: str, hours_ago: float, clerk: int = 0) -> DisclosureRequest:
        self.made += 1
        values: dict[str, Any] = {
            "route": route,
            "applicant_type": {"right_to_ask": "person_at_risk", "csods_application": "parent_or_carer"}.get(
                route, ""
            ),
            **_when("first_contact", utcnow() - timedelta(hours=hours_ago)),
            "channel": "101",
            "receiving_force": "Synthetic Constabulary",
            "police_reference": f"SYN/{self.made}",
            "information_received": {
                "right_to_know": "Partner referral about controlling behaviour",
                "csods_proactive": "Intelligence that a registered sex offender has moved in with a family",
            }.get(route, ""),
            "alleged_crime": "no",
        }
        return service.log_request(self.session, self.staff.clerks[clerk % 2], values)

    def _add(self, case: DisclosureRequest, role: PartyRole) -> None:
        born = _years_ago(9) if role is PartyRole.CHILD else _years_ago(30 + self.made % 20)
        clerk = self._lead(case)
        who = _person(self.session, clerk, role.value.title().replace("_", ""), "Synthetic", born)
        values: dict[str, Any] = {"role": role.value}
        if role is PartyRole.APPLICANT:
            values |= {
                "safe_channels": ["phone", "in_person"],
                "safe_phone": "07700 900123",
                "no_messages": "yes",
                "safe_times": "Weekdays 9am to 2pm",
            }
        if role is PartyRole.BEST_PLACED_TO_PROTECT and case.route == "csods_proactive":
            values["relationship_to_child"] = "parent"
        service.add_party(self.session, clerk, case.id, who.id, values)

    def _lead(self, case: DisclosureRequest) -> Principal:
        return next(c for c in self.staff.clerks if c.user_id == case.created_by_id)

    def triaged(self, route: str, hours_ago: float, clerk: int = 0) -> DisclosureRequest:
        case = self.logged(route, hours_ago, clerk)
        for role in parties.required_roles(case):
            self._add(case, role)
        triage = {"immediate_risk": "no", "dash_done": "yes", "dash_score": "6", "rag": "green"}
        service.record_triage(self.session, self.staff.clerks[clerk % 2], case.id, triage)
        return case

    def in_research(self, route: str, hours_ago: float, researcher: int = 0) -> DisclosureRequest:
        case = self.triaged(route, hours_ago)
        clerk = self.staff.clerks[0]
        service.complete_initial_checks(self.session, clerk, case.id)
        if Route(route).has_applicant:
            documents = ["passport", "utility_bill"] + (
                ["child_birth_certificate"] if case.scheme == "csods" else []
            )
            meeting = {
                **_when("meeting", utcnow() - timedelta(minutes=90)),
                "documents": documents,
                "outcome": "verified",
                "notes": "",
            }
            service.verify_identity(self.session, clerk, case.id, meeting)
        chosen = self.staff.researchers[researcher % 2]
        service.assign(self.session, clerk, case.id, {"assignee_id": str(chosen.user_id)})
        service.start_research(self.session, chosen, case.id)
        return case

    def _subject(self, case: DisclosureRequest) -> str:
        return str(next(p.person_id for p in case.parties if p.role == "subject"))

    def _check_type(self, case: DisclosureRequest, code: str) -> CheckType:
        found = self.session.scalar(
            select(CheckType).where(CheckType.scheme == case.scheme, CheckType.code == code)
        )
        if found is None:
            raise LookupError(f"No {code} check on {case.scheme}")
        return found

    def researched(self, case: DisclosureRequest, *, ask_partner: bool = True) -> None:
        """The police checks, a partner's return asked for (and answered), one item of evidence."""
        researcher = self._researcher(case)
        for code in ("pnc", "pnd", "visor", "force-intelligence"):
            check = {
                "check_type_id": str(self._check_type(case, code).id),
                "result": "nil_return" if code != "pnc" else "information_found",
                "onward_consent": "not_applicable",
                "reference": f"{code.upper()}/SYN/{self.made}",
                "notes": "Assault occasioning actual bodily harm, 2019" if code == "pnc" else "",
                **_when("performed", utcnow() - timedelta(minutes=30)),
            }
            research.record_check(self.session, researcher, case.id, check)
        if ask_partner:
            probation = self.session.scalar(select(Agency).where(Agency.code == "probation"))
            if probation is not None:
                sent = research.send_partner_request(
                    self.session,
                    researcher,
                    case.id,
                    {
                        "agency_id": str(probation.id),
                        "asked": "Any supervision?",
                        "person_ids": [self._subject(case)],
                    },
                )
                research.answer(
                    self.session,
                    self.staff.partner,
                    sent.id,
                    {
                        "result": "information_found",
                        "response": "Supervised 2019-2021.",
                        "onward_consent": "consents",
                    },
                )
        evidence = {
            "person_id": self._subject(case),
            "summary": "Convicted of assault occasioning actual bodily harm against a former partner, 2019.",
            "source": "Police National Computer (PNC)",
            "source_reference": f"PNC/19/{self.made:07d}X",
            "information_date-day": "1",
            "information_date-month": "5",
            "information_date-year": "2019",
            "source_grade": "A",
            "information_grade": "1",
            "handling_code": "P",
            "nature": "fact",
            "disclosable": "yes",
            "disclose_to": "person_at_risk" if case.scheme == "dvds" else "parent_or_carer",
            "owner_consent": "not_needed",
        }
        research.record_evidence(self.session, researcher, case.id, evidence)

    def _researcher(self, case: DisclosureRequest) -> Principal:
        return next(r for r in self.staff.researchers if r.user_id == case.assignee_id)

    def submitted(
        self, route: str, hours_ago: float, researcher: int = 0, *, risk: bool = True, delayed: bool = False
    ) -> DisclosureRequest:
        """Researched, reviewed and put to the panel; on Sarah's Law with a child sexual conviction and, if
        `risk`, a risk to the child (the presumption to disclose). If `delayed`, its clock was paused for a
        partner and its deadline extended on the way."""
        case = self.in_research(route, hours_ago, researcher)
        if delayed:
            clerk = self.staff.clerks[0]
            pause = {"reason_code": "awaiting_partner", "reason": "Waiting for the partner's return"}
            service.pause_clock(self.session, clerk, case.id, pause)
            service.resume_clock(self.session, clerk, case.id)
            extension = {"days": "5", "reason_code": "partner_delay", "reason": "Health's return was late"}
            service.extend_deadline(self.session, clerk, case.id, extension)
        self.researched(case)
        author = self._researcher(case)
        reviewer = next(r for r in self.staff.researchers if r.user_id != author.user_id)
        if case.scheme == "csods":
            offending = {
                "subject_registered": "yes" if self.made % 3 == 0 else "no",
                "poses_risk": "yes" if risk else "no",
                "risk_to_child": "Unsupervised contact with the child at weekends."
                if risk
                else "No contact found.",
                "conviction-0-offence": "Sexual assault of a child under 13",
                "conviction-0-date": "2015-06-01",
                "conviction-0-child_sexual": "yes",
                "conviction-0-spent": "",
                "conviction-0-reference": f"PNC/15/{self.made:07d}Y",
            }
            record_offending(self.session, author, case.id, offending)
        package = research.package_for(self.session, case)
        summary = {
            "summary": "The subject has one unspent conviction for violence against a former partner.",
            "risk_analysis": "Pattern of controlling behaviour; risk of serious harm to the person at risk.",
            "recommendation": "disclose",
            "recommendation_reasons": "Lawful, necessary and proportionate; a pressing need to protect her.",
            "draft_disclosure": "He was convicted in 2019 of assaulting a former partner.",
            "version": str(package.version),
        }
        research.update_summary(self.session, author, case.id, summary)
        research.send_for_review(self.session, author, case.id, {"reviewer_id": str(reviewer.user_id)})
        research.approve(self.session, reviewer, case.id, {"review_notes": "Checked against PNC."})
        research.submit(
            self.session, author, case.id, {"version": str(research.package_for(self.session, case).version)}
        )
        return case

    # ------------------------------------------------------------------------ panels
    def meeting(self, at: datetime, *cases: DisclosureRequest) -> Any:
        values = {
            "forum": "disclosure_panel",
            **_when("meets_at", at),
            "held": "yes" if at <= utcnow() else "",
            "location": "MASH meeting room 2",
            "chair_id": str(self.staff.chair.user_id),
        }
        convener = self.staff.clerks[0]
        meeting = decisions.convene(self.session, convener, values)
        probation = self.session.scalar(select(PanelAgency).where(PanelAgency.code == "probation"))
        if probation is not None:
            member = {"user_id": str(self.staff.probation.user_id), "panel_agency_id": str(probation.id)}
            decisions.add_member(self.session, convener, meeting.id, member)
        for case in cases:
            decisions.add_to_agenda(self.session, convener, meeting.id, {"request_id": str(case.id)})
        self.session.refresh(meeting)
        return meeting

    def decide(self, meeting: Any, case: DisclosureRequest, outcome: str) -> None:
        item = next(i for i in meeting.items if i.request_id == case.id and i.removed_at is None)
        clerk = self.staff.clerks[0]
        present: dict[str, Any] = {"attendance": "each"}
        for member in meeting.members:
            present[f"present-{member.id}"] = "yes"
        decisions.record_attendance(self.session, clerk, meeting.id, item.id, present)
        agencies = decisions.quorum(self.session, item).agencies
        views: dict[str, str] = {}
        for a in agencies:
            views[f"view-{a.id}"], views[f"view-{a.id}-reasons"] = "agree", ""
        if outcome == "disclose":
            options = decisions.recipient_options(self.session, case)
            tests: dict[str, str] = {}
            for test in LegalTest:
                tests[f"test-{test.value}"] = "yes"
                tests[f"test-{test.value}-reasoning"] = f"Reasoning on {test.value}."
            form: dict[str, Any] = {
                "outcome": "disclose",
                **tests,
                "article8": "The subject's privacy is outweighed by the risk of serious harm.",
                "spent_convictions": "none",
                "wording": "In 2019 he was convicted of assaulting a former partner.",
                "recipients": [str(options[0].party_id)],
                "recipient_reasons": "She is the child's mother and lives with him."
                if case.scheme == "csods"
                else "",
                "deliverer_id": str(self.staff.officer.user_id),
                "subject_views_sought": "no",
                "subject_views": "Not sought: seeking them would put her at risk.",
                "subject_told": "no",
                "subject_told_reason": "Telling him would increase the risk to her.",
                "safety_plan": "IDVA to attend the disclosure; safe word agreed; marker on the address.",
                "safeguarding": ["marac_referral", "idva_referral"],
                "safeguarding_details": "",
                **views,
                "rationale": "All four tests are met; disclosure is the least intrusive way to protect her.",
            }
        else:
            reason = self.session.scalar(
                select(NoDisclosureReason).where(NoDisclosureReason.code == "no_pressing_need")
            )
            form = {
                "outcome": "no_disclosure",
                "no_disclosure_reason_id": str(reason.id if reason else ""),
                "safety_advice": "Contact details for the local IDVA service and 999 in an emergency.",
                "applicant_told": "That no disclosure will be made, with safety advice.",
                **views,
                "rationale": "No pressing need: the relationship has ended and he lives abroad.",
            }
        decisions.record_decision(self.session, self.staff.probation, meeting.id, item.id, form)
        decisions.sign(self.session, self.staff.chair, meeting.id, item.id, {})

    def delivered(self, case: DisclosureRequest, *, disclosure: bool) -> None:
        """A disclosure made in person by the named officer; an outcome without one told by telephone (the
        applicant's safe contact allows calls) by the case's data administrator; then the case closes."""
        clerk = self._lead(case)
        values: dict[str, Any] = {"method": "telephone", **_when("occurred", utcnow())}
        if disclosure:
            values |= {
                "method": "in_person",
                "place": "Synthetic Central police station",
                "present": "An IDVA (synthetic)",
                "identity_reconfirmed": "yes",
                "warning_given": "yes",
                "acknowledgement": "verbal",
                "safety_plan_agreed": "yes",
                "support": "IDVA service and the National Domestic Abuse Helpline",
                "reaction": "Relieved to know.",
                "subject_told": "no",
            }
        delivery.record_delivery(self.session, self.staff.officer if disclosure else clerk, case.id, values)
        service.close_request(self.session, clerk, case.id)

    # ------------------------------------------------------------------------ missing people
    def _agency(self, code: str) -> uuid.UUID:
        agency = self.session.scalar(select(Agency.id).where(Agency.code == code))
        assert agency is not None, f"the {code} agency is reference data"
        return agency

    def episode(self, *, child: bool, returned: bool, interviewed: bool) -> uuid.UUID:
        self.made += 1
        coordinator = self.staff.clerks[1]
        who = _person(
            self.session, coordinator, "Missing", f"Synthetic{self.made}", _years_ago(14 if child else 30)
        )
        reported = utcnow() - timedelta(hours=30)
        values: dict[str, Any] = {
            "care_status": "looked_after" if child else "none",
            "placement": "Oak House children's home" if child else "",
            **_when("reported", reported),
            "reported_by": "Oak House staff" if child else "Family member",
            **_when("last_seen", reported - timedelta(hours=1)),
            "last_seen_place": "Bus station",
            "clothing": "Black hoodie, grey joggers",
            "risk_level": "medium",
            "risk_rationale": "Young, first episode this month, known associates in the city centre",
            "risk_source": "Call handler and care home manager",
            "risk_factors": ["exploitation"] if child else [],
            # The partners the MASH tells: a child's social worker, school and health; an adult's health.
            "social_worker_id": str(self.staff.social_worker.user_id) if child else "",
            "school_id": str(self._agency("education")) if child else "",
            "health_id": str(self._agency("health")),
        }
        episode = missing.record_episode(self.session, coordinator, who.id, values)
        if returned:
            back = {
                **_when("returned", utcnow() - timedelta(hours=20)),
                "return_place": "Friend's flat",
                "returned_with": "Alone",
                "safe_and_well": "concerns" if child else "no_concerns",
                "safe_and_well_notes": "Tired; said she had been given alcohol" if child else "",
            }
            missing.close_episode(self.session, coordinator, episode.id, back)
            if interviewed and child:
                done = {
                    "outcome": "completed",
                    **_when("offered", utcnow() - timedelta(hours=10)),
                    **_when("completed", utcnow() - timedelta(hours=8)),
                    "interviewer_name": "Robin Reyes (synthetic)",
                    "interviewer_organisation": "Safer Futures",
                    "independent": "yes",
                    "findings": "Says she was taken to a flat across the city",
                    "shared_with": [],
                }
                missing.record_interview(self.session, coordinator, episode.id, done)
        return episode.id


Step = Callable[[Journeys], None]


def build(session: Session) -> Templates:
    """The template set: open cases at every stage, closed cases of every outcome, episodes of every kind.
    Its proportions follow a force's year: most cases close, most Right to Ask and Right to Know cases end
    without disclosure, a third of Sarah's Law applications disclose [HO-DVDS-stats]."""
    journeys = Journeys(session, cast(session))
    made = Templates(staff_id=journeys.staff.clerks[0].user_id)
    add_open, add_closed = made.open_cases.append, made.closed_cases.append
    # Open, at every stage: logged, triaged, in research, paused, extended, awaiting a panel, decided.
    for n, route in enumerate(("right_to_ask", "right_to_know", "csods_application", "right_to_ask")):
        add_open(journeys.logged(route, hours_ago=2 + n * 5, clerk=n).id)
        add_open(journeys.triaged(route, hours_ago=30 + n * 7, clerk=n).id)
    for n, route in enumerate(("right_to_know", "right_to_ask", "csods_application")):
        case = journeys.in_research(route, hours_ago=24 * (3 + n), researcher=n)
        journeys.researched(case, ask_partner=n != 1)
        add_open(case.id)
    paused = journeys.in_research("right_to_ask", hours_ago=24 * 6)
    service.pause_clock(
        session,
        journeys.staff.clerks[0],
        paused.id,
        {"reason_code": "awaiting_partner", "reason": "Waiting for the partner's return"},
    )
    add_open(paused.id)
    extended = journeys.in_research("right_to_know", hours_ago=24 * 12, researcher=1)
    service.extend_deadline(
        session,
        journeys.staff.clerks[0],
        extended.id,
        {"days": "7", "reason_code": "partner_delay", "reason": "Probation's return is delayed"},
    )
    add_open(extended.id)
    waiting = [journeys.submitted(r, hours_ago=24 * 14) for r in ("right_to_ask", "csods_application")]
    upcoming = journeys.meeting(utcnow() + timedelta(days=3), *waiting)
    made.meetings.append(upcoming.id)
    made.open_cases.extend(c.id for c in waiting)
    # Decided: one awaiting delivery (open); the rest delivered and closed.
    decided = [
        (journeys.submitted("right_to_ask", hours_ago=24 * 20), "disclose", False),
        (journeys.submitted("right_to_ask", hours_ago=24 * 21), "no_disclosure", True),
        (journeys.submitted("right_to_know", hours_ago=24 * 22, researcher=1), "no_disclosure", True),
        (journeys.submitted("right_to_know", hours_ago=24 * 23, delayed=True), "disclose", True),
        (journeys.submitted("csods_application", hours_ago=24 * 24), "disclose", True),
        (
            journeys.submitted("csods_application", hours_ago=24 * 25, researcher=1, risk=False),
            "no_disclosure",
            True,
        ),
    ]
    # The case still open meets on a panel of its own, so that a copy of it is a copy of an open case only.
    awaiting = journeys.meeting(utcnow() - timedelta(hours=3), *(case for case, _, d in decided if not d))
    held = journeys.meeting(utcnow() - timedelta(hours=2), *(case for case, _, d in decided if d))
    made.meetings.extend([awaiting.id, held.id])
    for case, outcome, deliver in decided:
        journeys.decide(held if deliver else awaiting, case, outcome)
        if deliver:
            session.refresh(case)
            journeys.delivered(case, disclosure=outcome == "disclose")
            add_closed(case.id)
        else:
            add_open(case.id)
    for done in (awaiting, held):  # every case on them signed: the convener closes them, as forces do
        decisions.close_meeting(session, journeys.staff.clerks[0], done.id)
    for route in ("right_to_ask", "csods_application"):
        gone = journeys.triaged(route, hours_ago=24 * 5)
        service.withdraw(
            session, journeys.staff.clerks[0], gone.id, {"reason": "The applicant asked to withdraw"}
        )
        add_closed(gone.id)
    # Missing episodes: children and adults, still missing or back, interviewed or not.
    for child, returned, interviewed in (
        (True, True, True),
        (True, True, False),
        (True, False, False),
        (False, True, False),
        (True, True, True),
    ):
        made.episodes.append(journeys.episode(child=child, returned=returned, interviewed=interviewed))
    session.flush()
    return made
