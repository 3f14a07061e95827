"""How the letters test reads a letter: the letter templates found in the apps, the flaws a letter
must not have, and what a case is."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from veche.accounts.models import User

VECHE = Path(__file__).resolve().parent.parent / "veche"
LANGUAGES = ("en", "ru")


def letter_templates() -> set[str]:
    """The template names of every letter in the apps."""
    found = set()
    for path in VECHE.glob("**/templates/**/*"):
        if not path.is_file():
            continue
        name = path.relative_to(next(p for p in path.parents if p.name == "templates")).as_posix()
        folders = set(Path(name).parts[:-1])
        if path.suffix == ".txt" or folders & {"email", "notices"} or name.startswith("account/"):
            found.add(name)
    return found


# --- What a letter must not say ---------------------------------------------------------------

FLAWS = {
    "empty quotes": re.compile(r"«\s*»|“\s*”|„\s*“|\"\s*\"|\(\s*\)"),
    "unrendered template": re.compile(r"{{|}}|{%|%}|{#|#}"),
    "None": re.compile(r"\bNone\b"),
    "unformatted placeholder": re.compile(r"%\(\w+\)[sd]|%s\b"),
    "doubled full stop": re.compile(r"(?<!\.)\.\.(?!\.)|г\.\."),
    "number without a number": re.compile(r"(№|No\.)[ \t]*(?=[,.:;)]|$)", re.M),
    # An included text that ends with a line break splits the paragraph it is part of.
    "paragraph broken by a line break": re.compile(r"[.!?]\n [^\s-]"),
}
URL_OR_ADDRESS = re.compile(r"https?://\S+|\S+@\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\b")
# Latin words a Russian letter may carry: formats of the documents it names.
LATIN_ALLOWED = {"PDF", "DOCX"}
# A mail server's refusal, which the operators' notice quotes as it came.
REFUSAL = ConnectionRefusedError(111, "Connection refused")
REFUSAL_TEXT = f"{type(REFUSAL).__name__}: {REFUSAL}"
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]+\b")


def flaws_of(text: str, language: str) -> list[str]:
    found = [f"{flaw}: {m.group(0)!r}" for flaw, rx in FLAWS.items() for m in rx.finditer(text)]
    if not text.strip():
        found.append("empty")
    if language == "ru":
        words = LATIN_WORD.findall(URL_OR_ADDRESS.sub(" ", text.replace(REFUSAL_TEXT, " ")))
        found += [f"English in Russian: {w!r}" for w in words if w.strip("-") not in LATIN_ALLOWED]
    return found


def everyone_speaks(language: str) -> None:
    User.objects.update(preferred_language=language)


# --- Cases: each drives the services and says what its letters must name ----------------------

# A case runs in one language (every person reads it; the site's language too); it returns, for
# each template it declares, the words every rendering of that template must contain.
Names = dict[str, list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    templates: tuple[str, ...]
    # → the names, and the title every letter names (or one of the titles)
    run: Callable[[str, Callable], tuple[Names, str | tuple[str, ...]]]


NOTICE_MAIL = "notifications/email/notice.txt"
ANSWER_TEXT = "Ремонт двора включён в план работ на май, подрядчик уже выбран."
REASON = "Двор относится к ведению управы района, а не исполкома."
