"""Open311 GeoReport v2 at /open311/v2/: residents' apps file and follow problems through the
standard that FixMyStreet-style clients speak, on the same services, rules and audit as the web."""
