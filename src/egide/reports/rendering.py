"""A brief's content written out: the HTML of the brief (shown on its page), the whole HTML document (the file
downloaded, and what the PDF is printed from) and the PDF. The PDF is printed by WeasyPrint, which fetches
nothing: every drawing is inline SVG, the logo a data: address and the stylesheet inside the document."""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from egide.reports.content import BriefContent

STYLESHEET = "reports/brief.css"


@cache
def stylesheet() -> str:
    found = finders.find(STYLESHEET)
    path = Path(found if isinstance(found, str) else str(Path(__file__).parent / "static" / STYLESHEET))
    return path.read_text(encoding="utf-8")


def brief_html(content: BriefContent) -> SafeString:
    """The brief as the page shows it: an <article>, every value escaped, the drawings as they were made."""
    return mark_safe(render_to_string("reports/_brief.html", {"brief": content}))


def brief_document(*, body: str, language: str, title: str) -> str:
    """The whole document around the brief's HTML (as `brief_html` wrote it), its stylesheet inside it."""
    return render_to_string(
        "reports/brief_document.html",
        {"language": language, "title": title, "body": mark_safe(body), "stylesheet": mark_safe(stylesheet())},
    )


def brief_pdf(document: str) -> bytes:
    """The document printed to PDF; nothing is fetched from the network or the disk, data: addresses aside."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=document, base_url="data:,", url_fetcher=fetcher).write_pdf()
    return pdf
