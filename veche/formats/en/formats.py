"""English dates without abbreviations that end in a full stop ("Dec. 12, 2026, 3:30 p.m."),
which doubled the stop of a sentence ending with a date. Everything else is Django's."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, H:i"
