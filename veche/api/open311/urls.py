"""/open311/v2/: GeoReport v2, each resource as .json or .xml."""

from django.urls import re_path

from veche.api.open311 import views

FORMAT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.Discovery.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.Services.as_view(), name="services"),
    re_path(
        r"^services/(?P<code>[-\w]+)" + FORMAT,
        views.ServiceDefinition.as_view(),
        name="service",
    ),
    re_path(r"^requests" + FORMAT, views.Requests.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<pk>[0-9]{1,11})" + FORMAT, views.RequestDetail.as_view(), name="request"
    ),
    re_path(r"^tokens/(?P<token>[-\w:]{1,200})" + FORMAT, views.Token.as_view(), name="token"),
]
