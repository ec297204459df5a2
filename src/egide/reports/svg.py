"""The small pieces every drawing of a brief is written with: numbers and text made safe for SVG. Pure."""

from html import escape


def number(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text(content: str) -> str:
    return escape(content, quote=True)


def document(width: float, height: float, body: list[str], *, label: str) -> str:
    """A whole drawing: scalable (its width follows the page), named for screen readers, in the page's fonts."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {number(width)} {number(height)}" '
        f'width="{number(width)}" height="{number(height)}" role="img" '
        f'aria-label="{text(label)}" class="brief-chart" font-family="sans-serif">'
        f"<title>{text(label)}</title>{''.join(body)}</svg>"
    )


def label_width(content: str, size: float) -> float:
    """About how wide a label is written in a sans-serif font, enough to place it without measuring it."""
    return len(content) * size * 0.55


def shortened(content: str, size: float, width: float) -> str:
    """The label cut with an ellipsis to fit the width."""
    if label_width(content, size) <= width:
        return content
    keep = max(1, int(width / (size * 0.55)) - 1)
    return content[:keep].rstrip() + "…"
