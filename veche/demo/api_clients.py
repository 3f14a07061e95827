"""The demo administration's API client: its document management system, issued by the head,
with credentials fixed like the demo's password so the README's curl examples work; and one
appeal just sent to the administration, waiting for that system to register it; and the
administration's webhook endpoint on this machine, with a fixed secret, that hears of its appeals;
and the demo resident's Open311 key for an app, fixed too, so that an Open311 client can file."""

import base64
from decimal import Decimal

from veche.accounts.models import User
from veche.api import services, webhooks
from veche.api.models import ApiClient, Open311Key, Scope, WebhookEvent, WebhookSubscription
from veche.api.open311 import services as open311
from veche.appeals import services as appeals
from veche.appeals.models import Category, Problem

DEMO_CLIENT_ID = "veche-demo-dms"
DEMO_CLIENT_SECRET = "veche-demo-api-secret-2026"  # a demo credential, as DEMO_PASSWORD
DEMO_CLIENT_NAME = "СЭД администрации (демо)"
OFFICE = "kazan-admin-vakhitovsky-privolzhsky"
# A receiver on this machine (development's VECHE_WEBHOOK_ALLOW_NETWORKS admits 127.0.0.1).
DEMO_WEBHOOK_URL = "http://127.0.0.1:8765/veche-webhooks"
DEMO_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"veche-demo-webhook-secret-2026!!").decode()
DEMO_OPEN311_KEY = "o311_veche-demo-resident-app-2026"  # a demo credential, as DEMO_PASSWORD
DEMO_OPEN311_APP = "Городской ремонт (демо)"
NEW_APPEAL_TITLE = "Нет пандуса у входа в поликлинику на улице Татарстан"
NEW_APPEAL_TEXT = (
    "Просим оборудовать пандус у входа в поликлинику на улице Татарстан, 14: маломобильные "
    "жители и родители с колясками не могут войти без посторонней помощи."
)


def load_api_client(territories, organizations) -> ApiClient:
    client = ApiClient.objects.filter(application__client_id=DEMO_CLIENT_ID).first()
    if client is None:
        client = _issue(organizations[OFFICE])
    if not WebhookSubscription.objects.filter(url=DEMO_WEBHOOK_URL).exists():
        _subscribe(organizations[OFFICE])
    if not Problem.objects.filter(title=NEW_APPEAL_TITLE).exists():
        _new_appeal(territories["kazan-vakhitovsky"], organizations[OFFICE])
    if not Open311Key.objects.filter(key_hash=open311.hash_key(DEMO_OPEN311_KEY)).exists():
        _open311_key()
    return client


def _issue(office) -> ApiClient:
    client, _secret = services.issue_client(
        user=User.objects.get(email="head@demo.veche.example"),
        organization=office,
        name=DEMO_CLIENT_NAME,
        scopes=Scope.values,
    )
    application = client.application
    application.client_id = DEMO_CLIENT_ID
    application.client_secret = DEMO_CLIENT_SECRET  # hashed as it is saved
    application.save()
    return client


def _open311_key() -> None:
    """The demo resident gave an app a key (issued through the service, so it is audited)."""
    key, _raw = open311.issue_key(
        user=User.objects.get(email="resident@demo.veche.example"), name=DEMO_OPEN311_APP
    )
    Open311Key.objects.filter(pk=key.pk).update(
        key_hash=open311.hash_key(DEMO_OPEN311_KEY), prefix=DEMO_OPEN311_KEY[:11]
    )


def _subscribe(office) -> None:
    subscription, _secret = webhooks.subscribe(
        user=User.objects.get(email="head@demo.veche.example"),
        organization=office,
        url=DEMO_WEBHOOK_URL,
        events=WebhookEvent.values,
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=DEMO_WEBHOOK_SECRET)


def _new_appeal(territory, office) -> None:
    author = User.objects.get(email="resident@demo.veche.example")
    problem = appeals.publish_problem(
        author=author,
        title=NEW_APPEAL_TITLE,
        description="У входа в поликлинику только лестница в шесть ступеней.",
        category=Category.objects.get(slug="other"),
        territory=territory,
        organization=office,
        appeal_text=NEW_APPEAL_TEXT,
        address="ул. Татарстан, 14",
        latitude=Decimal("55.7786"),
        longitude=Decimal("49.1141"),
    )
    appeals.send_appeal_now(author=author, appeal=problem.current_appeal)
