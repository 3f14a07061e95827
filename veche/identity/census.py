"""Census lists: parse an uploaded CSV strictly, keep identifiers only as keyed hashes.

A file is all or nothing: every bad line is reported with its number and nothing is written.
"""

import csv
import datetime
import hashlib
import hmac
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from veche.territories.models import Territory

REQUIRED_COLUMNS = ("identifier", "birthdate")
OPTIONAL_COLUMNS = ("territory", "address")
MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
# The longest cell Python's csv reads (its own limit): a longer one is a broken file.
MAX_CELL = csv.field_size_limit()


class CensusFileError(Exception):
    """The file cannot be imported; `errors` says why, line by line."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CensusRow:
    line: int
    identifier_hash: str
    birthdate: datetime.date
    territory: Territory
    address: str


def normalize_identifier(raw: str) -> str:
    """Passport or other number as people type it: spaces, dashes and case do not matter."""
    return re.sub(r"[\s\-–—]", "", raw).upper()


def hash_identifier(raw: str) -> str:
    """Keyed hash: without the key, a leaked table gives no identifiers, not even by guessing."""
    key = (settings.VECHE_CENSUS_KEY or settings.SECRET_KEY).encode()
    message = b"veche.census:" + normalize_identifier(raw).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def parse_birthdate(raw: str) -> datetime.date:
    raw = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)


def parse_census(content: bytes, territory: Territory) -> list[CensusRow]:
    """The rows of a census file, or CensusFileError listing every problem."""
    if len(content) > MAX_BYTES:
        raise CensusFileError(
            [_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CensusFileError(
            [
                _(
                    "The file is not in UTF-8 (a wrong byte at position %(position)s). Save it as "
                    "“CSV UTF-8” and upload it again."
                )
                % {"position": error.start}
            ]
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if "\x00" in text:
        # Never a character of a name or an address; PostgreSQL stores none in text.
        raise CensusFileError([_("The file holds a null character: it is not a CSV text file.")])
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        return _rows(reader, territory)
    except csv.Error:
        raise CensusFileError(
            [
                _("Line %(line)s cannot be read as CSV (a cell longer than %(limit)s characters?).")
                % {"line": reader.line_num + 1, "limit": MAX_CELL}
            ]
        ) from None


def _rows(reader: csv.DictReader, territory: Territory) -> list[CensusRow]:
    columns = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CensusFileError(
            [
                _(
                    "Missing columns: %(missing)s. "
                    "The first line must name the columns: %(required)s "
                    "(and optionally %(optional)s)."
                )
                % {
                    "missing": ", ".join(missing),
                    "required": ", ".join(REQUIRED_COLUMNS),
                    "optional": ", ".join(OPTIONAL_COLUMNS),
                }
            ]
        )
    reader.fieldnames = columns
    places = {t.code: t for t in territory.descendants(include_self=True)}
    rows: list[CensusRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    most = settings.VECHE_CENSUS_MAX_ROWS
    for line, record in enumerate(reader, start=2):
        if line - 1 > most:
            raise CensusFileError(
                [
                    _(
                        "The file has more than %(most)s rows: split it, by district for "
                        "instance, and upload each part."
                    )
                    % {"most": most}
                ]
            )
        if None in record:  # more cells than columns
            errors.append(_("Line %(line)s: more values than columns.") % {"line": line})
            continue
        identifier = (record.get("identifier") or "").strip()
        if not identifier:
            errors.append(_("Line %(line)s: the identifier is empty.") % {"line": line})
            continue
        try:
            birthdate = parse_birthdate(record.get("birthdate") or "")
        except ValueError:
            errors.append(
                _("Line %(line)s: “%(value)s” is not a date (use 1990-04-12 or 12.04.1990).")
                % {"line": line, "value": record.get("birthdate")}
            )
            continue
        code = (record.get("territory") or "").strip() or territory.code
        place = places.get(code)
        if place is None:
            errors.append(
                _("Line %(line)s: territory “%(code)s” is not %(name)s or inside it.")
                % {"line": line, "code": code, "name": territory.title}
            )
            continue
        digest = hash_identifier(identifier)
        if digest in seen:
            errors.append(
                _("Line %(line)s: the same identifier as line %(first)s.")
                % {"line": line, "first": seen[digest]}
            )
            continue
        seen[digest] = line
        rows.append(
            CensusRow(line, digest, birthdate, place, (record.get("address") or "").strip()[:300])
        )
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and %(count)s more.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise CensusFileError(shown)
    if not rows:
        raise CensusFileError([_("The file has no rows.")])
    return rows
