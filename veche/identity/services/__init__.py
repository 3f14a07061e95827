"""Changes to what we know about a person's identity; each runs in one transaction."""

from . import configuration
from ._common import record_verification
from .census import (
    CENSUS_TAKEN_MESSAGE,
    PROVIDER_TAKEN_MESSAGE,
    import_census,
    rebind_verification,
    verify_by_census,
)
from .phone import (
    PHONE_CODES_KEPT,
    PHONE_THROTTLE_WINDOW,
    PHONE_TRUST_FRAMEWORK,
    PHONE_WRONG_ATTEMPTS,
    TAKEN_MESSAGE,
    confirm_phone,
    send_phone_code,
)
from .property_claims import erase_personal_data, review_property_claim
from .providers import (
    DEFAULT_MAPPING,
    read_provider_claims,
    save_identity_provider,
    verify_with_provider,
)

__all__ = [
    "CENSUS_TAKEN_MESSAGE",
    "DEFAULT_MAPPING",
    "PHONE_CODES_KEPT",
    "PHONE_THROTTLE_WINDOW",
    "PHONE_TRUST_FRAMEWORK",
    "PHONE_WRONG_ATTEMPTS",
    "PROVIDER_TAKEN_MESSAGE",
    "TAKEN_MESSAGE",
    "configuration",
    "confirm_phone",
    "erase_personal_data",
    "import_census",
    "read_provider_claims",
    "rebind_verification",
    "record_verification",
    "review_property_claim",
    "save_identity_provider",
    "send_phone_code",
    "verify_by_census",
    "verify_with_provider",
]
