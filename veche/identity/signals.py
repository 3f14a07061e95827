"""Signing in through an identity provider records what it verified."""
