"""What the organizer's forms share: the lengths of texts, the suggested schedule, the date, time
zone, territory and expert fields, and the fieldsets of long forms."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.discussions.services import LEVELS
from veche.territories.models import Territory

# The longest texts the forms take (the database would take any): a description or the
# conclusions, and a reason or a note.
LONG_TEXT = 20_000
REASON_TEXT = 5_000

# A suggested intake, in days (the law sets no length; the organizer changes it at will).
SUGGESTED_INTAKE_DAYS = 14
# Days between the protocol and the conclusion in a suggested schedule.
SUGGESTED_CONCLUSION_DAYS = 3


def suggested_schedule(today: datetime.date) -> dict[str, datetime.date]:
    """A lawful schedule starting tomorrow: the notice lead time and the protocol period come
    from the settings, and for the subjects with a one-month limit it fits inside it."""
    day = datetime.timedelta(days=1)
    notice = today + day
    exposition = notice + settings.VECHE_DISCUSSION_NOTICE_DAYS * day
    intake_end = exposition + (SUGGESTED_INTAKE_DAYS - 1) * day
    protocol = intake_end + settings.VECHE_DISCUSSION_PROTOCOL_DAYS * day
    return {
        "notice_date": notice,
        "exposition_start": exposition,
        "intake_start": exposition,
        "intake_end": intake_end,
        "exposition_end": intake_end,
        "protocol_due": protocol,
        "conclusion_due": protocol + SUGGESTED_CONCLUSION_DAYS * day,
    }


def default_min_level() -> int:
    return LEVELS[settings.VECHE_DISCUSSION_MIN_LEVEL]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# No schedule reaches further from today; a date beyond is a typo or a forgery, and near the
# year 9999 the day after a period's end does not exist.
SCHEDULE_REACH_YEARS = 10


def validate_within_reach(value: datetime.date | datetime.datetime) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if abs((day - timezone.localdate()).days) > SCHEDULE_REACH_YEARS * 366:
        raise ValidationError(
            _("Give a date within %(years)s years of today."),
            code="out_of_reach",
            params={"years": SCHEDULE_REACH_YEARS},
        )


class ScheduleDateField(forms.DateField):
    """A day of a discussion's schedule."""

    widget = DateInput
    default_validators = [validate_within_reach]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as the organizer reads them on the discussion's clock: kept naive here
    and given the discussion's time zone by the form, not the site's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_validators = [validate_within_reach]

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result)
        return result


def in_zone(naive: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    if naive is None:
        return None
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


def local_naive(moment: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, territory: Territory) -> str:
        return "\u2003" * territory.depth + territory.title


class TerritoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, territory: Territory) -> str:
        return "\u2003" * territory.depth + territory.title


class ExpertsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.private_name} ({user.email})" if user.full_name else user.email


def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


@dataclass(frozen=True)
class Section:
    """A group of fields with a legend; `style` is "grid" (short fields side by side) or
    "columns" (a long list of boxes)."""

    legend: str
    names: tuple[str, ...]
    style: str = ""
    note: str = ""


class FieldsetsMixin:
    """A long form shown as a few short ones."""

    sections: tuple[Section, ...] = ()

    def grouped(self):
        for section in self.sections:
            fields = [
                self[name]
                for name in section.names
                if name in self.fields and not self.fields[name].widget.is_hidden
            ]
            if fields:
                yield section, fields


def _emails(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]
