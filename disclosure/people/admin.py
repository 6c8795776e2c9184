"""Settings -> Matching (administrators): the matching model's versions, the one in use, its thresholds, and
putting an earlier version back in use [issue 20]. Training itself runs from the command line
(`disclosure people train-matcher`): on a national index it reads for minutes, longer than a page should.
Nothing here shows a person: the versions hold weights and counts, never names."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.directory import user_names
from disclosure.auth import require_principal
from disclosure.people import model, training
from disclosure.web import Db, Form, FormState, page, round_trip

URL = "/admin/matching"
SHOWN = 50
"""Versions listed on the page, newest first (`disclosure people matcher-versions` lists them all)."""


def _overview(request: Request[Any, Any, Any], db: Db, form: FormState, status: int = 200) -> Template:
    current = training.in_use(db)
    shown = training.versions(db, SHOWN)
    if not form.values and current is not None:
        form = FormState({"possible": str(current.possible), "likely": str(current.likely)}, form.errors)
    elif not form.values:
        form = FormState(
            {"possible": str(training.DEFAULT_POSSIBLE), "likely": str(training.DEFAULT_LIKELY)}, form.errors
        )
    return page(
        request,
        "people/matching_settings.html",
        heading="Matching",
        current=current,
        versions=shown,
        older=max(training.count_versions(db) - len(shown), 0),
        makers=user_names(db, (v.created_by_id for v in shown)),
        minimum=training.MIN_PEOPLE,
        comparisons=model.COMPARISONS,
        form=form,
        status_code=status,
    )


@get(URL, name="people.matching_settings", sync_to_thread=True)
def matching_settings(request: Request[Any, Any, Any], db: Db) -> Template:
    return _overview(request, db, FormState.empty())


@post(URL + "/thresholds", name="people.matching_thresholds", sync_to_thread=True)
def matching_thresholds(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    actor = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: training.set_thresholds(db, actor, *training.thresholds_from(values)),
        lambda form, status: _overview(request, db, form, status),
        success=URL,
        flash=lambda version: (
            f"Version {version.number} in use: possible matches from {version.possible}%, "
            f"likely from {version.likely}%"
        ),
    )


@post(URL + "/versions/{number:int}/use", name="people.use_matcher", sync_to_thread=True)
def use_matcher(
    request: Request[Any, Any, Any], db: Db, number: FromPath[int], data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda _values: training.use_version(db, actor, number),
        lambda form, status: _overview(request, db, form, status),
        success=URL,
        flash=lambda version: f"Version {version.number} is back in use",
    )


ROUTES = [matching_settings, matching_thresholds, use_matcher]
