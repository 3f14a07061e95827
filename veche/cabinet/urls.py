from django.urls import path

from veche.cabinet import views, views_organization
from veche.cabinet.actions import ACTIONS

app_name = "cabinet"
urlpatterns = [
    path("", views.home, name="home"),
    path("subordinates/", views.subordinates, name="subordinates"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    *(path(f"appeals/<int:pk>/{key}/", views.act, {"action": key}, name=key) for key in ACTIONS),
    # Registering an organization's cabinet, and its review by the platform's administrators.
    path("apply/", views_organization.apply, name="apply"),
    path("applications/", views_organization.applications, name="applications"),
    path("applications/<int:pk>/", views_organization.application_detail, name="application"),
    path(
        "applications/<int:pk>/logo/",
        views_organization.application_logo,
        name="application_logo",
    ),
    path("applications/<int:pk>/approve/", views_organization.approve, name="approve"),
    path("applications/<int:pk>/refuse/", views_organization.refuse, name="refuse"),
    # The head's staff, and the page an invitation letter links to.
    path("staff/", views_organization.staff, name="staff"),
    path("staff/<slug:slug>/invite/", views_organization.invite, name="invite"),
    path(
        "staff/invitations/<int:pk>/revoke/",
        views_organization.revoke_invitation,
        name="revoke_invitation",
    ),
    path("staff/members/<int:pk>/remove/", views_organization.remove_member, name="remove_member"),
    path("invitations/<str:token>/", views_organization.invitation, name="invitation"),
]
