"""Set up what the provider needs before it serves: the demo citizens and Veche's client."""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from oauth2_provider.models import get_application_model

from . import citizens
from .models import Citizen


@transaction.atomic
def ensure_demo_citizens() -> None:
    """Create the citizens of citizens.py, or bring existing ones back to that data."""
    for record in citizens.CITIZENS:
        organization = record.get("organization") or {}
        citizen, created = Citizen.objects.update_or_create(
            sub=record["sub"],
            defaults={
                "username": record["username"],
                "email": citizens.email_of(record["username"]),
                "last_name": record["family_name"],
                "first_name": record["given_name"],
                "middle_name": record["middle_name"],
                "birthdate": date.fromisoformat(record["birthdate"]),
                "district": record["district"],
                "street_address": record["street_address"],
                "postal_code": record["postal_code"],
                "trusted": record["trusted"],
                "verified_at": (
                    datetime.fromisoformat(record["verified_at"]) if record["verified_at"] else None
                ),
                "organization_name": organization.get("name", ""),
                "organization_ogrn": organization.get("ogrn", ""),
                "organization_address": organization.get("address", ""),
                "is_active": True,
            },
        )
        if created:
            citizen.set_password(citizens.PASSWORD)
            citizen.save(update_fields=["password"])


@transaction.atomic
def ensure_veche_client() -> None:
    """Register Veche as a confidential client with the configured secret and redirect URIs."""
    application_model = get_application_model()
    application, _ = application_model.objects.get_or_create(
        client_id=settings.VECHE_CLIENT_ID,
        defaults={"client_secret": settings.VECHE_CLIENT_SECRET},
    )
    application.name = "Вече (демо)"
    application.client_type = application_model.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = application_model.GRANT_AUTHORIZATION_CODE
    application.redirect_uris = " ".join(settings.VECHE_REDIRECT_URIS)
    application.algorithm = application_model.RS256_ALGORITHM
    application.skip_authorization = False
    application.hash_client_secret = True
    if not check_password(settings.VECHE_CLIENT_SECRET, application.client_secret):
        # Saved in clear text here; DOT hashes it on save.
        application.client_secret = settings.VECHE_CLIENT_SECRET
    application.save()
