"""The numbered bibliography of a brief: each source gets a number the first time a statement cites it, and the
statements carry those numbers. Pure."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Entry:
    number: int
    text: str
    url: str = ""


@dataclass
class Bibliography:
    """Sources in order of first citation. `cite` gives the number of a source (by a key that says which one it
    is), adding it when new."""

    entries: list[Entry] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, key: str, text: str, url: str = "") -> int:
        number = self._numbers.get(key)
        if number is None:
            number = len(self.entries) + 1
            self._numbers[key] = number
            self.entries.append(Entry(number=number, text=text, url=url))
        return number


def markers(numbers: list[int] | tuple[int, ...]) -> str:
    """The references of a statement as its readers see them: "[1, 3]", three or more numbers in a row as a range
    ("[1–4, 7]"); nothing when it cites nothing."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}\u2013{run[-1]}")
        else:
            parts.extend(str(number) for number in run)
    return f"[{', '.join(parts)}]" if parts else ""
