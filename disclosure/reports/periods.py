"""Financial years, the period every return is made for: 1 April to 31 March, UK time [PQ-128299][PQ-2025].

A year's bounds are UK midnights converted to UTC, so an event at 00:30 BST on 1 April (23:30 UTC on 31
March) falls in the new year, as the force's own calendar says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from disclosure.clocks import UK_TIME, uk_date
from disclosure.db import utcnow

FIRST_YEAR = 2014
"""The earliest year offered: the DVDS went national in March 2014 [DVDS-2023]."""

SLUG = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year from 1 April of `start` to 31 March of the year after."""

    start: int

    @property
    def begins(self) -> datetime:
        """The first instant of the year (UTC)."""
        return datetime(self.start, 4, 1, tzinfo=UK_TIME).astimezone(UTC)

    @property
    def ends(self) -> datetime:
        """The first instant after the year (UTC): a year holds `begins <= t < ends`."""
        return datetime(self.start + 1, 4, 1, tzinfo=UK_TIME).astimezone(UTC)

    @property
    def slug(self) -> str:
        """As URLs and file names carry it: "2025-26"."""
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """As people read it: "April 2025 to March 2026"."""
        return f"April {self.start} to March {self.start + 1}"

    def holds(self, moment: datetime) -> bool:
        return self.begins <= moment < self.ends

    def over(self, now: datetime | None = None) -> bool:
        """Whether the year has ended."""
        return (now or utcnow()) >= self.ends


def containing(moment: datetime | None = None) -> FinancialYear:
    """The financial year a moment (now, by default) falls in, by its UK date."""
    day = uk_date(moment or utcnow())
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


def parse(slug: str) -> FinancialYear | None:
    """The year a slug names ("2025-26"), or None for anything else, an impossible pair ("2025-27") or a
    year outside those offered."""
    found = SLUG.fullmatch(slug or "")
    if not found:
        return None
    year = FinancialYear(int(found.group(1)))
    if year.slug != slug or not FIRST_YEAR <= year.start <= containing().start:
        return None
    return year


def offered(now: datetime | None = None) -> list[FinancialYear]:
    """Every year a return may be made for, newest first: from the scheme's start to the current year."""
    latest = containing(now).start
    return [FinancialYear(y) for y in range(latest, FIRST_YEAR - 1, -1)]
