"""What the owner of a webhook endpoint is told (registered with notifications from
`ApiConfig.ready()`): that the endpoint was paused after failing for days, and how to resume it."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from veche.api.models import WebhookSubscription
from veche.notifications import registry
from veche.notifications.registry import Notice
from veche.organizations.models import Membership


class WebhookPaused(Notice):
    kind = "webhook_paused"
    title = _("A webhook endpoint was paused: it has been failing for days")

    def audience(self, subscription, context, extra):
        if subscription.person_id is not None:
            return {subscription.person_id} if subscription.person.is_active else set()
        return set(
            Membership.objects.filter(
                organization_id=subscription.organization_id,
                role=Membership.Role.HEAD,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )

    def url(self, subscription, extra):
        if subscription.person_id is not None:
            return reverse("api_subscriber_webhooks:list")
        query = urlencode({"organization": subscription.organization.slug})
        return f"{reverse('api_webhooks:list')}?{query}"

    def template_context(self, subscription, extra):
        return {"subscription": subscription} | extra

    @property
    def template_name(self) -> str:
        return "api/notices/webhook_paused.txt"


def register() -> None:
    registry.register_subject(
        WebhookSubscription.objects.select_related("organization", "person"),
        events={"paused": (WebhookPaused(),)},
    )
