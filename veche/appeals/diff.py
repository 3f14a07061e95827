"""Word-level difference between two revisions: marked-up pieces for the template, and how much
of the text a revision changed (which decides whether signatures stay with it)."""

import difflib
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import localize

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added", "removed"
    text: str


def diff_words(old: str, new: str) -> list[Piece]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[Piece] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[b1:b2])))
    return pieces


def changed_share(old: str, new: str) -> float:
    """The share of words changed between two texts, from 0 (same words) to 1 (none kept): the
    words removed from the old text or added in the new, over the words of the longer one.
    Whitespace and line breaks do not count, so re-wrapping a paragraph changes nothing. Two
    empty texts are the same; an empty and a non-empty one differ entirely."""
    a, b = old.split(), new.split()
    longer = max(len(a), len(b))
    if not longer:
        return 0.0
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    changed = 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            # A replaced word is one change, not a removal and an addition.
            changed += max(a2 - a1, b2 - b1)
    return min(1.0, changed / longer)


def is_minor(old: str, new: str) -> bool:
    """Whether a new text may keep the signatures given to the old one (`is_minor_share`)."""
    return is_minor_share(changed_share(old, new))


def is_minor_share(share: float) -> bool:
    """A change of no more than `VECHE_MINOR_EDIT_MAX_SHARE` of the words may be minor. The
    author's word alone does not make it so: "fix the potholes" rewritten into "demolish the
    park" is a change of substance whatever the author ticks."""
    return share <= settings.VECHE_MINOR_EDIT_MAX_SHARE


def percent(share: float) -> str:
    """A share as a percentage for a sentence, in the active language's numbers: 0.1 is "10",
    0.125 is "12.5" ("12,5" in Russian)."""
    value = round(share * 100, 1)
    return localize(int(value) if value == int(value) else value)
