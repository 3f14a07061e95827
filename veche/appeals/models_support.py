"""Support that goes on after the dispatch: the supplementary lists that carry the signatures given
after an appeal was sent to its addressee. Models of the appeals app, kept apart from `models.py`
to hold each file to its sections."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The outbox kind of the letter that carries a supplementary list to the addressee.
SUPPLEMENTARY_KIND = "appeals.supplementary_list"


class SupplementaryList(models.Model):
    """The signatures given after the dispatch, sent to the addressee as one document: its
    co-applicants numbered on from the last one the addressee received. The answer's due date
    does not change."""

    class Reason(models.TextChoices):
        GROWTH = "growth", _("the support grew")
        REMINDER = "reminder", _("the answer is overdue")

    appeal = models.ForeignKey(
        "Appeal", models.CASCADE, related_name="supplementary_lists", verbose_name=_("appeal")
    )
    organization = models.ForeignKey(
        "organizations.Organization", models.PROTECT, related_name="+", verbose_name=_("addressee")
    )
    recipient = models.EmailField(_("recipient"))
    number = models.PositiveIntegerField(_("list No."))
    # The number of its first signatory: one after the last number the addressee received.
    first_number = models.PositiveIntegerField(_("first signatory No."))
    count = models.PositiveIntegerField(_("signatures"))
    # The appeal's support when the list was made.
    support = models.PositiveIntegerField(_("support"))
    reason = models.CharField(_("why it was sent"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("supplementary list")
        verbose_name_plural = _("supplementary lists")
        ordering = ["appeal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "number"], name="supplementary_list_number_once"
            ),
        ]

    def __str__(self) -> str:
        return str(_("supplementary list %(number)s of appeal No. %(appeal)s")) % {
            "number": self.number,
            "appeal": self.appeal_id,
        }

    def get_absolute_url(self) -> str:
        return self.appeal.problem.get_absolute_url()

    @property
    def last_number(self) -> int:
        return self.first_number + self.count - 1
