"""Sending a text message: one small class per kind of gateway, chosen by VECHE_SMS_BACKEND."""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted for delivery; the text says why, for the log."""


@dataclass(frozen=True)
class Sms:
    to: str  # E.164, e.g. +79161234567
    text: str


class SmsBackend:
    name = ""

    def send(self, message: Sms) -> None:
        raise NotImplementedError


BACKENDS: dict[str, type[SmsBackend]] = {}


def register(backend: type[SmsBackend]) -> type[SmsBackend]:
    BACKENDS[backend.name] = backend
    return backend


@register
class ConsoleBackend(SmsBackend):
    """Development: the message goes to the server log, where the developer reads the code."""

    name = "console"

    def send(self, message: Sms) -> None:
        logger.warning("SMS to %s: %s", message.to, message.text)


# Messages the memory backend has "sent", oldest first; tests read and clear it.
outbox: list[Sms] = []


@register
class MemoryBackend(SmsBackend):
    """Tests: keep the message in `outbox`, as Django's locmem e-mail backend does."""

    name = "memory"

    def send(self, message: Sms) -> None:
        outbox.append(message)


@register
class HttpBackend(SmsBackend):
    """Production: POST {"to": ..., "text": ...} as JSON to the gateway with a bearer token."""

    name = "http"

    def send(self, message: Sms) -> None:
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
            settings.VECHE_SMS_GATEWAY_URL,
            data=json.dumps({"to": message.to, "text": message.text}).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.VECHE_SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.VECHE_SMS_GATEWAY_TIMEOUT
            ) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsError(f"The SMS gateway answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"The SMS gateway could not be reached: {error}") from None
        if not 200 <= status < 300:
            raise SmsError(f"The SMS gateway answered {status}")


def send_sms(*, to: str, text: str) -> None:
    """Hand the message to the configured gateway, or raise SmsError."""
    BACKENDS[settings.VECHE_SMS_BACKEND]().send(Sms(to=to, text=text))
