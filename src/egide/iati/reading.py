"""Reading many IATI files, in this process or in several: each file parsed and filtered by a reader, the kept
activities handed to the one process that writes, in the files' stable order (two runs give the same database). A
file remembered as imported clean and unchanged since (egide.iati.importer.unchanged_file) is not read: the writer
checks it again when its turn comes, and reads it itself if an earlier file of the run has changed it."""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from egide.iati.importer import Filters, file_digest
from egide.iati.parser import Codelists, MalformedFile, Unchanged, built_in_codelists, read_activities_since
from egide.iati.records import Activity


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
    codes = codes or built_in_codelists()
    result = ReadFile(path, digest=file_digest(path, filters, codes))
    try:
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
