"""Drafts of online applications [issue 21]: answers kept on the server under a token only the cookie holds;
a draft ends when exited, submitted or idle, and then nothing of it can be found; the token is never
stored; answers past the size limit are refused at the field with the page's answers kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.public import drafts
from disclosure.public.models import PublicDraft


def test_answers_are_kept_on_the_server_under_a_token_that_is_never_stored(db: Session) -> None:
    now = utcnow()
    opened = drafts.start(db, "dvds_right_to_ask", now)
    assert opened.token not in opened.draft.token_hash and len(opened.token) >= 40
    drafts.answer(db, opened.draft, {"who": "person_at_risk"}, now)
    drafts.answer(db, opened.draft, {"given_names": "Jo", "who": "third_party"}, now)
    found = drafts.find(db, opened.token, now + timedelta(minutes=5))
    assert found is not None and drafts.answers(found) == {"given_names": "Jo", "who": "third_party"}
    assert drafts.find(db, opened.token + "x", now) is None and drafts.find(db, None, now) is None
    stored = db.scalar(select(PublicDraft.answers))
    assert stored is not None and opened.token not in stored


def test_a_draft_ends_after_an_idle_hour_and_each_answer_keeps_it_open(db: Session) -> None:
    now = utcnow()
    opened = drafts.start(db, "csods_application", now)
    later = now + drafts.IDLE - timedelta(minutes=1)
    drafts.answer(db, opened.draft, {"who": "parent"}, later)
    assert drafts.find(db, opened.token, now + drafts.IDLE + timedelta(minutes=1)) is not None
    assert drafts.find(db, opened.token, later + drafts.IDLE) is None
    other = drafts.start(db, "csods_application", later + drafts.IDLE)
    assert drafts.purge(db, later + drafts.IDLE) == 1
    assert db.scalar(select(func.count()).select_from(PublicDraft)) == 1
    assert drafts.find(db, other.token, later + drafts.IDLE) is not None


def test_exit_this_page_deletes_the_draft_and_its_answers(db: Session) -> None:
    now = utcnow()
    opened = drafts.start(db, "dvds_right_to_ask", now)
    drafts.answer(db, opened.draft, {"given_names": "Jo"}, now)
    assert drafts.discard(db, opened.token) is True
    assert drafts.find(db, opened.token, now) is None
    assert db.scalar(select(func.count()).select_from(PublicDraft)) == 0
    assert drafts.discard(db, opened.token) is False and drafts.discard(db, None) is False


def test_answers_past_the_limit_are_refused_at_the_longest_with_the_page_kept(db: Session) -> None:
    now = utcnow()
    opened = drafts.start(db, "dvds_right_to_ask", now)
    drafts.answer(db, opened.draft, {"who": "person_at_risk"}, now)
    page = {"concern": "x" * drafts.MOST_ANSWER_BYTES, "when": "last week"}
    with pytest.raises(FormInvalid) as refused:
        drafts.answer(db, opened.draft, page, now)
    assert refused.value.errors == {
        "concern": "Your answers are too long. Shorten this answer and try again."
    }
    assert refused.value.values == page
    assert drafts.answers(opened.draft) == {"who": "person_at_risk"}
