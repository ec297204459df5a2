"""Reading IATI's official codelist files (XML, one list per file) into plain items, so that names stay current.
Pure: no ORM. The platform keeps a built-in minimal set for use offline (core.iati_codes, core.reference)."""

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from egide.iati.parser import MalformedFile

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LARGEST_FILE = 20 * 2**20
"""The official lists are under 2 MB; a larger file is not one of them."""


@dataclass(frozen=True, slots=True)
class CodelistItem:
    code: str
    name_en: str
    name_fr: str
    category: str
    active: bool


@dataclass(frozen=True, slots=True)
class Codelist:
    name: str
    items: tuple[CodelistItem, ...]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def _name(item: etree._Element, language: str) -> str:
    for narrative in item.iterfind("name/narrative"):
        if narrative.get(XML_LANG, "en") == language:
            return " ".join((narrative.text or "").split())
    return ""


def read_codelist(path: Path) -> Codelist:
    """One codelist file. Malformed XML, a DTD, a file too large or one that is not a codelist is refused with
    the file named (and the line where the XML says)."""
    if path.stat().st_size > LARGEST_FILE:
        raise MalformedFile(path.name, None, None, "the file is larger than any IATI codelist")
    try:
        tree = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, None)
        raise MalformedFile(path.name, line, column, error.msg or str(error)) from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise MalformedFile(path.name, None, None, "the file declares a DTD or entities, which imports refuse")
    root = tree.getroot()
    name = (root.get("name") or "").strip()
    if root.tag != "codelist" or not name:
        raise MalformedFile(path.name, root.sourceline, None, "not an IATI codelist: no <codelist name=…> root")
    items = []
    for item in root.iterfind("codelist-items/codelist-item"):
        code = " ".join((item.findtext("code") or "").split())
        if not code:
            continue
        items.append(
            CodelistItem(
                code=code,
                name_en=_name(item, "en"),
                name_fr=_name(item, "fr"),
                category=" ".join((item.findtext("category") or "").split()),
                active=(item.get("status") or "active") == "active",
            )
        )
    return Codelist(name=name, items=tuple(items))


def codelist_files(folder: Path) -> list[Path]:
    """The codelist files of a folder, in a stable order; `mapping.xml` (which element uses which list) is not one."""
    return sorted(path for path in folder.glob("*.xml") if path.name != "mapping.xml")
