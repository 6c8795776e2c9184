"""The home page offers each role its own starting points, and nothing else."""

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from tests.builders import make_session, make_user
from tests.pages import PageClient


def test_case_workers_start_from_the_work_queue_and_administrators_do_not(
    client: PageClient, db: Session
) -> None:
    u = make_user(db, Role.DATA_ADMINISTRATOR)
    client.sign_in_as(make_session(db, u.user))
    t = client.get("/").text
    assert "Log a request" in t and 'href="/requests"' in t
    a = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, a.user))
    assert "Work queue" not in client.get("/").text
