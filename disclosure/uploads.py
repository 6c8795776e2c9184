"""Checks every uploaded file before it is kept (QUALITY.md check 14).

A file is accepted only when its content, read by `filetype` from its magic bytes, agrees with its
extension, and when it opens cleanly as what it claims to be: a PDF that pypdf can read and is not
encrypted, an image Pillow can verify within a pixel limit (decompression bombs are refused), or a Word
document whose zip holds no macros, no paths outside the archive and nothing that expands out of proportion.
The size limit is also enforced before the body is buffered, by the upload route's body limit.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

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


def check_upload(filename: str, data: bytes, *, max_bytes: int) -> CheckedUpload:
    """Accept `data` as an attachment or raise `UploadRefused` with a message for the error summary."""
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


def _check_image(data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise UploadRefused("The selected image is too large: it must be under 50 megapixels")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UploadRefused("The selected image is too large: it must be under 50 megapixels") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused("The selected image is damaged and cannot be opened") from exc


def _check_docx(data: bytes) -> None:
    damaged = UploadRefused("The selected Word document is damaged and cannot be opened")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise damaged from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise damaged
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise UploadRefused("The selected file is not a Word document")
    expanded = 0
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in entry.filename:
            raise damaged
        if entry.filename.lower().endswith(("vbaproject.bin", "vbadata.xml")):
            raise UploadRefused(
                "The selected Word document contains macros. Save it as a .docx without macros"
            )
        expanded += entry.file_size
        if entry.file_size > 1_000_000 and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise damaged
    if expanded > MAX_ZIP_EXPANDED:
        raise damaged


_CONTENT_CHECKS = {
    "pdf": _check_pdf,
    "png": _check_image,
    "jpg": _check_image,
    "jpeg": _check_image,
    "docx": _check_docx,
}
