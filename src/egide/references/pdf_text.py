"""An uploaded PDF checked and read for the full-text search: pure, no ORM.

The file is refused (PdfRefused, with a message for the person who sent it) when it is too large, when it does not
start like a PDF (its content is checked, not its name or declared type), or when the PDF library cannot read it.
Its text is read page by page within caps on pages, characters and seconds, so that a large or crafted file costs
a bounded amount of memory and time; what lies beyond the caps is simply not searchable.
"""

import io
import logging
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

logger = logging.getLogger("egide.references")

SIGNATURE = b"%PDF-"
SIGNATURE_WINDOW = 1024
"""The PDF standard lets the header start anywhere in the first 1,024 bytes."""


class PdfRefused(ValueError):
    """The file is not accepted; the message says why, in the reader's language."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_pages: int
    max_characters: int
    max_seconds: float


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str
    pages: int
    """How many pages the file has."""
    complete: bool
    """False when a cap stopped the reading before the end."""


def check_signature(head: bytes) -> None:
    if SIGNATURE not in head[:SIGNATURE_WINDOW]:
        raise PdfRefused(_("The file is not a PDF: its content does not start with the PDF signature."))


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise PdfRefused(
            _("The file is larger than %(size)s MB, the largest accepted.") % {"size": limits.max_bytes // 2**20}
        )


def read_pdf(content: bytes, limits: Limits) -> PdfText:
    """The text of the PDF in `content`, within `limits`; PdfRefused when it is not an acceptable PDF."""
    from pypdf import PdfReader  # imported here: only uploads need it

    check_size(len(content), limits)
    check_signature(content)
    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfRefused(_("The PDF is protected by a password: upload a copy without one."))
        page_count = len(reader.pages)
        parts: list[str] = []
        length, complete = 0, True
        for number, page in enumerate(reader.pages):
            if number >= limits.max_pages or time.monotonic() - started > limits.max_seconds:
                complete = False
                break
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length >= limits.max_characters:
                complete = number + 1 == page_count
                break
    except PdfRefused:
        raise
    except Exception as error:  # a crafted or broken file can fail anywhere inside the library
        logger.info("PDF refused: %s", error)
        raise PdfRefused(_("The file could not be read as a PDF: it is damaged or not a PDF.")) from None
    text = " ".join(" ".join(parts).split())[: limits.max_characters]
    return PdfText(text=text, pages=page_count, complete=complete)
