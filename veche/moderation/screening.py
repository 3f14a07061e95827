"""Screening an appeal for what lets an authority leave it unanswered (59-FZ art. 11).

An appeal without the applicant's surname or an address for the answer, or with obscene words
or threats, may be left without an answer. We find these before the appeal collects signatures,
so that the neighbours' effort is not lost to them.

It lives in moderation because both product apps use it: appeals screen the appeal text, discussions
refuse obscene or threatening submissions with the same word lists (`data/`).
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    blocking: bool = True


@cache
def _patterns(name: str) -> re.Pattern:
    """Word stems from a data file, one a line; a stem matches at the start of a word."""
    stems = [
        line.strip()
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return re.compile(r"(?<![\wё])(?:" + "|".join(map(re.escape, stems)) + r")", re.I | re.U)


def _normalize(text: str) -> str:
    # Letters people swap to dodge filters: Latin look-alikes and ё.
    return text.lower().translate(str.maketrans("aeopcxyё", "аеорсхуе"))


def is_obscene(text: str) -> bool:
    return bool(_patterns("obscene_ru.txt").search(_normalize(text)))


def is_threatening(text: str) -> bool:
    return bool(_patterns("threats_ru.txt").search(_normalize(text)))


def screen(*, text: str, title: str, author) -> list[Finding]:
    findings: list[Finding] = []
    if not author.last_name or not author.first_name:
        findings.append(
            Finding(
                "no_name",
                _(
                    "An appeal without the applicant's surname and name may be left unanswered. "
                    "Confirm your identity or add your name in your profile."
                ),
            )
        )
    if not author.email:
        findings.append(
            Finding("no_address", _("An appeal needs a postal or e-mail address for the answer."))
        )
    content = f"{title}\n{text}"
    if is_obscene(content):
        findings.append(
            Finding(
                "obscene",
                _(
                    "The text contains obscene words. "
                    "An authority may leave such an appeal unanswered; please rephrase it."
                ),
            )
        )
    if is_threatening(content):
        findings.append(
            Finding(
                "threat",
                _(
                    "The text reads as a threat. "
                    "An authority may leave such an appeal unanswered and report it; "
                    "please rephrase it."
                ),
            )
        )
    if len(text.strip()) < 50:
        findings.append(
            Finding(
                "too_short",
                _(
                    "The appeal is very short. "
                    "Describe the problem and what you ask the organization to do."
                ),
                blocking=False,
            )
        )
    return findings
