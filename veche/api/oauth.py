"""OAuth2 scopes per client: a token carries only scopes its organization gave the client."""

from oauth2_provider.scopes import SettingsScopes


def _client_scopes(application) -> list[str]:
    client = getattr(application, "api_client", None) if application is not None else None
    if client is None or not client.active:
        return []
    return list(client.scopes)


class ClientScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return _client_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        # A token asked for without a scope gets every scope the client holds.
        return _client_scopes(application)
