"""What an embedding site's origin may be: see `veche.core.origins` (the broadcasts of public
hearings check their sites the same way)."""

from veche.core.origins import parse_origin

__all__ = ["parse_origin"]
