"""The register of documents that leave the platform, so that anyone can verify a printed copy."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.documents import registry


class IssuedDocument(models.Model):
    """One generated PDF: its public code (printed on it) and the SHA-256 of its exact bytes.

    The PDF itself is not kept: it can be rendered again, and a copy brought to the
    verification page is checked against the hash.
    """

    # A code of `veche.documents.registry`: the apps that issue documents register their kinds,
    # so the column names no kind itself (see `clean`).
    kind = models.CharField(_("kind"), max_length=registry.CODE_MAX_LENGTH)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    # What the document documents, as in the audit log: "appeals.appeal" and its id.
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    title = models.TextField(_("title"))
    language = models.CharField(_("language"), max_length=8)
    for_addressee = models.BooleanField(
        _("addressee's copy"),
        default=False,
        help_text=_("Carries the applicants' personal data; never published."),
    )
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    # SHA-256 of the document's content rendered without its code: the same content asked for
    # again gets the same registered document instead of a new one.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "kind", "fingerprint"],
                name="issued_document_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("documents:document", args=[self.code])

    def clean(self) -> None:
        super().clean()
        try:
            registry.kind_of(self.kind)
        except LookupError:
            raise ValidationError(
                {"kind": _("No kind of document is registered under this code.")}
            ) from None

    @property
    def described_kind(self) -> registry.DocumentKind:
        return registry.described(self.kind)

    @property
    def kind_label(self) -> str:
        return str(self.described_kind.label)
