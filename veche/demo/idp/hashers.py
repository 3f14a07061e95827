"""A cheap password hash for the demo provider, whose passwords and client secret are public."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class DemoPasswordHasher(PBKDF2PasswordHasher):
    # Django's 1,000,000 rounds cost ~0.3 s per sign-in and per token request; here they
    # would protect nothing, since every demo password is "demo".
    algorithm = "pbkdf2_sha256_demo"
    iterations = 1_000
