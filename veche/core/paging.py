"""Page numbers from the address (`?page=`): a forged one is the first page or a 404, never a
server error."""

from django.http import Http404

# Deeper than any list a person pages through; a deeper offset only loads the database (or
# overflows its integers, a server error).
MAX_PAGE = 10_000


def page_number(value) -> int:
    """The page asked for: 1 when absent or not a positive number; past MAX_PAGE, a 404, as
    any page past the end of a list."""
    if not isinstance(value, str) or not value.isascii() or not value.isdecimal():
        return 1
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(MAX_PAGE)) or int(digits) > MAX_PAGE:
        raise Http404
    return max(1, int(digits))
