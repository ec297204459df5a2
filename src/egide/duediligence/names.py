"""People's names folded for the search: one spelling for the many a name is written in.

Pure Python, no database. A name is transliterated to Latin letters (anyascii: Cyrillic, Arabic, Greek, Chinese
and the rest, by published rules rather than tables of our own), lower-cased, its accents dropped with the rest of
the transliteration, and every run of punctuation and spaces made one space, so that "Élodie  O'Brien-Testperson"
and "elodie obrien testperson" are one text for the trigram comparison.

Transliterations of one name differ mostly in their vowels and doubled letters (Mohamed, Muhammad, Mohammed), so
each name is kept a second time as its consonant skeleton (each word's first letter, then its consonants, a
doubled letter written once: "mhmd" for all three), and a query is compared in both forms.
"""

import re
import unicodedata

from anyascii import anyascii

SEPARATOR = "\n"
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""The characters that change how a text is shown without being seen: zero-width spaces and joiners, direction
marks, embeddings, overrides and isolates, the byte-order mark."""
JOINERS = frozenset("\u200c\u200d")
"""The zero-width non-joiner and joiner, which Persian, Kurdish and the Indic scripts write between two letters of
a word (نمونه‌زاده: the non-joiner keeps the two parts of the word apart without a space): allowed there only."""
NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
APOSTROPHES = re.compile(r"['’ʼʻ`´]")


def _letter(character: str) -> bool:
    return unicodedata.category(character).startswith("L")


def _mark(character: str) -> bool:
    return unicodedata.category(character).startswith("M")


def _joining(name: str, index: int) -> bool:
    """Whether the joiner at `index` stands between two letters: a letter (or a letter's combining mark, such as
    the virama before a joiner in Devanagari) before it, a letter after it."""
    if name[index] not in JOINERS or index == 0 or index == len(name) - 1:
        return False
    before, after = name[index - 1], name[index + 1]
    return (_letter(before) or _mark(before)) and _letter(after)


def invisible_character(name: str) -> str | None:
    """The first invisible character of the name (`INVISIBLE`) that has no place there, or None: such a character
    can reverse how a name reads, or make two spellings that look the same differ. A zero-width non-joiner or joiner
    between two letters is part of the spelling (`JOINERS`); anywhere else (at an end, doubled, beside a space or a
    digit) it is refused like the others."""
    for found in INVISIBLE.finditer(name):
        if not _joining(name, found.start()):
            return found.group()
    return None


JOINERS_REMOVED = str.maketrans(dict.fromkeys(map(ord, JOINERS)))


def fold(name: str) -> str:
    """The name as the search compares it: Latin letters and digits, lower case, words separated by one space. The
    joiners are dropped first: a name typed with or without them is one name."""
    latin = anyascii(unicodedata.normalize("NFKC", name.translate(JOINERS_REMOVED)))
    # An apostrophe joins ("O'Brien" is "obrien"), other punctuation separates ("Ould-Testperson").
    joined = APOSTROPHES.sub("", latin.lower())
    return NOT_LETTER_OR_DIGIT.sub(" ", joined).strip()


VOWELS = frozenset("aeiouy")
REPEATED = re.compile(r"(.)\1+")


def skeleton(text: str) -> str:
    """The folded text's consonant skeleton: in each word, its first letter and its other consonants, each run of
    one letter written once."""
    shapes = []
    for word in fold(text).split():
        shape = word[0] + "".join(letter for letter in word[1:] if letter not in VOWELS)
        shapes.append(REPEATED.sub(r"\1", shape))
    return " ".join(shapes)


def search_forms(text: str) -> list[str]:
    """The forms in which a query is compared: folded, and its skeleton when that differs."""
    folded = fold(text)
    if not folded:
        return []
    shape = skeleton(folded)
    return [folded] if shape == folded or len(shape) < 2 else [folded, shape]


def search_text(names: list[str]) -> str:
    """What a person's `search_names` holds: each distinct folded name, in the order given, one per line, then
    their skeletons."""
    folded: list[str] = []
    for name in names:
        text = fold(name)
        if text and text not in folded:
            folded.append(text)
    shapes = [shape for shape in (skeleton(text) for text in folded) if len(shape) >= 2 and shape not in folded]
    return SEPARATOR.join(folded + list(dict.fromkeys(shapes)))


def words(text: str) -> list[str]:
    return fold(text).split()


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a text (each word padded with two spaces before and one after), so that the SQLite
    ranking agrees with PostgreSQL's `similarity` on what is close."""
    grams: set[str] = set()
    for word in fold(text).split():
        padded = f"  {word} "
        grams.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return grams


def similarity(left: str, right: str) -> float:
    """pg_trgm's similarity: the trigrams both texts share over all the trigrams of either (0 to 1)."""
    first, second = trigrams(left), trigrams(right)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _windows(line: str, size: int) -> list[str]:
    """The line, and each run of `size` consecutive words of it."""
    words = line.split()
    return [line] + [" ".join(words[start : start + size]) for start in range(max(len(words) - size + 1, 0))]


def _word_average(form: str, lines: list[str]) -> float:
    """How close each word of the query comes to some word of the names, on average: "Mohammed Testperson" is
    close to "Mohamed Exemplar Testperson" although another word stands between the two."""
    query_words = form.split()
    name_words = {word for line in lines for word in line.split()}
    if not query_words or not name_words:
        return 0.0
    return sum(max(similarity(word, other) for other in name_words) for word in query_words) / len(query_words)


def rank(query: str, names: str) -> float:
    """The search's score of a person for a query, from 0 to 1: the best of `best_similarity` and the average
    closeness of the query's words, in either form. Both databases rank by it (PostgreSQL after its index has
    found the candidates)."""
    lines = [line for line in names.split(SEPARATOR) if line]
    forms = search_forms(query)
    if not lines or not forms:
        return 0.0
    return max(best_similarity(query, names), *(_word_average(form, lines) for form in forms))


def best_similarity(query: str, names: str) -> float:
    """How close the query, in each of its forms, comes to a person's folded names and skeletons (`search_names`,
    one per line), compared with each whole name and each run of as many words as the query has (so that
    "Muhammad" is compared with "mhmd", not diluted by the surname beside it; pg_trgm's `word_similarity` does the
    same on PostgreSQL): the ranking of the search on SQLite, from 0 to 1."""
    lines = [line for line in names.split(SEPARATOR) if line]
    forms = search_forms(query)
    if not lines or not forms:
        return 0.0
    return max(
        similarity(form, window) for form in forms for line in lines for window in _windows(line, len(form.split()))
    )
