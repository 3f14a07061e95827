"""Open data: Atom feeds of new problems, answers and discussions, and the daily dumps of the
public record (CSV and JSON, with their dictionary and licence) on the open-data page."""
