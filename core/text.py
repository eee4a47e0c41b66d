"""The one text policy: what the service accepts as text from a form, an imported file or a query,
and how stored text is made safe for a file format on the way out.

On the way in (`text_clean`), every piece of text:
1. is normalised to Unicode NFC (an "é" typed as e + combining accent is stored as one "é");
2. has its line breaks made plain: Windows (CR LF) and old Mac (CR) line ends, the vertical tab
   and form feed (what Word puts on the clipboard for a manual line or page break), and the
   Unicode line and paragraph separators all become one line feed;
3. loses every other control character (C0 and C1 controls, DEL, surrogates and non-characters):
   they are invisible, so there is nothing the user could see to correct;
4. is trimmed of spaces and invisible characters at both ends, and counts as empty when nothing
   visible is left (zero-width spaces, joiners, byte-order marks, lone combining marks...), so a
   required field refuses it with its own "Enter ..." message;
5. is refused, with a message naming the field, when it is one-line text (a reference, a name, a
   title, an email address) with a line break in it, or when it is longer than its limit.
   Tabs are kept in multi-line text and become spaces in one-line text.

Files are stricter (`control_character`): an imported file with a control character in a cell is
refused, saying which row and column, because the file is the source and should be put right.

On the way out, `core.spreadsheets` removes what a format cannot hold (see there).
"""

import re
import unicodedata

# Multi-line text: progress updates, notes, reasons, a finding's text (a long report paragraph).
LONG_TEXT_MAX = 20_000
# One-line text without a limit of its own (the model field's max_length is used when there is one).
SHORT_TEXT_MAX = 300

LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters other than tab and line feed (line breaks are made plain first), surrogates
# and the non-characters of the Basic Multilingual Plane.
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# Characters that show nothing on their own, beyond what str.isspace() knows.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})


class TextRefused(ValueError):
    """The text cannot be accepted; str(error) is the message for the user, naming the field."""


def is_invisible(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE_EXTRA or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def is_blank(text: str) -> bool:
    """Nothing visible: empty, or only spaces and invisible characters."""
    return all(is_invisible(char) for char in text)


def _bounds(text: str) -> tuple[int, int]:
    """Where the visible text starts and ends."""
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return start, end


def _trim(text: str) -> str:
    start, end = _bounds(text)
    return text[start:end]


def describe(char: str) -> str:
    """A character as people can read it: "U+0007 (BEL)"."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = _CONTROL_NAMES.get(ord(char), "a control character")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def control_character(text: str) -> str | None:
    """The first control character in `text` that no line break or tab explains, or None."""
    match = CONTROL_RE.search(LINE_BREAK_RE.sub("\n", text))
    return match.group() if match else None


# Anything `printable` would change: a line break other than LF, or a control character. One
# character class (CR LF starts with CR), which the regular-expression engine scans fastest.
NOT_PRINTABLE_RE = re.compile(f"[\r\x0b\x0c\x85\u2028\u2029{CONTROL_RE.pattern[1:-1]}]")


def printable(text: str) -> str:
    """Stored text as a file or feed can hold it, on the way out: plain line breaks, no other
    control characters (an XML document, so an Excel file or an Atom feed, cannot hold them)."""
    if NOT_PRINTABLE_RE.search(text) is None:
        return text
    return CONTROL_RE.sub("", LINE_BREAK_RE.sub("\n", text))


def normalise(text: str) -> str:
    """Steps 1 to 3 of the policy: NFC, plain line breaks, no other control characters."""
    text = unicodedata.normalize("NFC", text)
    text = LINE_BREAK_RE.sub("\n", text)
    return CONTROL_RE.sub("", text)


def text_clean(text: str, *, label: str, max_length: int, multiline: bool, trim: bool = True) -> str:
    """The text as it will be stored, "" when nothing visible is left, or TextRefused.

    `trim=False` keeps what surrounds the visible text exactly as it came (a leading tab or
    carriage return included): the import checks a cell's first character for a formula after
    this, and a cell that starts with one is refused there rather than quietly changed."""
    if trim:
        text = trimmed = _trim(normalise(text))
    else:
        text = unicodedata.normalize("NFC", text)
        start, end = _bounds(text)
        trimmed = normalise(text[start:end])
        text = text[:start] + trimmed + text[end:]
    if not trimmed:
        return ""
    if not multiline:
        if "\n" in trimmed:
            raise TextRefused(f"{label} must be on one line: remove the line break")
        if trim:
            text = text.replace("\t", " ")
    if len(trimmed) > max_length:
        raise TextRefused(f"{label} must be {max_length:,} characters or fewer (it has {len(trimmed):,})")
    return text


def single_line(text: str, *, max_length: int | None = None) -> str:
    """Stored text for a place that takes one line and refuses nothing (an email's subject): every
    line break, tab and control character becomes a space, runs of spaces become one."""
    text = " ".join(CONTROL_RE.sub(" ", LINE_BREAK_RE.sub(" ", text)).split())
    return text[:max_length] if max_length is not None else text
