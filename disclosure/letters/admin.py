"""Letter wording pages for administrators: the letters and their versions, the editor with a preview
against synthetic sample data, and publishing. No case content is shown here."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.letters import templates
from disclosure.web import Db, Form, FormState, form_values, page, redirect

TEMPLATES = "/admin/letter-templates"


@get(TEMPLATES, name="letters.templates", sync_to_thread=True)
def template_list(request: Request[Any, Any, Any], db: Db) -> Template:
    return page(
        request,
        "letters/templates.html",
        heading="Letter wording",
        summaries=templates.summaries(db, require_principal(request)),
    )


def _editor(
    request: Request[Any, Any, Any],
    db: Db,
    kind: str,
    form: FormState | None = None,
    status: int = 200,
    shown: Any = None,
) -> Template:
    letter, body, versions, fields = templates.editor(db, require_principal(request), kind)
    return page(
        request,
        "letters/template.html",
        heading=letter.label,
        kind=letter,
        form=form or FormState({"body": body}, {}),
        versions=versions,
        fields=fields,
        shown=shown,
        status_code=status,
    )


@get(f"{TEMPLATES}/{{kind:str}}", name="letters.template", sync_to_thread=True)
def template_editor(request: Request[Any, Any, Any], db: Db, kind: FromPath[str]) -> Template:
    return _editor(request, db, kind)


@post(f"{TEMPLATES}/{{kind:str}}", name="letters.template_save", sync_to_thread=True)
def template_save(
    request: Request[Any, Any, Any], db: Db, kind: FromPath[str], data: Form
) -> Template | Redirect:
    """One form, two buttons: preview the wording as typed, or publish it as the next version."""
    principal = require_principal(request)
    values = form_values(data)
    try:
        if values.get("action") == "publish":
            published = templates.publish(db, principal, kind, values)
        else:
            head, blocks = templates.preview(principal, kind, values)
            return _editor(request, db, kind, FormState(values, {}), shown={"head": head, "blocks": blocks})
    except FormInvalid as exc:
        db.rollback()
        return _editor(request, db, kind, FormState(values, exc.errors), 400)
    return redirect(request, f"{TEMPLATES}/{kind}", flash=f"Version {published.version} published")


ROUTES = [template_list, template_editor, template_save]
