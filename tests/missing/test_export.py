"""The missing-person export holds every value, whatever characters it carries [issue 13]: control characters
are removed from every cell (openpyxl refuses them in XLSX; a line break would split a CSV row), and a value
a spreadsheet would run as a formula is still neutralised."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from disclosure.missing import export, service
from disclosure.missing.models import Episode
from tests.missing.builders import coordinator, episode_values, person

# C0 and C1 controls, DEL, and the bidirectional overrides and isolates.
CONTROLS = [
    *map(chr, range(0x00, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]


def _xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(data: list[tuple[object, ...]]) -> bytes:
    return export.csv_bytes(export.HEADINGS, data)


@pytest.mark.parametrize("write", [export._xlsx, _csv], ids=["xlsx", "csv"])
def test_every_control_character_in_every_column_is_removed(write: object) -> None:
    width = len(export.HEADINGS)
    data = [tuple(f"A{control}B" for _ in range(width)) for control in CONTROLS]
    data.append(tuple(f"{control}=1+1" for control in CONTROLS[:width]))  # hidden before a formula
    content = write(data)  # type: ignore[operator]
    rows = _xlsx_rows(content) if write is export._xlsx else _csv_rows(content)
    assert rows[0] == list(export.HEADINGS)
    assert rows[1:-1] == [["AB"] * width] * len(CONTROLS)
    assert rows[-1] == ["'=1+1"] * width


def test_an_episode_whose_record_holds_control_characters_exports_to_excel(db: Session) -> None:
    actor = coordinator(db)
    who = person(db, actor, "Jamie", "Rivers")
    episode = service.record_episode(db, actor, who.id, episode_values(police_reference="MP/7"))
    assert isinstance(episode, Episode)
    # As an older import or a direct database fix could have left it (PostgreSQL cannot hold a NUL at all).
    episode.police_reference = "MP/\x07\x1b[31m7\r\n\u202e\x9b"
    db.flush()
    values = {"recipient": "Children's services", "reason": "Monthly meeting", "days": "30"}
    content, _, _ = export.export(db, actor, {**values, "format": "xlsx"})
    assert _xlsx_rows(content)[1][0] == "MP/[31m7"
    content, _, _ = export.export(db, actor, {**values, "format": "csv"})
    assert _csv_rows(content)[1][0] == "MP/[31m7"
