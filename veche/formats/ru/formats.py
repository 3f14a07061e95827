"""Russian dates without the trailing "г.": Django's "1 января 2027 г." doubles the full stop of
every sentence that ends with a date ("Срок ответа — 1 января 2027 г.."). "1 января 2027" reads
as well and ends a sentence cleanly. Everything else is Django's Russian format."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
