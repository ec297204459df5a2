"""The evidence document attached to an update: checked by its name, its size and its first bytes, so that a file
renamed to look like a PDF is refused. Pure: a name, a size and a few bytes in, a message out."""

from django.utils.translation import gettext as _

# What each accepted type's file starts with; the office formats are ZIP archives.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
HEAD_BYTES = 8


def problem(*, name: str, size: int, head: bytes, max_bytes: int) -> str | None:
    """Why the document is refused, or None when it may be kept."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        return _("Upload a document of one of these types: %(types)s.") % {"types": ", ".join(sorted(SIGNATURES))}
    if size > max_bytes:
        return _("The document is larger than %(size)s MB.") % {"size": max_bytes // 2**20}
    if not head.startswith(SIGNATURES[extension]):
        return _("The document's content is not a %(type)s file.") % {"type": extension.upper()}
    return None
