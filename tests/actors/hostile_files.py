"""Hostile import files, built in memory: the tests refuse them and benchmarks/hostile_imports.py measures them.

Each builder streams what it writes, so that making a file that unpacks to hundreds of megabytes does not need
hundreds of megabytes.
"""

import io
import json
import struct
import zipfile

from openpyxl import Workbook

ACTOR_HEADER = b"reference,kind,name_en,name_fr\n"
ACTOR_ROW = b"POL,police,National Police,Police nationale\n"


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A small ZIP whose actors.csv unpacks to about unpacked_bytes of one repeated row."""
    buffer = io.BytesIO()
    chunk = ACTOR_ROW * (2**20 // len(ACTOR_ROW))
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("actors.csv", "w", force_zip64=True) as member,
    ):
        member.write(ACTOR_HEADER)
        written = len(ACTOR_HEADER)
        while written < unpacked_bytes:
            member.write(chunk)
            written += len(chunk)
    return buffer.getvalue()


def _patch_sizes(data: bytes, declared: int) -> bytes:
    """The same archive with every entry's uncompressed size (local header and central directory) set to declared."""
    patched = bytearray(data)
    position = 0
    while (position := patched.find(b"PK\x03\x04", position)) != -1:
        struct.pack_into("<I", patched, position + 22, declared)
        position += 4
    position = 0
    while (position := patched.find(b"PK\x01\x02", position)) != -1:
        struct.pack_into("<I", patched, position + 24, declared)
        position += 4
    return bytes(patched)


def zip_with_false_size(*, declared: int) -> bytes:
    """A ZIP of one good actors.csv whose headers declare its unpacked size as declared bytes."""
    content = ACTOR_HEADER + ACTOR_ROW + b"GEN,armed_forces,Gendarmerie,Gendarmerie\n" * 200
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actors.csv", content)
    return _patch_sizes(buffer.getvalue(), declared)


def zip_with_members_before_its_start(content: bytes | None = None, *, name: str = "actors.csv") -> bytes:
    """A ZIP whose end record places its directory 16 MiB further than it is: zipfile then reads every member's
    header at a negative position (a damaged or forged archive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, ACTOR_HEADER + ACTOR_ROW if content is None else content)
    patched = bytearray(buffer.getvalue())
    end = patched.rfind(b"PK\x05\x06")
    (directory,) = struct.unpack_from("<I", patched, end + 16)
    struct.pack_into("<I", patched, end + 16, directory + 2**24)
    return bytes(patched)


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _actors_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "actors"
    sheet.append(["reference", "kind", "name_en", "name_fr"])
    sheet.append(["POL", "police", "National Police", "Police nationale"])
    return workbook


def xlsx_far_cells() -> bytes:
    """A tiny workbook whose actors sheet has cells at XFD2 (the last column) and A1048576 (the last row)."""
    workbook = _actors_workbook()
    sheet = workbook["actors"]
    sheet["XFD2"] = "far right"
    sheet["A1048576"] = "far down"
    return _workbook_bytes(workbook)


def xlsx_far_down() -> bytes:
    """A tiny workbook whose actors sheet has one good row, then a cell at A1048576."""
    workbook = _actors_workbook()
    workbook["actors"]["A1048576"] = "far down"
    return _workbook_bytes(workbook)


DTD = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


def xlsx_with_dtd(part: str = "xl/worksheets/sheet1.xml", *, encoding: str = "utf-8") -> bytes:
    """A good workbook with a DTD declaring entities put into one of its XML parts (in the given encoding)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes(_actors_workbook())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                prolog = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'.encode()
                text = (prolog + DTD + content).decode("utf-8")
                content = text.encode(encoding)
            archive.writestr(info.filename, content)
    return buffer.getvalue()


def deeply_nested_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deeply_nested_field(depth: int = 100_000) -> bytes:
    """A map document whose first actor's notes are an array nested depth levels deep."""
    return b'{"actors": [{"reference": "POL", "kind": "police", "notes": ' + deeply_nested_json(depth) + b"}]}"


def json_document(document: object) -> bytes:
    return json.dumps(document).encode()
