"""The performance summary for a financial year: four charts with their tables (requests by month, outcomes
by route, timeliness bands, days per stage) and the headline figures, on a page and as a one-page PDF for
the force's performance meeting [issue 18]. The figures are those of `returns` and `timeliness`, counted the
same way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit, documents
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.letters.models import Delivery
from disclosure.reports import charts, returns, timeliness
from disclosure.reports.periods import FinancialYear
from disclosure.reports.sql import uk_month
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import ClosureReason, Route, Scheme

MONTHS = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
OUTCOMES = ("Disclosed", "Not disclosed", "Withdrawn", "Out of scope", "Still open")


@dataclass(frozen=True)
class Summary:
    year: FinancialYear
    headlines: list[tuple[str, int]]
    charts: list[charts.Chart]


def _by_month(session: Session, year: FinancialYear) -> charts.Chart:
    """Requests by the UK month of first contact, counted by the database."""
    counts: Counter[tuple[str, int]] = Counter()
    month = uk_month(session, DisclosureRequest.first_contact_at, year.begins, year.ends)
    rows = session.execute(
        select(DisclosureRequest.route, month, func.count())
        .where(
            DisclosureRequest.first_contact_at >= year.begins, DisclosureRequest.first_contact_at < year.ends
        )
        .group_by(DisclosureRequest.route, month)
    )
    for route, number, n in rows:
        counts[(Route(route).scheme.value, (int(number) - 4) % 12)] += int(n)
    schemes = list(Scheme)
    values = [[counts[(s.value, m)] for m in range(12)] for s in schemes]
    totals = ", ".join(f"{s.label} {sum(v):,}" for s, v in zip(schemes, values, strict=True))
    return charts.Chart(
        "by-month",
        "Requests by month of first contact",
        f"Columns for each month from April {year.start} to March {year.start + 1}, one per scheme. "
        f"In all: {totals}.",
        MONTHS,
        [s.label for s in schemes],
        values,
        shape="columns",
    )


def _outcomes(session: Session, year: FinancialYear) -> charts.Chart:
    outcome = when(
        (Delivery.disclosure.is_(True), 0),
        (Delivery.disclosure.is_(False), 1),
        (DisclosureRequest.closure_reason == ClosureReason.WITHDRAWN.value, 2),
        (DisclosureRequest.closure_reason == ClosureReason.OUT_OF_SCOPE.value, 3),
        else_=4,
    )
    rows = session.execute(
        select(DisclosureRequest.route, outcome, func.count())
        .outerjoin(Delivery, Delivery.request_id == DisclosureRequest.id)
        .where(
            DisclosureRequest.first_contact_at >= year.begins, DisclosureRequest.first_contact_at < year.ends
        )
        .group_by(DisclosureRequest.route, outcome)
    )
    counts = {(route, int(kind)): int(n) for route, kind, n in rows}
    routes = list(Route)
    values = [[counts.get((r.value, k), 0) for r in routes] for k in range(len(OUTCOMES))]
    return charts.Chart(
        "outcomes",
        "What became of the year's requests, by route",
        "A bar per route, divided by where each request first contacted in the year stands now: disclosed, "
        "decided not to disclose (outcome given), withdrawn, out of scope, or still open.",
        [r.label for r in routes],
        OUTCOMES,
        values,
    )


def _bands(found: timeliness.Timeliness) -> charts.Chart:
    rows = [b for b in found.bands if b.label != "All routes"]
    return charts.Chart(
        "bands",
        "Outcomes delivered within 28 days, 29 to 35 days and later",
        "A bar per route, divided by how many UK calendar days each outcome delivered in the year took from "
        "first contact.",
        [b.label for b in rows],
        ["Within 28 days", "29 to 35 days", "More than 35 days"],
        [[b.within_28 for b in rows], [b.within_35 for b in rows], [b.later for b in rows]],
    )


def _stages(found: timeliness.Timeliness) -> charts.Chart:
    stages = [s for s in found.stages if s.cases]
    words = "; ".join(f"{s.label}: {s.median} days" for s in stages) or "no outcome was delivered"
    return charts.Chart(
        "stages",
        "Median days per stage",
        "A bar per stage, its length the median elapsed days over the outcomes delivered in the year. "
        f"{words}.",
        [s.label for s in stages],
        ["Median days"],
        [[s.median or 0 for s in stages]],
        unit="days",
    )


def summary(session: Session, actor: Principal, year: FinancialYear) -> Summary:
    dvds, csods = (returns.scheme_return(session, actor, year, scheme) for scheme in ("dvds", "csods"))
    timely = timeliness.timeliness(session, actor, timeliness.Selection(timeliness.Period.of_year(year)))
    everything = next(b for b in timely.bands if b.label == "All routes")
    headlines = [
        ("Right to Ask applications", dvds.value("rta-applications")),
        ("Right to Know applications", dvds.value("rtk-applications")),
        ("Clare's Law disclosures", dvds.value("rta-disclosures") + dvds.value("rtk-disclosures")),
        ("Sarah's Law applications", csods.value("applications")),
        ("Sarah's Law disclosures", csods.value("disclosures")),
        ("Outcomes delivered within 28 days", everything.within_28),
        ("Outcomes delivered after 28 days", everything.within_35 + everything.later),
    ]
    return Summary(
        year,
        headlines,
        [_by_month(session, year), _outcomes(session, year), _bands(timely), _stages(timely)],
    )


def summary_pdf(session: Session, actor: Principal, year: FinancialYear) -> bytes:
    """The summary on one landscape A4 page; its download is an audit event (it leaves the service)."""
    found = summary(session, actor, year)
    html = documents.render_html(
        "documents/summary.html",
        summary=found,
        svg=charts.svg,
    )
    audit.record(
        session,
        actor=actor,
        action="reports.summary_pdf",
        category=AuditCategory.CONSULTATION,
        object_type="return",
        justification=f"Performance summary for {year.label}",
        details={"year": year.slug},
    )
    return documents.render_pdf(html)
