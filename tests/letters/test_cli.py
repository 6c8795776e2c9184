"""`disclosure letters render`: any letter of a case as PDF and Word files, for batch printing."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from disclosure.cli import main
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.decisions import service as decisions
from tests import fresh_db
from tests.decisions.builders import disclose_values
from tests.decisions.conftest import make_cast, make_panel
from tests.letters.conftest import name_the_force

fresh_database_url = fresh_db.fresh_database_url


def test_a_letter_renders_to_files_for_printing_once_the_force_is_named(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    env = {
        "DISCLOSURE_DATABASE_URL": fresh_database_url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_VAR_DIR": str(tmp_path),
    }
    out = tmp_path / "print"
    try:
        with unit_of_work(factory) as session:
            cast = make_cast(session)
            panel = make_panel(session, cast)
            agencies = decisions.quorum(session, panel.item).agencies
            values = disclose_values(session, panel.case, cast.officer, agencies)
            decisions.record_decision(session, cast.probation, panel.meeting.id, panel.item.id, values)
            decisions.sign(session, cast.chair, panel.meeting.id, panel.item.id, {})
            reference = panel.case.reference
        command = ["letters", "render", reference, "disclosure_record", "--out", str(out)]
        unnamed = CliRunner().invoke(main, command, env=env)
        assert unnamed.exit_code == 1 and "the force's name is not set" in unnamed.output
        assert not out.exists() or not any(out.iterdir())
        with unit_of_work(factory) as session:
            name_the_force(session)
    finally:
        engine.dispose()
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 0, result.output
    stem = f"{reference}-disclosure-record"
    pdf_text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO((out / f"{stem}.pdf").read_bytes())).pages
    )
    assert reference in pdf_text and "OFFICIAL-SENSITIVE" in pdf_text and "Testshire Police" in pdf_text
    word = Document(io.BytesIO((out / f"{stem}.docx").read_bytes()))
    assert any(reference in p.text for p in word.paragraphs)
    missing = CliRunner().invoke(
        main, ["letters", "render", "DVDS-1999-000001", "disclosure_record"], env=env
    )
    assert missing.exit_code == 1 and "There is no request DVDS-1999-000001" in missing.output
