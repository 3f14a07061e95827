"""The territory tree: country → region → city → district → …, each with a stable code."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.core.i18n import translate, validate_translations

GEOJSON_TYPES = {"Polygon", "MultiPolygon"}


def validate_boundary(value) -> None:
    """A boundary is a GeoJSON Polygon or MultiPolygon (or a Feature holding one)."""
    if value in (None, {}):
        return
    geometry = (
        value.get("geometry")
        if isinstance(value, dict) and value.get("type") == "Feature"
        else value
    )
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOJSON_TYPES:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    if not isinstance(geometry.get("coordinates"), list) or not geometry["coordinates"]:
        raise ValidationError(_("The boundary has no coordinates."))


class Territory(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        SETTLEMENT = "settlement", _("settlement")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Lower-case letters, digits, dashes."))
        ],
        help_text=_("Stable identifier used in addresses and by other systems; never reused."),
    )
    name = models.JSONField(_("name"), validators=[validate_translations])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Materialised path of ancestor codes ("/ru/ru-ta/kazan/"): descendants are one prefix query.
    path = models.CharField(max_length=1024, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_boundary]
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Codes of official registers, which identity providers (ESIA) give with an address: a
    # residence is found by code before any name is compared.
    oktmo = models.CharField(
        _("OKTMO code"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}([0-9]{3})?$", _("8 or 11 digits."))],
        help_text=_(
            "All-Russian classifier of municipal territories: 8 digits for a municipality, "
            "11 for a settlement inside it."
        ),
    )
    fias_id = models.UUIDField(
        _("FIAS/GAR identifier"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("The object's GUID in the state address register (FIAS, now GAR)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["oktmo"], condition=~models.Q(oktmo=""), name="territory_oktmo_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The path is an invariant of the row, not business logic: it must follow parent and code.
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        self.depth = self.path.count("/") - 2
        old_path = None
        if self.pk:
            old_path = Territory.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save(update_fields=["path", "depth"])

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", args=[self.code])

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A territory cannot lie inside itself.")})
            ancestor = ancestor.parent

    @property
    def title(self) -> str:
        return translate(self.name)

    def ancestors(self) -> models.QuerySet["Territory"]:
        codes = [code for code in self.path.strip("/").split("/")[:-1] if code]
        return Territory.objects.filter(code__in=codes).order_by("depth")

    def descendants(self, *, include_self: bool = False) -> models.QuerySet["Territory"]:
        queryset = Territory.objects.filter(path__startswith=self.path)
        return queryset if include_self else queryset.exclude(pk=self.pk)

    def contains(self, other: "Territory") -> bool:
        """True when `other` is this territory or lies inside it."""
        return other.path.startswith(self.path)
