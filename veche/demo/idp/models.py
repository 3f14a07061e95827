"""A citizen as the demo population register knows them; also the account they sign in with."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from . import citizens


class Citizen(AbstractUser):
    # first_name / last_name of AbstractUser hold the given name and the family name.
    sub = models.CharField(
        "subject identifier",
        max_length=64,
        unique=True,
        help_text="Stable identifier sent to relying parties, like ESIA's oid.",
    )
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    birthdate = models.DateField("дата рождения", null=True, blank=True)
    district = models.CharField("район", max_length=100, blank=True)
    street_address = models.CharField("улица, дом, квартира", max_length=200, blank=True)
    postal_code = models.CharField("индекс", max_length=6, blank=True)
    trusted = models.BooleanField(
        "подтверждённая учётная запись",
        default=False,
        help_text="Identity confirmed in person, as ESIA's trusted accounts.",
    )
    verified_at = models.DateTimeField("когда подтверждена", null=True, blank=True)
    # The legal entity the citizen represents, if any.
    organization_name = models.CharField("организация", max_length=300, blank=True)
    organization_ogrn = models.CharField("ОГРН", max_length=15, blank=True)
    organization_address = models.CharField("адрес организации", max_length=300, blank=True)

    class Meta:
        verbose_name = "гражданин"
        verbose_name_plural = "граждане"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        """Surname, given name, patronymic: the order of Russian documents."""
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )

    @property
    def organization(self) -> dict | None:
        """The represented legal entity as the `organization` claim, or None."""
        if not self.organization_ogrn:
            return None
        return {
            "name": self.organization_name,
            "ogrn": self.organization_ogrn,
            "address": self.organization_address,
        }

    @property
    def address(self) -> dict:
        """The registered address as an OpenID Connect address claim, plus the city district."""
        return {
            "formatted": ", ".join(
                (
                    self.postal_code,
                    citizens.REGION,
                    f"г. {citizens.LOCALITY}",
                    self.street_address,
                )
            ),
            "street_address": self.street_address,
            "locality": citizens.LOCALITY,
            "region": citizens.REGION,
            "postal_code": self.postal_code,
            "country": citizens.COUNTRY,
            "district": self.district,
        }
