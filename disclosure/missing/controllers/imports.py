"""Feed import pages: the upload (large files queued), an import's progress, running one again."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.missing import dispatcher, feed, import_jobs, service
from disclosure.missing.controllers.common import Multipart, _too_large
from disclosure.missing.vocabulary import UNFINISHED_IMPORT_STATUSES
from disclosure.web import Db, FormState, Id, page, redirect

INLINE_IMPORT_BYTES = 256 * 1024
"""Files up to this size load within the request; larger ones load in the background with a progress bar."""


@get("/missing/imports", name="missing.imports", sync_to_thread=True)
def imports(request: Request[Any, Any, Any], db: Db) -> Template:
    form = _too_large(request)
    return _imports_page(request, db, form, 400 if form.errors else 200)


def _imports_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    recent = feed.recent_imports(db, require_principal(request))
    return page(
        request,
        "missing/imports.html",
        heading="Import the police feed",
        recent=recent,
        columns=feed.STANDARD_COLUMNS,
        form=form,
        status_code=status_code,
        max_upload_mb=request.app.state.settings.max_upload_mb,
    )


@post("/missing/imports/new", name="missing.import_feed", sync_to_thread=True)
def import_feed(request: Request[Any, Any, Any], db: Db, data: Multipart) -> Template | Redirect:
    """A small file loads while the user waits; a larger one is queued for the dispatcher, and its page
    follows the progress."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    upload, mapping = data.get("file"), data.get("mapping")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise FormInvalid({"file": "Select the feed's CSV file"}, {})
        content = upload.file.read()
        layout = feed.Layout()
        if isinstance(mapping, UploadFile) and mapping.filename:
            layout = feed.Layout.from_mapping(mapping.file.read(), name=mapping.filename.rsplit(".", 1)[0])
        feed.check_headings(content, layout)
        queued = len(content) > INLINE_IMPORT_BYTES
        record = feed.start_import(
            db, principal, filename=upload.filename, data=content, layout=layout, queued=queued
        )
        if not queued:
            feed.run_import(db, principal, record, content, layout)
    except FormInvalid as exc:
        db.rollback()
        return _imports_page(request, db, FormState({}, exc.errors), 400)
    if queued:
        _hand_to_dispatcher(db)
    return redirect(request, f"/missing/imports/{record.id}")


def _hand_to_dispatcher(db: Db) -> None:
    """Commit now, not after the response, so the dispatcher woken next finds the queued import."""
    db.commit()
    dispatcher.wake()


@get("/missing/imports/{import_id:uuid}", name="missing.import", sync_to_thread=True)
def import_page(request: Request[Any, Any, Any], db: Db, import_id: Id) -> Template:
    record = feed.get_import(db, require_principal(request), import_id)
    return page(
        request,
        "missing/import.html",
        heading=f"Import of {record.filename}",
        record=record,
        percent=record.percent,
        problems=feed.problems_of(db, record.id),
        refresh=record.status in UNFINISHED_IMPORT_STATUSES,
        can_run_again=import_jobs.can_run_again(db, record),
    )


@get("/missing/imports/{import_id:uuid}/progress", name="missing.import_progress", sync_to_thread=True)
def import_progress(request: Request[Any, Any, Any], db: Db, import_id: Id) -> dict[str, Any]:
    """The progress bar's data while a large file loads in the background."""
    record = feed.get_import(db, require_principal(request), import_id)
    return {
        "status": record.status,
        "processed": record.processed_rows,
        "total": record.total_rows,
        "percent": record.percent,
    }


@post("/missing/imports/{import_id:uuid}/run-again", name="missing.run_import_again", sync_to_thread=True)
def run_import_again(request: Request[Any, Any, Any], db: Db, import_id: Id) -> Redirect:
    """An import that stopped goes back to the dispatcher, carrying on after its last committed batch."""
    import_jobs.run_again(db, require_principal(request), import_id)
    _hand_to_dispatcher(db)
    return redirect(
        request, f"/missing/imports/{import_id}", flash="The import will carry on from where it stopped"
    )


ROUTES = [imports, import_page, import_progress, run_import_again]
UPLOAD_ROUTES = [import_feed]
