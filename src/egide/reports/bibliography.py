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
    """The references of a statement as its readers see them: "[1, 3]"; nothing when it cites nothing."""
    unique = sorted(set(numbers))
    return f"[{', '.join(str(number) for number in unique)}]" if unique else ""
