"""What the `import` subcommands of the command line share: the country argument, the file, and the answer to a
file that is refused or rejected (each problem on standard error, named by table, row and column)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper

from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import countries

ERROR = 2
"""The exit status of a command that could not read what it was given (a rejected file exits with 1)."""


def country_code(code: str) -> str:
    code = code.upper()
    if code not in countries():
        raise CommandError(f"“{code}” is not a country code (ISO 3166-1 alpha-2, or XK)", returncode=ERROR)
    return code


def file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}", returncode=ERROR) from None


@contextmanager
def import_errors(stderr: OutputWrapper, filename: str) -> Iterator[None]:
    """Turn a file refused or rejected by the import inside into the command's error."""
    try:
        yield
    except FileRefused as error:
        raise CommandError(str(error), returncode=ERROR) from None
    except ImportRejected as rejected:
        for problem in rejected.problems:
            stderr.write(f"{filename}: {problem}")
        if rejected.total > len(rejected.problems):
            stderr.write(f"… and {rejected.total - len(rejected.problems)} more")
        raise CommandError(f"{rejected.total} problem(s) found; nothing was imported", returncode=1) from None
