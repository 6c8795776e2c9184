"""`disclosure missing import` and `disclosure missing dispatch` on a real, committed database [issue 7]."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from disclosure.missing.models import Episode, FeedImport
from tests import fresh_db
from tests.missing.test_feed import csv_of, line
from tests.test_cli import cli_env, create, read, run

fresh_database_url = fresh_db.fresh_database_url
__all__ = ["cli_env"]


def test_the_feed_imports_from_the_command_line_with_every_row_accounted_for(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert create(cli_env, "dana", "data_administrator")[0] == 0
    feed = tmp_path / "feed.csv"
    feed.write_bytes(csv_of(line(), line(police_reference="MP/26/0002", risk_level="extreme"), line()))
    code, output = run(cli_env, "missing", "import", str(feed), "--as", "dana")
    assert code == 0, output
    assert "3 rows: 1 loaded (0 to confirm), 0 closed by a return, 1 already loaded, 1 refused" in output
    assert "line 3 (MP/26/0002): Risk level 'extreme'" in output
    again = run(cli_env, "missing", "import", str(feed), "--as", "dana")[1]
    assert "0 loaded" in again and "2 already loaded" in again
    assert len(read(cli_env, select(Episode))) == 1
    assert [r.status for r in read(cli_env, select(FeedImport))] == ["finished", "finished"]


def test_the_import_names_a_user_who_cannot_import(cli_env: dict[str, str], tmp_path: Path) -> None:
    create(cli_env, "rory", "researcher")
    feed = tmp_path / "feed.csv"
    feed.write_bytes(csv_of(line()))
    code, output = run(cli_env, "missing", "import", str(feed), "--as", "rory")
    assert code == 1 and "rory is not an active data administrator" in output


def test_dispatch_reports_what_it_did(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "missing", "dispatch")
    assert code == 0 and "0 digests sent, 0 escalated" in output and "no DISCLOSURE_SMTP_HOST" in output
