"""Every action the service can write has words, in one place (`disclosure/auditing/words.py`): the codes
are read from the source itself, so a new action cannot ship without them; an unknown code still reads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from disclosure.auditing import words
from tests.auditing.source_codes import SourceCodes


@pytest.fixture(scope="module")
def source() -> SourceCodes:
    return SourceCodes()


def test_every_action_code_the_service_can_write_has_words(source: SourceCodes) -> None:
    written = source.written("action")
    assert source.problems == [], "codes the reader could not work out; declare them in source_codes.DECLARED"
    assert sorted(written - set(words.ACTIONS)) == [], "add their words to disclosure/auditing/words.py"
    assert sorted(set(words.ACTIONS) - written) == [], (
        "words for codes nothing writes: move to RETIRED_ACTIONS"
    )


def test_every_kind_of_record_the_service_can_write_has_words(source: SourceCodes) -> None:
    written = source.written("object_type")
    assert source.problems == []
    assert sorted(written - set(words.RECORD_KINDS)) == []
    assert sorted(set(words.RECORD_KINDS) - written) == []


def test_the_reader_follows_helpers_enums_and_declared_values(source: SourceCodes) -> None:
    written = source.written("action")
    assert len(source.audit_calls()) >= 50
    # a literal, a feature's helper, an enum member through two helpers, a declared value, an f-string
    # parameter, a conditional at the call
    for code in (
        "user.create",
        "request.view",
        "request.close",
        "request.decide_to_disclose",
        "missing.link_accepted",
        "mfa.failed.sign_in",
        "requests.clock_reason.retire",
        "person.open_with_reason",
        "research.package.return_for_changes",
    ):
        assert code in written


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "disclosure"
    for name, text in {"__init__.py": "", "audit.py": "def record(session, **kw): ...\n", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return package


def test_a_new_action_without_words_is_found_however_it_is_written(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "feature/__init__.py": "",
            "feature/service.py": """
                from enum import StrEnum

                from disclosure import audit


                class Verb(StrEnum):
                    SHRED = "shred"


                def _record(session, thing, action, why):
                    audit.record(session, action=f"feature.{action}", object_type="thing", justification=why)


                def view(session, thing):
                    _record(session, thing, "view", "Opened")


                def shred(session, thing, verb=Verb.SHRED):
                    _record(session, thing, verb.value, "Shredded")


                def toggle(session, on):
                    audit.record(session, action="feature.on" if on else "feature.off", object_type="thing")
            """,
            "other.py": """
                from disclosure.feature import service

                def elsewhere(session):
                    service._record(session, None, "moved", "Moved")
                    service.shred(session, None)
            """,
        },
    )
    found = SourceCodes(package)
    written = found.written("action")
    assert written == {"feature.view", "feature.shred", "feature.moved", "feature.on", "feature.off"}
    assert found.problems == []
    assert written - set(words.ACTIONS) == written, "none of these has words, so the real test would fail"


def test_a_code_the_reader_cannot_work_out_is_a_problem_not_a_silent_gap(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "loose.py": """
                from disclosure import audit

                def anything(session, values):
                    audit.record(session, action=values["action"], object_type="thing")

                def orphan(session, action):
                    audit.record(session, action=action, object_type="thing")
            """
        },
    )
    found = SourceCodes(package)
    assert found.written("action") == set()
    assert len(found.problems) == 2
    assert "disclosure.loose:5" in found.problems[0] and "nothing calls it" in found.problems[1]


IRREGULAR_PAST = {"Put", "Ran", "Read", "Reset", "Sent", "Set", "Struck", "Took", "Was", "Withdrew"}


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("request.view", "Viewed the case"),
        ("research.panel_pack.download", "Downloaded the panel pack"),
        ("request.triage", "Recorded the triage"),
        ("person.add_alias", "Added an alias to a person's record"),
        ("missing.vanish", "Unlisted action: missing vanish (missing.vanish)"),
        ("", "Unlisted action"),
    ],
)
def test_a_code_reads_as_words_and_an_unknown_one_readably(code: str, shown: str) -> None:
    assert words.action_words(code) == shown


def test_every_sentence_is_past_tense_words_not_a_code() -> None:
    for code, sentence in {**words.ACTIONS, **words.RETIRED_ACTIONS}.items():
        assert sentence[0].isupper() and not sentence.endswith("."), code
        assert "_" not in sentence and code not in sentence, code
        first = sentence.split()[0]
        assert first.endswith("ed") or first in IRREGULAR_PAST, code


def test_the_action_select_lists_every_code_once_by_its_words_and_keeps_an_unknown_choice() -> None:
    options = words.action_options()
    assert options[0] == ("", "Any")
    codes = [code for code, _ in options[1:]]
    assert sorted(codes) == sorted({*words.ACTIONS, *words.RETIRED_ACTIONS})
    chosen = words.action_options("old.code")
    assert chosen[-1] == ("old.code", "Unlisted action: old code (old.code)")


def test_kinds_that_share_words_are_filtered_together() -> None:
    assert words.same_kind("request") == ["disclosure_request", "request"]
    assert words.same_kind("user") == ["user"]
    assert words.same_kind("no_such_kind") == ["no_such_kind"]
    assert words.record_words("no_such_kind") == "No such kind"
    kinds = [kind for kind, _ in words.record_options()[1:]]
    assert len(kinds) == len(set(words.RECORD_KINDS.values()))


def test_the_roles_an_actor_held_read_as_their_labels() -> None:
    assert words.role_words("data_administrator,researcher") == "Data administrator, Researcher"
    assert words.role_words("") == ""
    assert words.role_words("retired_role") == "retired role", "a code no longer in use stays readable"
