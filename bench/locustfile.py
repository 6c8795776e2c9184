"""The load check's users [issue 19]: locust drives them against a live server, started by bench/load.py.

Runs in locust's own environment (.tools/locust), so it imports nothing from the service: what it needs (the
signed-in sessions and API token, the cases each group works on, the check list per research case) comes from
the plan file that bench/load.py writes (`LOAD_PLAN`). Each user acts as its group does in a working day, with
a browser's manners: it reads a form before posting it and sends back the form's CSRF token, and follows the
303 after a write. Every write the server acknowledged (a 303 to the record) is kept, with what identifies it,
in the plan's `acknowledged` file when locust quits, for bench/load.py to find in the database afterwards.
Any other answer is a failure in locust's figures: the check allows none.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
ACKNOWLEDGED: list[dict[str, Any]] = []
"""Every write answered with success, in the order the answers came."""

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
UK = ZoneInfo("Europe/London")
GIVEN = ["Jane", "Amira", "Chloe", "Priya", "Hannah", "Grace", "Zofia", "Leah", "Niamh", "Ruth"]
SUBJECT_GIVEN = ["John", "Mark", "Daniel", "Ryan", "Tomasz", "Liam", "Owen", "Kieran"]
FAMILY = ["Doe", "Okafor", "Hughes", "Patel", "Nowak", "Evans", "Byrne", "Kaur", "Walsh", "Idowu"]


@events.quitting.add_listener
def _keep_acknowledged(**_: Any) -> None:
    Path(PLAN["acknowledged"]).write_text(json.dumps(ACKNOWLEDGED, indent=1))


def _when(name: str, moment: datetime) -> dict[str, str]:
    """A GOV.UK date input with its time, as a browser sends it (UK time, to the minute)."""
    local = moment.astimezone(UK)
    return {
        f"{name}-day": str(local.day),
        f"{name}-month": str(local.month),
        f"{name}-year": str(local.year),
        f"{name}-time": local.strftime("%H:%M"),
    }


def _marker() -> str:
    """A reference no other write carries, to find this one by afterwards."""
    return f"LOAD/{secrets.token_hex(6).upper()}"


class SignedIn(HttpUser):
    """A member of staff with a signed-in browser session (made by bench/load.py: the sign-in journey,
    password and security code, has its own tests)."""

    abstract = True
    reader = ""

    def on_start(self) -> None:
        self.client.cookies.set(PLAN["session_cookie"], PLAN["cookies"][self.reader])

    def read(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as answer:
            if answer.status_code != 200:
                answer.failure(f"{path} answered {answer.status_code} {answer.error or ''}")
                return ""
            return answer.text

    def form_token(self, path: str, name: str) -> str | None:
        """GET the form page and the CSRF token it carries, as a browser does before posting it."""
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as answer:
            found = CSRF.search(answer.text) if answer.status_code == 200 else None
            if found is None:
                answer.failure(
                    f"{path} answered {answer.status_code} {answer.error or ''} without a CSRF token"
                )
                return None
            return found.group(1)

    def write(self, path: str, data: dict[str, Any], name: str, *, also: int = 0) -> tuple[int, str | None]:
        """POST a form: its status, and the record's address from a 303 (the acknowledgement). Any other
        status is a failure but `also` (a page asking the user to choose, neither failure nor write)."""
        with self.client.post(
            path, data=data, name=name, catch_response=True, allow_redirects=False
        ) as answer:
            if answer.status_code == 303:
                return 303, str(answer.headers["location"])
            if answer.status_code != also:
                answer.failure(
                    f"{path} answered {answer.status_code} {answer.error or ''}: {answer.text[:300]!r}"
                )
            return answer.status_code, None


class DataAdministrator(SignedIn):
    """Works the queue, opens cases, logs requests at first contact and adds their people."""

    weight = 5
    wait_time = between(1, 4)
    reader = "clerk"

    @task(4)
    def work_queue(self) -> None:
        if random.random() < 0.5:
            self.read("/requests?whose=mine", "work queue, mine")
        else:
            self.read("/requests", "work queue, team")

    @task(4)
    def open_case(self) -> None:
        self.read(f"/requests/{random.choice(PLAN['cases'])}", "case page")

    @task(1)
    def log_request_and_add_people(self) -> None:
        token = self.form_token("/requests/new", "log a request (form)")
        if token is None:
            return
        reference = _marker()
        values = {
            "_csrf_token": token,
            "route": "right_to_ask",
            "applicant_type": "person_at_risk",
            **_when("first_contact", datetime.now(UK) - timedelta(hours=1)),
            "channel": "101",
            "receiving_force": PLAN["receiving_force"],
            "police_reference": reference,
            "alleged_crime": "no",
        }
        _, location = self.write("/requests/new", values, "log a request")
        if location is None:
            return
        request_id = location.split("?")[0].rstrip("/").rsplit("/", 1)[1]
        ACKNOWLEDGED.append({"kind": "request", "request_id": request_id, "police_reference": reference})
        self.read(location, "case page (after a write)")
        born = datetime(random.randint(1965, 2004), random.randint(1, 12), random.randint(1, 28), tzinfo=UK)
        at_risk = {
            "role": ["applicant", "person_at_risk"],
            "given_names": random.choice(GIVEN),
            "family_name": random.choice(FAMILY),
            "date_of_birth-day": str(born.day),
            "date_of_birth-month": str(born.month),
            "date_of_birth-year": str(born.year),
            "safe_channels": ["phone"],
            "safe_phone": "07700 900982",
            "safe_times": "Weekdays 9am to 2pm",
        }
        subject = {
            "role": ["subject"],
            "given_names": random.choice(SUBJECT_GIVEN),
            "family_name": random.choice(FAMILY),
        }
        for person in (at_risk, subject):
            if not self._add_person(request_id, person):
                return

    def _add_person(self, request_id: str, person: dict[str, Any]) -> bool:
        """The add-person page's own button (`add`): straight to a new person when the people index holds
        no likely match, else the matches, where this user confirms a new person (`create`)."""
        path = f"/requests/{request_id}/people/add"
        token = self.form_token(f"{path}?role={person['role'][0]}", "add a person (form)")
        if token is None:
            return False
        data = {"_csrf_token": token, **person}
        status, location = self.write(path, {**data, "action": "add"}, "add a person", also=200)
        if status == 200:
            _, location = self.write(
                path, {**data, "action": "create"}, "add a person (new, past the matches)"
            )
        if location is None:
            return False
        ACKNOWLEDGED.append(
            {
                "kind": "party",
                "request_id": request_id,
                "roles": person["role"],
                "given_names": person["given_names"],
                "family_name": person["family_name"],
            }
        )
        self.read(location, "case page (after a write)")
        return True


class Researcher(SignedIn):
    """Reads the research pages of the cases assigned to them and records the checks done."""

    weight = 3
    wait_time = between(1, 4)
    reader = "researcher"

    @task(3)
    def research_page(self) -> None:
        case = random.choice(PLAN["research"])
        self.read(f"/requests/{case['id']}/research", "research page")

    @task(1)
    def record_check(self) -> None:
        case = random.choice(PLAN["research"])
        check_type = random.choice(case["check_types"])
        base = f"/requests/{case['id']}/research"
        token = self.form_token(f"{base}/checks/new?type={check_type}", "record a check (form)")
        if token is None:
            return
        reference = _marker()
        values = {
            "_csrf_token": token,
            "check_type_id": check_type,
            "result": "nil_return",
            "onward_consent": "not_applicable",
            "reference": reference,
            **_when("performed", datetime.now(UK) - timedelta(minutes=5)),
        }
        _, location = self.write(f"{base}/checks", values, "record a check")
        if location is None:
            return
        ACKNOWLEDGED.append({"kind": "check", "request_id": case["id"], "reference": reference})
        self.read(location.split("#")[0], "research page (after a write)")


class PanelMember(SignedIn):
    """Reads the panel meetings and their agendas before a meeting."""

    weight = 1
    wait_time = between(2, 6)
    reader = "chair"

    @task(1)
    def meetings(self) -> None:
        self.read("/panels", "panels list")

    @task(3)
    def agenda(self) -> None:
        self.read(f"/panels/{random.choice(PLAN['meetings'])}", "panel agenda")


class Auditor(SignedIn):
    """Reads the audit trail: the latest events, and those of one kind."""

    weight = 1
    wait_time = between(2, 6)
    reader = "auditor"

    @task(2)
    def latest(self) -> None:
        self.read("/audit", "audit trail")

    @task(1)
    def filtered(self) -> None:
        action = random.choice(["request.view", "request.log", "research.check.record"])
        self.read(f"/audit?action={action}", "audit trail, filtered")


class ApiIntegration(HttpUser):
    """A case-management integration polling the JSON API with a bearer token (no cookie, no CSRF)."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {PLAN['tokens']['clerk']}"

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{path} answered {answer.status_code} {answer.error or ''}")

    @task(2)
    def list_requests(self) -> None:
        self._get("/api/v1/requests", "API: requests")

    @task(1)
    def waiting(self) -> None:
        self._get("/api/v1/waiting", "API: waiting")
