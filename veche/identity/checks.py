"""System checks of the settings that name a verification level or an SMS gateway
(veche.core.checks)."""

from veche.core.checks import outside_choices
from veche.identity import sms
from veche.identity.models import Level

# A level is named in settings by its name in lower case; "not verified" is no requirement.
LEVEL_NAMES = [level.name.lower() for level in Level if level > Level.NONE]


def minimum_levels(app_configs=None, **kwargs):
    return [
        *outside_choices("VECHE_SIGN_MIN_LEVEL", LEVEL_NAMES, id="identity.E001"),
        *outside_choices("VECHE_DISCUSSION_MIN_LEVEL", LEVEL_NAMES, id="identity.E002"),
    ]


def sms_backend(app_configs=None, **kwargs):
    return outside_choices("VECHE_SMS_BACKEND", sms.BACKENDS, id="identity.E003")
