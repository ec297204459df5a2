"""Reading ZIP archives (a ZIP of CSV files, an XLSX workbook) without trusting what they declare, and refusing XML
that declares a DTD or entities."""

import io
import zipfile
import zlib
from typing import IO

from django.utils.translation import gettext as _

from egide.core.imports.limits import FileRefused, ReadLimits

# What a DTD or an entity declaration starts with, in the encodings an XML part may use.
DTD_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_SCAN_CHUNK = 2**20

# What unpacking a damaged or forged archive member raises: a wrong checksum, a stream cut short, bad deflate
# data, an unsupported compression or an encrypted member.
ARCHIVE_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError, RuntimeError)


def damaged(where: str) -> FileRefused:
    return FileRefused(
        _(
            "%(where)s: the archive is damaged: this file's content does not match the size or checksum "
            "the archive declares."
        )
        % {"where": where}
    )


def _too_big(where: str, limits: ReadLimits) -> FileRefused:
    return FileRefused(
        _("%(where)s: the archive unpacks to more than %(size)s MB, the most an import may unpack.")
        % {"where": where, "size": limits.unpacked_bytes // 2**20}
    )


class Budget:
    """The bytes still allowed out of one archive, counted as they are really unpacked (not as declared)."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.left = limits.unpacked_bytes

    def spend(self, size: int, where: str) -> None:
        self.left -= size
        if self.left < 0:
            raise _too_big(where, self.limits)


def check_declared_sizes(archive: zipfile.ZipFile, filename: str, limits: ReadLimits) -> None:
    """Refuse at once what the archive itself declares too big; what it unpacks to is counted again as it is read."""
    if sum(member.file_size for member in archive.infolist()) > limits.unpacked_bytes:
        raise _too_big(filename, limits)


def open_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> IO[bytes]:
    """archive.open(member), refused as damaged when the archive's directory places the member before the archive's
    start (its offsets forged or corrupted): zipfile then seeks to a negative position, a ValueError that the
    reading around it must not take for one of its own refusals (FileRefused is a ValueError too)."""
    try:
        return archive.open(member)
    except ValueError as error:
        raise damaged(where) from error


def open_archive(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FileRefused(_("%(file)s: not a valid ZIP file") % {"file": filename}) from error


def refuse_dtd(chunk: bytes, filename: str, part: str) -> None:
    """Refuse XML that declares a DTD or entities: no document an import reads needs them, and a parser that
    expanded them could be made to read files or take all memory."""
    if any(marker in chunk for marker in DTD_MARKERS):
        raise FileRefused(
            _("%(file)s: the part %(part)s declares a DTD or entities, which imports refuse.")
            % {"file": filename, "part": part}
        )


def scan_parts(archive: zipfile.ZipFile, filename: str, limits: ReadLimits) -> dict[str, int]:
    """Read every part once, counting what it really unpacks to, and refuse any part with a DTD or entities.

    Returns each part's real size. A damaged part, or one whose size differs from what the archive declares, is
    refused.
    """
    check_declared_sizes(archive, filename, limits)
    budget = Budget(limits)
    overlap = max(map(len, DTD_MARKERS))
    sizes: dict[str, int] = {}
    for member in archive.infolist():
        where = f"{filename}:{member.filename}"
        size = 0
        tail = b""
        try:
            with open_member(archive, member, where) as stream:
                while chunk := stream.read(_SCAN_CHUNK):
                    budget.spend(len(chunk), filename)
                    size += len(chunk)
                    window = tail + chunk
                    refuse_dtd(window, filename, member.filename)
                    tail = window[-overlap:]
        except ARCHIVE_ERRORS as error:
            raise damaged(where) from error
        if size != member.file_size:
            raise damaged(where)
        sizes[member.filename] = size
    return sizes
