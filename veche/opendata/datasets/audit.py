"""The dataset of the audit chain's heads: the hash the chain led to on each day, so that
anyone keeping the dumps can later check that the log was not rewritten."""

from django.utils.translation import gettext_lazy as _

from veche.core.models import AuditHead
from veche.opendata.datasets.registry import Dataset, Field, moment


def _heads(day):
    return AuditHead.objects.filter(day__lte=day).order_by("day").iterator(chunk_size=2000)


AUDIT_HEADS = Dataset(
    slug="audit-heads",
    title=_("Heads of the audit log"),
    description=_(
        "The hash of the last entry of the audit log as published each day (SHA-256 chain; "
        "how to check it is on the audit log heads page)."
    ),
    fields=(
        Field("day", "date", _("day"), lambda h: h.day),
        Field(
            "sequence",
            "integer",
            _("number of the last entry of the log that day"),
            lambda h: h.sequence,
        ),
        Field("hash", "string", _("its hash (SHA-256, hexadecimal)"), lambda h: h.hash),
        Field(
            "published",
            "datetime",
            _("when the hash was published"),
            lambda h: moment(h.created_at),
        ),
    ),
    rows=_heads,
)
