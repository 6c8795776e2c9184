"""The subject access bundle [issue 19]: one ZIP holding the PDF for the data subject (each disclosed item, a
redacted one with its marks, and a list of what was withheld and under which restriction, DPA 2018 s.45(5)),
the files disclosed in full, and the officer's schedule of every item with its decision, restriction and
reasoning (for the force's file, not for the subject)."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.documents import render_html, render_pdf
from disclosure.force.service import force_name
from disclosure.letters.models import GeneratedLetter
from disclosure.people.service import resolve
from disclosure.research.models import Attachment
from disclosure.storage import AttachmentStore
from disclosure.subject_access import service
from disclosure.subject_access.models import SubjectAccessItem
from disclosure.subject_access.vocabulary import Exemption, ItemDecision, ItemKind
from disclosure.text import spreadsheet_safe

SCHEDULE_COLUMNS = ("Item", "Kind", "What it is", "Decision", "Restriction", "Passages redacted", "Reasoning")


def export(
    session: Session, actor: Principal, store: AttachmentStore, request_id: uuid.UUID
) -> tuple[str, bytes]:
    """The bundle's file name and bytes; refused (nothing written) while any item is undecided."""
    request = service.get_request(session, actor, request_id)
    service.mark_exported(session, actor, request)
    person = resolve(session, request.person_id)
    shown = [i for i in request.items if i.decision != ItemDecision.WITHHOLD.value]
    withheld = [i for i in request.items if i.decision == ItemDecision.WITHHOLD.value]
    files = {i.id: _file(session, store, i) for i in shown if ItemKind(i.kind).has_file}
    html = render_html(
        "subject_access/bundle.html",
        force_name=force_name(session),
        name=person.display_name,
        received_on=request.received_on,
        made_on=uk_date(utcnow()),
        items=[(i, service.redacted(i), files.get(i.id)) for i in shown],
        withheld=sorted({Exemption(i.exemption).label for i in withheld if i.exemption}),
        kinds={k.value: k.label for k in ItemKind},
    )
    made = utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        _add(bundle, "for-the-data-subject/information-held.pdf", render_pdf(html), made)
        for item in shown:
            found = files.get(item.id)
            if found:
                _add(bundle, f"for-the-data-subject/{found[0]}", found[1], made)
        _add(bundle, "for-the-force-file/schedule.csv", _schedule(request.items).encode("utf-8-sig"), made)
    return f"subject-access-{request.received_on.isoformat()}-{str(request.id)[-8:]}.zip", buffer.getvalue()


def _file(session: Session, store: AttachmentStore, item: SubjectAccessItem) -> tuple[str, bytes] | None:
    """The stored file behind a letter or an attachment (checked against its checksum), named for the ZIP
    by its place in the bundle; None if it has since gone."""
    row_id = uuid.UUID(item.object_id)
    if item.kind == ItemKind.LETTER:
        letter = session.get(GeneratedLetter, row_id)
        if letter is None:
            return None
        return f"{item.position:03d}-letter.pdf", store.read(
            session, letter.pdf_key, sha256=letter.pdf_sha256
        )
    file = session.get(Attachment, row_id)
    if file is None or file.removed_at is not None:
        return None
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in file.filename)[-80:]
    return f"{item.position:03d}-{safe}", store.read(session, file.storage_key, sha256=file.sha256)


def _add(bundle: zipfile.ZipFile, name: str, data: bytes, made: datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=made.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def _schedule(items: list[SubjectAccessItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SCHEDULE_COLUMNS)
    for item in items:
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    item.position,
                    ItemKind(item.kind).label,
                    item.label,
                    ItemDecision(item.decision).label,
                    Exemption(item.exemption).label if item.exemption else "",
                    item.redactions.replace("\n", " | "),
                    item.note,
                )
            ]
        )
    return out.getvalue()
