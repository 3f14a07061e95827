"""The project's materials and their versions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .discussion import Discussion


class Material(models.Model):
    """One document of the project on display (drawing, explanatory note…), with its versions."""

    discussion = models.ForeignKey(Discussion, models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # The discussion's experts who answer the questions about this document; none: all of them.
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("experts who answer for it"),
    )

    class Meta:
        verbose_name = _("project material")
        verbose_name_plural = _("project materials")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "MaterialVersion | None":
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


def material_path(instance: "MaterialVersion", filename: str) -> str:
    # The stored name never comes from the uploader: only the checked extension does.
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.content_type, "bin"
    )
    return (
        f"discussions/{instance.material.discussion_id}/{instance.material_id}/"
        f"v{instance.number}-{instance.sha256[:16]}.{extension}"
    )


class MaterialVersion(models.Model):
    material = models.ForeignKey(Material, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=material_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version of a material")
        verbose_name_plural = _("versions of materials")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("discussions:material_file", args=[self.pk])
