from veche.discussions.views import archive, organizer, public, records

app_name = "discussions"
urlpatterns = [*public.patterns, *organizer.patterns, *records.patterns, *archive.patterns]
