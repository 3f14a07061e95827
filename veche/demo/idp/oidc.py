"""What the provider asserts about a citizen, and to which redirect URIs it sends codes.

The same claims go into the ID token and the userinfo response, each only under the scope that
releases it. A trusted (confirmed) citizen's identity is also vouched for in the shape of OpenID
Connect for Identity Assurance: `verified_claims` = how it was verified + what was verified.
"""

import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import ConnectDiscoveryInfoView

from .models import Citizen
from .redirect_uris import redirect_uri_allowed

TRUST_FRAMEWORK = "demo_esia"
EVIDENCE = [{"type": "electronic_record", "record": {"type": "population_register"}}]

# Each claim and the scopes that release it. `birthdate` has a scope of its own as in ESIA,
# and also comes with `profile` as in OpenID Connect.
CLAIM_SCOPES = {
    "sub": {"openid"},
    "trusted": {"openid"},
    "family_name": {"profile"},
    "given_name": {"profile"},
    "middle_name": {"profile"},
    "name": {"profile"},
    "birthdate": {"profile", "birthdate"},
    "email": {"email"},
    "email_verified": {"email"},
    "address": {"address"},
    # The legal entity the citizen represents: name, OGRN and address.
    "organization": {"organization"},
}
VERIFIED_CLAIMS = (
    "given_name",
    "family_name",
    "middle_name",
    "birthdate",
    "address",
    "organization",
)


def citizen_claims(citizen: Citizen, scopes) -> dict:
    """The claims about `citizen` that the granted `scopes` release."""
    every_claim = {
        "sub": citizen.sub,
        "trusted": citizen.trusted,
        "family_name": citizen.last_name,
        "given_name": citizen.first_name,
        "middle_name": citizen.middle_name,
        "name": citizen.full_name,
        "birthdate": citizen.birthdate.isoformat() if citizen.birthdate else None,
        "email": citizen.email,
        "email_verified": True,
        "address": citizen.address,
        "organization": citizen.organization,
    }
    granted = set(scopes)
    claims = {
        name: value
        for name, value in every_claim.items()
        if CLAIM_SCOPES[name] & granted and value is not None
    }
    verified = {name: claims[name] for name in VERIFIED_CLAIMS if name in claims}
    if citizen.trusted and citizen.verified_at and verified:
        claims["verified_claims"] = {
            "verification": {
                "trust_framework": TRUST_FRAMEWORK,
                "time": citizen.verified_at.isoformat(),
                "evidence": EVIDENCE,
            },
            "claims": verified,
        }
    return claims


class CitizenClaimsValidator(OAuth2Validator):
    def get_oidc_claims(self, token, token_handler, request):
        return citizen_claims(request.user, request.scopes)

    def get_discovery_claims(self, request):
        return [*CLAIM_SCOPES, "verified_claims"]

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # DOT's own check lets a registered http://127.0.0.1 URI match on any port (RFC 8252,
        # meant for native apps). Veche is a web client: match exactly, and admit other local
        # ports only when the environment asks for it, for test servers.
        return redirect_uri_allowed(
            redirect_uri,
            request.client.redirect_uris.split(),
            allow_any_local_port=settings.ALLOW_ANY_LOCAL_PORT,
        )


class DiscoveryView(ConnectDiscoveryInfoView):
    """DOT's discovery document, plus the OpenID Connect for Identity Assurance metadata."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        document = json.loads(response.content)
        document.update(
            {
                "verified_claims_supported": True,
                "trust_frameworks_supported": [TRUST_FRAMEWORK],
                "evidence_supported": [evidence["type"] for evidence in EVIDENCE],
                "claims_in_verified_claims_supported": list(VERIFIED_CLAIMS),
            }
        )
        response.content = json.dumps(document)
        return response
