"""The demo's organizations still coming to Veche: an application for a cabinet waiting for the
administrator, and an invitation the head of the district administration has sent to a new
specialist. Upserts keyed by the OGRN and by the invited address."""

import datetime

from django.utils import timezone

from veche.organizations.models import CabinetApplication, Invitation, Membership

APPLICATION = {
    "name": {
        "ru": "Общественный совет Советского района г. Казани",
        "en": "Public Council of Sovetsky District of Kazan",
    },
    "short_name": {"ru": "Общественный совет Советского района"},
    "kind": "ngo",
    "ogrn": "1161690073511",
    "appeals_email": "sovet.sovetsky@example.org",
    "head_name": "Кузнецов Павел Андреевич",
    "head_position": "Председатель совета",
    "postal_address": "420087, г. Казань, ул. Аделя Кутуя, д. 19",
    "phone": "+7 843 273-00-00",
}
INVITED = "specialist@demo.veche.example"


def load_cabinets(territories, organizations, people) -> int:
    application, _ = CabinetApplication.objects.update_or_create(
        ogrn=APPLICATION["ogrn"],
        defaults={**APPLICATION, "applicant": people["neighbour@demo.veche.example"]},
    )
    application.jurisdiction.set([territories["kazan-sovetsky"]])
    office = organizations["kazan-admin-vakhitovsky-privolzhsky"]
    now = timezone.now()
    Invitation.objects.update_or_create(
        organization=office,
        email=INVITED,
        role=Membership.Role.OFFICIAL,
        defaults={
            "position": "Специалист по работе с обращениями",
            "nonce": "demo",
            "invited_by": people["head@demo.veche.example"],
            "created_at": now,
            "expires_at": now + datetime.timedelta(days=7),
            "status": Invitation.Status.PENDING,
        },
    )
    return CabinetApplication.objects.filter(status=CabinetApplication.Status.PENDING).count()
