"""The returns' pages: a year's three returns with every figure's definition, the records behind a figure,
and the export."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.roles import Role
from disclosure.auth import Principal, require_principal
from disclosure.errors import FormInvalid, NotFound
from disclosure.reports import charts, periods, returns, summary, timeliness, workload
from disclosure.reports import export as exports
from disclosure.reports.periods import FinancialYear
from disclosure.requests.queue import DUE_BANDS
from disclosure.requests.vocabulary import Route
from disclosure.requests.workflow import RequestStatus
from disclosure.text import clean
from disclosure.web import Db, Form, FormState, attachment_response, form_values, page


def _year(slug: str) -> FinancialYear:
    year = periods.parse(slug)
    if year is None:
        raise NotFound("There is no return for that year: choose a year from April 2014 on")
    return year


def _default_year() -> FinancialYear:
    """The year a force files: the last one that has ended."""
    return FinancialYear(periods.containing().start - 1)


def _lists(principal: Principal) -> dict[str, bool]:
    """Which returns' figures link to their records for this reader: the cases behind a disclosure figure
    for anyone who works cases (each list keeps need to know), the episodes behind a missing-person figure
    for the MASH's coordinators."""
    return {"dvds": True, "csods": True, "missing": Role.DATA_ADMINISTRATOR.value in principal.roles}


def _returns_page(
    request: Request[Any, Any, Any], db: Db, year: FinancialYear, form: FormState, status_code: int = 200
) -> Template:
    principal = require_principal(request)
    return page(
        request,
        "reports/returns.html",
        status_code=status_code,
        heading=f"Returns for {year.label}",
        year=year,
        years=periods.offered(),
        returns=returns.returns(db, principal, year),
        late=returns.late_corrections(db, principal, year),
        lists=_lists(principal),
        formats=list(exports.FORMATS.items()),
        form=form,
    )


@get("/reports", name="reports.index", sync_to_thread=True)
def index(request: Request[Any, Any, Any]) -> Redirect:
    """The returns of the year chosen (`?year=2025-26`, the form on the returns page), else the last year
    that has ended."""
    chosen = periods.parse(request.query_params.get("year", "")) or _default_year()
    return Redirect(f"/reports/returns/{chosen.slug}")


@get("/reports/returns/{slug:str}", name="reports.returns", sync_to_thread=True)
def year_returns(request: Request[Any, Any, Any], db: Db, slug: FromPath[str]) -> Template:
    return _returns_page(request, db, _year(slug), FormState.empty(format="xlsx"))


@get("/reports/returns/{slug:str}/{scheme:str}/{key:str}", name="reports.figure", sync_to_thread=True)
def figure_records(
    request: Request[Any, Any, Any], db: Db, slug: FromPath[str], scheme: FromPath[str], key: FromPath[str]
) -> Template:
    principal = require_principal(request)
    year = _year(slug)
    after, before = request.query_params.get("after"), request.query_params.get("before")
    if scheme == "missing":
        behind = returns.missing_behind(db, principal, year, key, after=after, before=before)
        rows: list[Any] = returns.missing_rows(db, year, behind.figure.counts, list(behind.page.items))
    else:
        behind = returns.cases_behind(db, principal, year, scheme, key, after=after, before=before)
        rows = list(behind.page.items)
    return page(
        request,
        "reports/figure.html",
        heading=behind.figure.label[:1].upper() + behind.figure.label[1:],
        year=year,
        scheme=scheme,
        title=returns.SCHEMES[scheme][0],
        behind=behind,
        rows=rows,
        routes={r.value: r.label for r in Route},
        statuses={s.value: s.label for s in RequestStatus},
        base=f"/reports/returns/{year.slug}/{scheme}/{key}?",
    )


@post("/reports/returns/{slug:str}/export", name="reports.export", status_code=200, sync_to_thread=True)
def export_returns(
    request: Request[Any, Any, Any], db: Db, slug: FromPath[str], data: Form
) -> Template | Response[bytes]:
    year = _year(slug)
    values = form_values(data)
    try:
        content, filename, media = exports.export(db, require_principal(request), year, values)
    except FormInvalid as exc:
        return _returns_page(request, db, year, FormState(values, exc.errors), status_code=400)
    return attachment_response(content, filename, media)


def _timeliness_query(request: Request[Any, Any, Any]) -> dict[str, str]:
    names = [f"{n}{p}" for n in ("from", "to") for p in ("", "-day", "-month", "-year")] + ["scheme", "route"]
    return {n: clean(request.query_params.get(n, "")) for n in names}


@get("/reports/timeliness", name="reports.timeliness", sync_to_thread=True)
def timeliness_page(request: Request[Any, Any, Any], db: Db) -> Template:
    """How long cases took in a period (the last year that has ended unless asked), and where open cases
    wait now."""
    principal = require_principal(request)
    values = _timeliness_query(request)
    common: dict[str, Any] = {
        "heading": "Timeliness",
        "schemes": timeliness.SCHEMES,
        "routes": timeliness.ROUTES,
    }
    try:
        selection = timeliness.parse_selection(values, timeliness.Period.of_year(_default_year()))
    except FormInvalid as exc:
        return page(
            request,
            "reports/timeliness.html",
            status_code=400,
            form=FormState(values, exc.errors),
            found=None,
            **common,
        )
    found = timeliness.timeliness(db, principal, selection)
    return page(
        request,
        "reports/timeliness.html",
        form=FormState(timeliness.form_values(selection), {}),
        found=found,
        years=[(y, timeliness.Period.of_year(y)) for y in periods.offered()[:3]],
        **common,
    )


@get("/reports/workload", name="reports.workload", sync_to_thread=True)
def workload_page(request: Request[Any, Any, Any], db: Db) -> Template:
    """What the MASH has on now, for the reader's roles."""
    found = workload.workload(db, require_principal(request))
    return page(request, "reports/workload.html", heading="Workload now", found=found, bands=DUE_BANDS)


@get("/reports/summary", name="reports.summary_index", sync_to_thread=True)
def summary_index(request: Request[Any, Any, Any]) -> Redirect:
    chosen = periods.parse(request.query_params.get("year", "")) or _default_year()
    return Redirect(f"/reports/summary/{chosen.slug}")


@get("/reports/summary/{slug:str}", name="reports.summary", sync_to_thread=True)
def summary_page(request: Request[Any, Any, Any], db: Db, slug: FromPath[str]) -> Template | Response[bytes]:
    """The year's performance summary: charts with their tables; `/reports/summary/2025-26.pdf` is the
    one-page PDF."""
    principal = require_principal(request)
    if slug.endswith(".pdf"):
        year = _year(slug.removesuffix(".pdf"))
        pdf = summary.summary_pdf(db, principal, year)
        return attachment_response(pdf, f"performance-summary-{year.slug}.pdf", "application/pdf")
    year = _year(slug)
    return page(
        request,
        "reports/summary.html",
        heading=f"Performance summary: {year.label}",
        summary=summary.summary(db, principal, year),
        svg=charts.svg,
        years=periods.offered(),
        period=timeliness.Period.of_year(year),
    )


ROUTES = [
    index,
    year_returns,
    figure_records,
    export_returns,
    timeliness_page,
    workload_page,
    summary_index,
    summary_page,
]
