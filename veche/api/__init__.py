"""REST API v1: public reads, and the organization's side of appeals for its own systems."""
