"""Demo-ESIA: a separate OpenID Connect provider that stands in for Gosuslugi in the demo and tests."""
