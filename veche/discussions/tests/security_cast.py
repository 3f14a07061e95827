"""The cast of the hostile tests of public discussions: a proposal, a tiny picture, the organizer of
a discussion, sending a submission and the submission form's data."""

import datetime
import io

from django.urls import reverse
from PIL import Image

from veche.discussions import services

DAY = datetime.timedelta(days=1)
PROPOSAL = "Сохранить все деревья вдоль улицы при реконструкции."


def _tiny_png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(output, "PNG")
    return output.getvalue()


TINY_PNG = _tiny_png()


def organizer_of(discussion):
    return discussion.created_by


def send(user, discussion, text=PROPOSAL, kind="proposal", **options):
    return services.submit(user=user, discussion=discussion, kind=kind, text=text, **options)


def submit_url(discussion):
    return reverse("discussions:submit", args=[discussion.pk])


def form_data(**changes) -> dict:
    return {"kind": "proposal", "text": PROPOSAL, "material": "", "page": "", "confirm": "yes"} | (
        changes
    )
