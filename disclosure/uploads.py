"""Checks every uploaded file before it is kept (QUALITY.md check 14).

A file is accepted only when its content, read by `filetype` from its magic bytes, agrees with its
extension, and when it opens cleanly as what it claims to be: a PDF that pypdf can read and is not
encrypted, an image Pillow can verify within a pixel limit read from its header (decompression bombs are
refused, and nothing is decoded unless it will be drawn), or a Word document with nothing active in it
[issue 14 §4]: no macros, no reach outside the file, no fetching fields, no paths outside the archive and
nothing that expands out of proportion, measured by what each member really holds.
The size limit is also enforced before the body is buffered, by the upload route's body limit.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET  # nosec B405  # _PartScanner refuses any DTD or entity before parsing
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, cast

import filetype
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from disclosure.errors import DisclosureError

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# extension -> (MIME types filetype may detect, MIME type the file is served as)
ACCEPTED: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"application/pdf"}), "application/pdf"),
    "png": (frozenset({"image/png"}), "image/png"),
    "jpg": (frozenset({"image/jpeg"}), "image/jpeg"),
    "jpeg": (frozenset({"image/jpeg"}), "image/jpeg"),
    "docx": (frozenset({_DOCX, "application/zip"}), _DOCX),
}
ACCEPTED_LABEL = "PDF, PNG, JPEG or Word (.docx)"
MAX_IMAGE_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_EXPANDED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_XML_PART = 64 * 1024 * 1024
"""The largest XML part of a Word document read (its text, a header, its relationships): beyond any report."""
MAX_FILENAME = 200
_UNSAFE_NAME = re.compile(r"[^\w .()+,@&'-]+")


class UploadRefused(DisclosureError):
    """The file was not kept; the message says why, in words the uploader can act on."""

    status_code = 400
    title = "The file was not uploaded"


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(
    filename: str, data: bytes, *, max_bytes: int, max_pixels: int = MAX_IMAGE_PIXELS, decode: bool = False
) -> CheckedUpload:
    """Accept `data` as an attachment or raise `UploadRefused` with a message for the error summary. An image
    is checked from its header and chunks, never decoded, unless it will be drawn (`decode`, for the force
    logo in every letter): then it is decoded once here, within `max_pixels`."""
    name = clean_filename(filename)
    if not data:
        raise UploadRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    extension = PurePosixPath(name).suffix.lower().removeprefix(".")
    if extension not in ACCEPTED:
        raise UploadRefused(f"The selected file must be a {ACCEPTED_LABEL}")
    detected_types, content_type = ACCEPTED[extension]
    kind = filetype.guess(data)
    if kind is None or kind.mime not in detected_types:
        raise UploadRefused(
            f"The selected file is not a real .{extension} file: its content does not match its name"
        )
    if extension in ("png", "jpg", "jpeg"):
        _check_image(data, max_pixels, decode=decode)
    else:
        _CONTENT_CHECKS[extension](data)
    return CheckedUpload(
        filename=name,
        extension=extension,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def clean_filename(filename: str) -> str:
    """The file's own name, without any folder, control or unusual characters, for display and downloads."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _UNSAFE_NAME.sub("_", name).strip(" ._")
    if not name:
        raise UploadRefused("Select a file to upload")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: MAX_FILENAME - len(extension) - 1]}{dot}{extension}" if dot else name[:MAX_FILENAME]
    return name


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("The selected PDF is password protected. Upload a copy without a password")
        if len(reader.pages) == 0:
            raise UploadRefused("The selected PDF has no pages")
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UploadRefused("The selected PDF is damaged and cannot be opened") from exc


def _check_image(data: bytes, max_pixels: int, *, decode: bool) -> None:
    """The size comes from the header, before any pixel is decoded [issue 14 §4]: a small file can claim a
    vast picture (a 190 KB PNG of 49 megapixels takes 200 MB to decode)."""
    too_large = UploadRefused(
        f"The selected image is too large: it must be under {max_pixels / 1_000_000:g} megapixels"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise too_large
                image.verify()
            if decode:
                with Image.open(io.BytesIO(data)) as image:
                    image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise too_large from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused("The selected image is damaged and cannot be opened") from exc


def _check_docx(data: bytes) -> None:
    """A Word document holds nothing active [issue 14 §4]: no relationship that reaches outside the file (an
    attached template, a linked picture, a web link), no field that fetches or runs something (INCLUDEPICTURE,
    INCLUDETEXT, DDE...), no macro, ActiveX or OLE part, known by its content type, its relationship or its
    bytes whatever it is called. Every member is read, so its real size (not the size its header claims)
    counts against the limits, and the zip's checksums are checked on the way."""
    damaged = UploadRefused("The selected Word document is damaged and cannot be opened")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise damaged
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise UploadRefused("The selected file is not a Word document")
            expanded = 0
            for entry in entries:
                _check_member_header(entry, damaged)
                with archive.open(entry) as member:
                    expanded += _check_member(entry.filename, member, MAX_ZIP_EXPANDED - expanded)
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, ET.ParseError) as exc:
        raise damaged from exc


def _check_member_header(entry: zipfile.ZipInfo, damaged: UploadRefused) -> None:
    path = PurePosixPath(entry.filename)
    if path.is_absolute() or ".." in path.parts or "\\" in entry.filename:
        raise damaged
    if entry.filename.lower().endswith(("vbaproject.bin", "vbadata.xml")):
        raise _MACROS
    if entry.file_size > 1_000_000 and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
        raise damaged


def _check_member(name: str, member: IO[bytes], budget: int) -> int:
    """Read one member to its end in chunks (never more than the budget left), checking its bytes; XML
    parts are also parsed, as they stream, for what they reach and run. Returns the bytes it held."""
    too_big = UploadRefused("The selected Word document is damaged and cannot be opened")
    xml = _PartScanner(name) if name.lower().endswith((".xml", ".rels")) else None
    size = 0
    first = b""
    while chunk := member.read(_CHUNK):
        if not first:
            first = chunk[: len(_OLE_SIGNATURE)]
            if first == _OLE_SIGNATURE:
                raise _MACROS
        size += len(chunk)
        if size > budget or (xml is not None and size > MAX_XML_PART):
            raise too_big
        if xml is not None:
            xml.feed(chunk)
    if xml is not None:
        xml.close()
    return size


class _PartScanner:
    """Streams one XML part of the package and refuses what is active in it: a document type declaration
    (OOXML has none: entities are how XML bombs expand), an external relationship or a macro, ActiveX or
    OLE relationship (`.rels`), a macro-enabled or macro part (`[Content_Types].xml`), and a field whose
    instruction fetches or runs something, however its instruction is split across runs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        self.fields: list[list[str]] = []  # the instruction text of each open field, innermost last
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise UploadRefused("The selected Word document is damaged and cannot be opened")
        self.tail = window[-16:]
        self.parser.feed(chunk)
        self._read()

    def close(self) -> None:
        self.parser.close()
        self._read()

    def _read(self) -> None:
        # Only start and end events were asked for: each comes with its element.
        for event, element in cast("Iterator[tuple[str, ET.Element]]", self.parser.read_events()):
            tag = _local(element.tag)
            if event == "start":
                self._start(tag, element)
            elif tag == "instrText" and self.fields:
                self.fields[-1].append(element.text or "")
            elif tag in ("p", "Relationship", "Override", "Default"):
                element.clear()  # keep memory flat through a long part

    def _start(self, tag: str, element: ET.Element) -> None:
        attributes = {_local(key): value for key, value in element.attrib.items()}
        if tag == "Relationship":
            _check_relationship(attributes)
        elif tag in ("Override", "Default"):
            if any(word in attributes.get("ContentType", "").lower() for word in _ACTIVE_CONTENT):
                raise _MACROS
        elif tag == "fldSimple":
            _check_field(attributes.get("instr", ""))
        elif tag == "fldChar":
            kind = attributes.get("fldCharType", "")
            if kind == "begin":
                self.fields.append([])
            elif kind in ("separate", "end") and self.fields:
                _check_field("".join(self.fields[-1]))
                if kind == "end":
                    self.fields.pop()
                else:
                    self.fields[-1] = []


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _check_relationship(attributes: dict[str, str]) -> None:
    if attributes.get("TargetMode", "").lower() == "external":
        raise UploadRefused(
            "The selected Word document links to something outside it (a template, a picture or a web "
            "link). Remove the links and upload it again, or upload it as a PDF"
        )
    if attributes.get("Type", "").rsplit("/", 1)[-1].lower() in _ACTIVE_RELATIONSHIPS:
        raise _MACROS


def _check_field(instruction: str) -> None:
    words = instruction.split()
    if words and words[0].upper() in _ACTIVE_FIELDS:
        raise UploadRefused(
            f"The selected Word document has a {words[0].upper()} field, which fetches content from "
            "outside it. Remove the field and upload it again, or upload it as a PDF"
        )


_MACROS = UploadRefused("The selected Word document contains macros. Save it as a .docx without macros")
_CHUNK = 64 * 1024
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
"""An OLE compound file: how macro projects, ActiveX controls and embedded OLE objects are stored."""
_ACTIVE_CONTENT = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
_ACTIVE_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "wordvbadata",
        "keymapcustomizations",
        "activexcontrol",
        "activexcontrolbinary",
        "oleobject",
    }
)
_ACTIVE_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO"})


_CONTENT_CHECKS = {"pdf": _check_pdf, "docx": _check_docx}
