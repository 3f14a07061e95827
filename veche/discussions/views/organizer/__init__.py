"""Pages of the organizer: my discussions, a draft and its documents, publishing, the schedule,
the review up to the protocol and the conclusion, paper submissions, progress, and the
applications of landowners and developers (theirs and the authority's side).

Each view asks queries_organizer for what the person may open, parses a form, calls one service
and renders or redirects; the services' errors go back onto the form's fields."""

from veche.discussions.views.organizer import applications, drafts, review

patterns = [*drafts.patterns, *review.patterns, *applications.patterns]
