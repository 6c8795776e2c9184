"""Letter templates to letters: the wording (under `templates/letters/`) renders in Jinja's sandbox with
strict undefined names, into the letter markup that `disclosure.documents` turns into HTML, PDF and Word.
Values from the case are never evaluated as template code."""

from __future__ import annotations

from functools import cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from disclosure.documents import DOCUMENT_TEMPLATES, Block, Letterhead, parse_letter
from disclosure.letters.context import Draft


@cache
def letter_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(DOCUMENT_TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,  # the output is letter markup; HTML escaping happens when it becomes HTML
        trim_blocks=True,
        lstrip_blocks=True,
    )


def compose(draft: Draft) -> tuple[Letterhead, list[Block]]:
    context = draft.context
    text = letter_environment().get_template(draft.kind.template).render(**context)
    head = Letterhead(
        force_name=context["force"]["name"],
        force_address=context["force"]["address"],
        reference=context["case"]["reference"],
        date=context["today"],
        addressee=draft.addressee,
        title=draft.title,
        keep_from_recipient=draft.kind.keep_from_recipient,
    )
    return head, parse_letter(text)
