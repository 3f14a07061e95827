"""A legal entity a person represents, as an identity provider vouches for it: name, OGRN, address.

The OGRN (primary state registration number) of an organization has 13 digits, that of an
individual entrepreneur (OGRNIP) 15; the last digit checks the others, so a typo is caught here.
"""

import logging
from dataclasses import dataclass

from veche.organizations.ogrn import is_valid_ogrn

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LegalEntity:
    name: str
    ogrn: str
    address: str = ""

    def as_claim(self) -> dict:
        return {"name": self.name, "ogrn": self.ogrn, "address": self.address}


def _text(value) -> str:
    if isinstance(value, dict):  # an OpenID Connect address object
        value = value.get("formatted", "")
    return str(value).strip() if value not in (None, "") else ""


def legal_entity_from_facts(facts: dict, *, source: str) -> LegalEntity | None:
    """The legal entity in a provider's mapped facts (legal_name, ogrn, legal_address), or None.

    One without a name or with an OGRN that fails its check digit is dropped with a warning:
    it cannot be told apart from another organization, so it is not a verified fact.
    """
    name, ogrn = _text(facts.get("legal_name")), _text(facts.get("ogrn"))
    if not name and not ogrn:
        return None
    if not name or not is_valid_ogrn(ogrn):
        logger.warning(
            "Identity provider %s sent a legal entity without a name or with an invalid OGRN "
            "(%r); it is not recorded.",
            source,
            ogrn,
        )
        return None
    return LegalEntity(name=name, ogrn=ogrn, address=_text(facts.get("legal_address")))
