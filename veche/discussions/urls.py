from veche.discussions.views import archive, debate, meeting, organizer, public, records, votes

app_name = "discussions"
urlpatterns = [
    *public.patterns,
    *debate.patterns,
    *organizer.patterns,
    *records.patterns,
    *archive.patterns,
    *meeting.patterns,
    *votes.patterns,
]
