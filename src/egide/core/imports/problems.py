"""Problems found in an imported file, counted all but kept to a page, and the refusal that carries them."""

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """What is wrong and where: a table's row and column, or (for a document read by lines) a file's line and the
    element or key at fault."""

    table: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}, row {self.row}, {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file has problems; none of it was written.

    `problems` holds the first ones found (at most EGIDE_IMPORT_MAX_PROBLEMS), `total` counts them all, so that a
    file with millions of faults is reported in a page of bounded size.
    """

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.total = len(problems) if total is None else total
        super().__init__(f"{self.total} problem(s); nothing was imported")
        self.problems = problems

    @property
    def shown(self) -> int:
        return len(self.problems)


@dataclass(slots=True)
class Problems:
    """Every problem of one import: all are counted, the first `limit` kept for the report."""

    limit: int = 1_000
    total: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    def add(self, problem: ImportProblem) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)

    def at(self, table: str, row: int, column: str, message: str) -> None:
        self.add(ImportProblem(table, row, column, message))

    def rejected(self) -> ImportRejected:
        return ImportRejected(sorted(self.problems, key=lambda problem: (problem.table, problem.row)), self.total)

    def raise_if_any(self) -> None:
        """Refuse the import when anything was found; inside the import's transaction, this undoes its writes."""
        if self.total:
            raise self.rejected()


@dataclass(slots=True)
class ImportReport:
    """What an import did, as counts named `<records>_<outcome>`; an import defines its own as a subclass."""

    @property
    def changed(self) -> bool:
        return any(value for name, value in dataclasses.asdict(self).items() if not name.endswith("_unchanged"))
