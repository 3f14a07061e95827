"""The shape of a dataset: its fields (name, type, meaning, how to read the value from a row)
and where its rows come from. The CSV file, the JSON file and the dictionary on the open-data
page are all written from these, so they cannot disagree."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The types a field may have, as the dictionary names them.
TYPES = {
    "integer": _("integer"),
    "number": _("number"),
    "string": _("text"),
    "boolean": _("yes/no (true, false)"),
    "date": _("date (YYYY-MM-DD)"),
    "datetime": _("date and time (ISO 8601, with the offset from UTC)"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: Promise
    value: Callable[[object], object]

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")

    @property
    def type_label(self) -> str:
        return str(TYPES[self.type])


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    fields: tuple[Field, ...]
    # The rows of the dump of `day`, streamed: an iterator over the database, never a list.
    rows: Callable[[datetime.date], Iterable[object]]

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def records(self, day: datetime.date) -> Iterator[dict]:
        for row in self.rows(day):
            yield {field.name: field.value(row) for field in self.fields}


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def moment(value: datetime.datetime | None) -> datetime.datetime | None:
    """Times are written in the site's time zone, to the second, with their offset."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0)
