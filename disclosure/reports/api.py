"""The returns as JSON, for a force's performance systems: the same figures and definitions as the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.params import FromPath

from disclosure.auth import require_principal
from disclosure.errors import NotFound
from disclosure.reports import periods, returns
from disclosure.web import Db


@dataclass
class FigureOut:
    """One figure: `key` is stable for integrations; `part_of` names the figure it is part of ("of which",
    empty for a headline figure); `counts` what it counts (cases, episodes, people or interviews)."""

    key: str
    label: str
    part_of: str
    value: int
    counts: str
    definition: str


@dataclass
class ReturnOut:
    key: str
    title: str
    figures: list[FigureOut]


@dataclass
class LateCorrectionOut:
    """A correction made after the year ended to a date that places records in years."""

    corrected_at: datetime
    record: str
    reference: str
    field: str


@dataclass
class ReturnsOut:
    """A financial year's returns: `begins` and `ends` (UTC) bound it, `begins <= t < ends`; `over` says
    whether it has ended (if not, its figures so far)."""

    year: str
    label: str
    begins: datetime
    ends: datetime
    over: bool
    returns: list[ReturnOut]
    late_corrections: list[LateCorrectionOut]


@get("/api/v1/returns/{year:str}", name="api.returns", sync_to_thread=True, tags=["reports"])
def year_returns(request: Request[Any, Any, Any], db: Db, year: FromPath[str]) -> ReturnsOut:
    """The DVDS, CSODS and missing-person returns for a financial year named as `2025-26` (404 for any
    other year or form)."""
    principal = require_principal(request)
    chosen = periods.parse(year)
    if chosen is None:
        raise NotFound("There is no return for that year: name a year from 2014-15 on, as 2025-26")
    found = returns.returns(db, principal, chosen)
    return ReturnsOut(
        year=chosen.slug,
        label=chosen.label,
        begins=chosen.begins,
        ends=chosen.ends,
        over=chosen.over(),
        returns=[
            ReturnOut(
                r.key,
                r.title,
                [
                    FigureOut(
                        line.figure.key,
                        line.figure.label,
                        line.figure.part_of,
                        line.value,
                        line.figure.counts,
                        line.figure.definition,
                    )
                    for line in r.lines
                ],
            )
            for r in found
        ],
        late_corrections=[
            LateCorrectionOut(c.corrected_at, c.record, c.reference, c.label)
            for c in returns.late_corrections(db, principal, chosen)
        ],
    )


ROUTES = [year_returns]
