"""Letter templates to letters: the wording renders in Jinja's sandbox with strict undefined names, into the
letter markup that `disclosure.documents` turns into HTML, PDF and Word. Values from the case are never
evaluated as template code, and never read as letter markup: every `{{ ... }}` output is a literal
(`documents.literal`), text inside the block the wording puts it in.

The wording of each kind is the newest version an administrator published (`LetterTemplate`), or else the
bundled file under `templates/letters/`. Before a version is published it is checked: it must parse, may use
only the fields the letters' context provides, and must render against the synthetic sample data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, UndefinedError, meta
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.documents import DOCUMENT_TEMPLATES, Block, Letterhead, literal, parse_letter
from disclosure.errors import DisclosureError
from disclosure.letters import sandbox
from disclosure.letters.context import Draft
from disclosure.letters.models import LetterTemplate
from disclosure.letters.sandbox import LetterEnvironment, WordingLimit
from disclosure.letters.vocabulary import LetterKind

# The top-level names a letter's wording may use (see `context.base_context`).
FIELDS = frozenset(
    {"force", "case", "today", "applicant", "person_at_risk", "subject", "decision", "partner", "support"}
)


@cache
def letter_environment() -> LetterEnvironment:
    # nosemgrep: jinja-autoescape-on (letter markup, not HTML: escaped when it becomes HTML, see literal)
    return LetterEnvironment(
        loader=FileSystemLoader(DOCUMENT_TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,  # the output is letter markup; HTML escaping happens when it becomes HTML
        finalize=literal,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def bundled_wording(kind: LetterKind) -> str:
    return (DOCUMENT_TEMPLATES / kind.template).read_text(encoding="utf-8")


def current_template(session: Session, kind: LetterKind) -> LetterTemplate | None:
    return session.scalar(
        select(LetterTemplate)
        .where(LetterTemplate.kind == kind.value)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Wording:
    body: str
    version: int


def wording(session: Session | None, kind: LetterKind) -> Wording:
    published = current_template(session, kind) if session is not None else None
    if published is not None:
        return Wording(published.body, published.version)
    return Wording(bundled_wording(kind), 0)


def compose(draft: Draft, body: str | None = None) -> tuple[Letterhead, list[Block]]:
    """The letter's head and blocks, from `body` (a wording) or the bundled file."""
    context = draft.context
    template = (
        letter_environment().from_string(body)
        if body is not None
        else letter_environment().get_template(draft.kind.template)
    )
    try:
        text = sandbox.render(template, context)
    except WordingLimit as exc:
        # A published wording passed its checks on the sample data; a real case can still reach a limit.
        raise DisclosureError(
            f"The wording of this letter cannot be rendered: {exc}. An administrator can correct it."
        ) from exc
    head = Letterhead(
        force_name=context["force"]["name"],
        force_address=context["force"]["address"],
        reference=context["case"]["reference"],
        date=context["today"],
        addressee=draft.addressee,
        title=draft.title,
        keep_from_recipient=draft.kind.keep_from_recipient,
        logo=context.get("logo", {}).get("data"),
        logo_type=context.get("logo", {}).get("type", ""),
        subject=draft.kind.label,
    )
    return head, parse_letter(text)


def problems(body: str, sample: Draft) -> list[str]:
    """Why a wording cannot be published, in words an editor can act on (empty when it can)."""
    env = letter_environment()
    try:
        declared = meta.find_undeclared_variables(env.parse(body))
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        return [f"The wording has a template error{f' on line {line}' if line else ''}: {exc.message}"]
    except ValueError as exc:  # a number literal too long to read (or, folded when compiled, to print)
        return [f"The wording cannot be read: {exc}"]
    unknown = sorted(declared - FIELDS)
    if unknown:
        return [f"Unknown field: {name}" for name in unknown]
    found = _render_problem(sample, body)
    return [found] if found else []


def _render_problem(sample: Draft, body: str) -> str:
    try:
        compose(sample, body)
    except UndefinedError as exc:
        return f"Unknown field: {exc.message}"
    except DisclosureError as exc:  # a limit of the sandbox (`sandbox.WordingLimit`)
        return str(exc.__cause__ or exc)
    except Exception as exc:  # the sandbox refuses unsafe attribute access, among others
        return f"The wording cannot be rendered: {exc}"
    return ""


def field_names(context: dict[str, Any]) -> list[str]:
    """Every field a wording may use, as `decision.wording` etc., for the editor's help list."""
    names = []
    for key, value in context.items():
        if isinstance(value, dict):
            names += [f"{key}.{inner}" for inner in value]
        else:
            names.append(key)
    return sorted(names)
