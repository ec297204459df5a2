"""Reading many IATI files, in this process or in several: each file parsed and filtered by a reader, the kept
activities handed to the one process that writes, in the files' stable order (two runs give the same database). A
file remembered as imported clean and unchanged since (egide.iati.importer.unchanged_file) is not read: the writer
checks it again when its turn comes, and reads it itself if an earlier file of the run has changed it.

Most files of a registry hold nothing for the chosen sectors. A file in which none of the sector codes is written
anywhere but inside a longer number (checked on its bytes, before any parse) cannot hold an activity the filter
keeps: it is only parsed, to refuse it when it is malformed and to count its activities, each then left out by the
filters, without reading any into records. The check is exact: a code could only hide behind a character reference
for a digit (`&#49;`), which sends the file to the full reading, as does a file in an encoding other than ASCII's
family (UTF-16). An activity of such a file imported before under another filter counts as left out, not as
unchanged: nothing is written either way.
"""

import mmap
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from egide.core.collection import paused_collection
from egide.iati.importer import Filters, file_digest
from egide.iati.parser import Codelists, MalformedFile, Unchanged, built_in_codelists, read_activities_since
from egide.iati.records import Activity

DIGIT_REFERENCE = re.compile(rb"&#(?:[xX]0*3[0-9]|0*(?:4[89]|5[0-7]));")
DTD_REFUSED = "the file declares a DTD or entities, which imports refuse"
WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


@dataclass
class ReadFile:
    path: Path
    activities: list[Activity | Unchanged] = field(default_factory=list)
    read: int = 0
    skipped: int = 0
    refused: str = ""
    digest: str = ""
    """The file's digest (egide.iati.importer.file_digest)."""
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """The (identifier, digest) of each activity the filters left out."""
    remembered: bool = False
    """Not read: remembered as imported clean, and unchanged when the run began."""


def activity_files(paths: list[Path]) -> list[Path]:
    """The XML files named, and those of the folders named (recursively), each once, in a stable order."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(candidate for candidate in path.rglob("*.xml") if candidate.is_file())
        else:
            found.add(path)
    return sorted(found)


def read_file(path: Path, filters: Filters, codes: Codelists | None, known: dict[str, str]) -> ReadFile:
    """One file parsed and filtered: what a reader process returns (a file with nothing kept costs only the
    parse). Activities unchanged since `known` come back as `Unchanged`, which the writer checks again."""
    if not may_hold(path, filters):
        return counted_file(path)
    codes = codes or built_in_codelists()
    result = ReadFile(path, digest=file_digest(path, filters, codes))
    try:
        # The file's activities, kept in memory, hold no reference cycles: see egide.iati.importer.
        with paused_collection():
            for activity in read_activities_since(path, filename=path.name, codes=codes, known=known):
                result.read += 1
                if isinstance(activity, Unchanged):
                    result.activities.append(activity)
                    continue
                if filters.accepts(activity):
                    result.activities.append(activity)
                else:
                    result.skipped += 1
                    result.left_out.append((activity.identifier, activity.digest))
    except MalformedFile as error:
        return ReadFile(path, refused=str(error), read=result.read)
    return result


def counted_file(path: Path) -> ReadFile:
    """A file that holds nothing the filters keep: parsed and counted only, each activity left out."""
    try:
        count = count_activities(path, path.name)
    except MalformedFile as error:
        return ReadFile(path, refused=str(error))
    return ReadFile(path, read=count, skipped=count)


def may_hold(path: Path, filters: Filters) -> bool:
    """False when the file cannot hold an activity of the filter's sectors: none of their codes is written in it
    (see the module's description); True whenever the filter keeps every sector or the bytes cannot tell."""
    if filters.sectors is None or not filters.sectors:
        return True
    with path.open("rb") as handle:
        if not handle.read(1):
            return True  # empty: the parser says why it is refused
        handle.seek(0)
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:2] in WIDE_STARTS:
                return True
            return _written(data, filters.sectors) or DIGIT_REFERENCE.search(data) is not None


DIGITS = frozenset(b"0123456789")


@cache
def _codes_pattern(codes: frozenset[str]) -> re.Pattern[bytes]:
    return re.compile(b"|".join(re.escape(code.encode()) for code in sorted(codes, key=len, reverse=True)))


def _written(data: mmap.mmap, codes: frozenset[str]) -> bool:
    """Whether one of the codes is written in the data other than inside a longer number (an amount, a date, an
    identifier's digits): with anything but a digit on either side, it may be a code attribute's value (the parser
    strips the white space around it)."""
    pattern = _codes_pattern(codes)
    end = len(data)
    match = pattern.search(data)
    while match is not None:
        start, stop = match.span()
        if (start == 0 or data[start - 1] not in DIGITS) and (stop == end or data[stop] not in DIGITS):
            return True
        match = pattern.search(data, start + 1)
    return False


def count_activities(path: Path, name: str) -> int:
    """The file's activities, counted by a bare parse that refuses what the parser refuses (malformed XML, a DTD, a
    root other than `iati-activities`) with the same MalformedFile."""
    count = 0
    seen_root = False
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        tag=("iati-activities", "iati-activity"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    try:
        for event, element in context:
            if event == "start":
                if element.tag == "iati-activities":
                    docinfo = element.getroottree().docinfo
                    if docinfo.internalDTD is not None or docinfo.doctype:
                        raise MalformedFile(
                            name, None, None, "the file declares a DTD or entities, which imports refuse"
                        )
                    seen_root = True
                elif not seen_root:
                    raise MalformedFile(
                        name,
                        element.sourceline,
                        None,
                        f"the document's root is <{element.tag!s}>; an IATI activity file's root is <iati-activities>",
                    )
                continue
            if element.tag != "iati-activity":
                continue
            count += 1
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, None)
        raise MalformedFile(name, line, column, error.msg or str(error)) from None
    if not seen_root:
        raise MalformedFile(name, None, None, "no iati-activities element: this is not an IATI activity file")
    return count


def read_in_parallel(
    paths: list[Path],
    filters: Filters,
    codes: Codelists | None,
    known: dict[str, str],
    jobs: int,
    remembered: frozenset[Path] = frozenset(),
) -> Iterator[ReadFile]:
    """The files read by `jobs` processes, yielded in the order of `paths`; those `remembered` (imported clean and
    unchanged since) are not read."""
    to_read = [path for path in paths if path not in remembered]
    count = len(to_read)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        read = pool.map(read_file, to_read, [filters] * count, [codes] * count, [known] * count, chunksize=1)
        for path in paths:
            yield ReadFile(path, remembered=True) if path in remembered else next(read)
