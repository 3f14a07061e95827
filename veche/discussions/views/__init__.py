"""Pages of discussions, by audience: the public and participants, organizers, documents,
the archive. Each module lists its own URL patterns; urls.py joins them."""
