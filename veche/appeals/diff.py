"""Word-level difference between two revisions, as marked-up pieces for the template."""

import difflib
import re
from dataclasses import dataclass

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
