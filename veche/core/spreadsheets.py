"""Text bound for a CSV file that someone may open in a spreadsheet."""

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP's "CSV injection"): `=HYPERLINK(…)` in a resident's title would become a live link.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet would run it: the spreadsheet
    then shows it as text (and hides the apostrophe)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
