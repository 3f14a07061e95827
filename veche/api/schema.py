"""How the OpenAPI schema describes the clients' authentication: OAuth2 client credentials."""

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from veche.api.models import Scope


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "veche.api.authentication.ClientTokenAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": reverse("api:token"),
                    "scopes": {value: str(label) for value, label in Scope.choices},
                }
            },
        }

    def get_security_requirement(self, auto_schema):
        scopes = getattr(auto_schema.view, "required_scopes", None)
        if not scopes:
            return [{}]  # public: anyone, no token needed
        method = auto_schema.method.upper()
        return {self.name: [scopes[method]]} if method in scopes else [{}]
