"""Veche: a city and its residents decide together."""
