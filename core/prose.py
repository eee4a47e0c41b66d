"""Text as people wrote it, shown with its shape: paragraphs (a blank line between them), line
breaks, bulleted lists (lines starting "-", "*", "•", "–" or Word's pasted bullet) and numbered
or lettered lists ("1.", "2)", "(a)", "b)", "(iv)"). Everything is escaped: no HTML a user
typed is ever rendered; the only markup is ours.

`blocks` reads the shape; `prose_html` renders it with GOV.UK classes. Plain-text outputs
(emails, CSV and Excel) keep the text exactly as written, which already has its shape."""

import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*(?:[-*•‣▪◦–—]|\uf0b7)\s+(?P<text>\S.*)$")
_NUMBER = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+(?P<text>\S.*)$")
_LETTER = re.compile(r"^\s*(?P<marker>\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})\))\s+(?P<text>\S.*)$")


@dataclass
class Block:
    kind: str  # "p", "ul", "ol" (numbered) or "ol-marked" (letters kept as written)
    lines: list[str] = field(default_factory=list)
    start: int = 1


def _list_line(line: str) -> tuple[str, str, int] | None:
    if match := _BULLET.match(line):
        return "ul", match["text"], 1
    if match := _NUMBER.match(line):
        return "ol", match["text"], int(match["n"])
    if match := _LETTER.match(line):
        return "ol-marked", f"{match['marker']} {match['text']}", 1
    return None


def blocks(text: str) -> list[Block]:
    """The paragraphs and lists of a text, in order."""
    found: list[Block] = []
    current: Block | None = None
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        item = _list_line(line)
        if item is not None:
            kind, content, number = item
            if current is None or current.kind != kind:
                current = Block(kind, start=number)
                found.append(current)
            current.lines.append(content)
        elif current is not None and current.kind != "p" and raw[:1].isspace():
            current.lines[-1] += "\n" + line.strip()  # an indented continuation of a list item
        else:
            if current is None or current.kind != "p":
                current = Block("p")
                found.append(current)
            current.lines.append(line.strip())
    return found


def _lines(text: str) -> SafeString:
    return mark_safe("<br>".join(format_html("{}", part) for part in text.split("\n")))  # noqa: S308 - each part escaped


def prose_html(text: str, *, size: str = "") -> SafeString:
    """The text as GOV.UK paragraphs and lists. `size`: "" (body), "l" (lead) or "s" (small)."""
    body = f"govuk-body-{size}" if size else "govuk-body"
    list_size = f" {body}" if size else ""  # a list is body size already
    parts = []
    for block in blocks(text):
        if block.kind == "p":
            parts.append(format_html('<p class="{}">{}</p>', body, _lines("\n".join(block.lines))))
            continue
        items = format_html_join("", "<li>{}</li>", ((_lines(line),) for line in block.lines))
        if block.kind == "ul":
            parts.append(format_html('<ul class="govuk-list govuk-list--bullet{}">{}</ul>', list_size, items))
        elif block.kind == "ol":
            start = format_html(' start="{}"', block.start) if block.start != 1 else ""
            parts.append(format_html('<ol class="govuk-list govuk-list--number{}"{}>{}</ol>', list_size, start, items))
        else:
            parts.append(format_html('<ol class="govuk-list{}">{}</ol>', list_size, items))
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html
