"""Cells for CSV and Excel files that people open in a spreadsheet program."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Neutralise formula injection (OWASP "CSV injection"): a text cell that a spreadsheet would
    run as a formula is prefixed with an apostrophe, which makes it plain text. Numbers and dates
    pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
