"""The public archive: past discussions (concluded, or cancelled after publication), searched by
territory, form, year and words, each leading to its page with documents, submissions, protocol,
conclusion and progress."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from veche.discussions import queries
from veche.discussions.forms import ArchiveFilterForm

PAGE_SIZE = 20


def archive(request):
    form = ArchiveFilterForm(request.GET, years=queries.archive_years())
    if form.is_valid():
        data = form.cleaned_data
        found = queries.archived_discussions(
            territory=data["territory"], kind=data["kind"], year=data["year"], text=data["q"]
        )
    else:
        # A wrong filter lists nothing rather than everything, and says what is wrong.
        found = queries.archived_discussions().none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discussions/archive.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if form.is_valid() else 400,
    )


patterns = [
    path("archive/", archive, name="archive"),
]
