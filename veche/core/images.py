"""Uploaded pictures re-encoded before they are kept, so that nothing the camera or an editor
wrote into the file (the place from GPS, the time, the device, comments, XMP) goes with them.

Every upload that may be a picture passes through `strip_metadata` before it is saved: problem
photos, attachments of answers, project materials, property documents, organizations' logos.
"""

import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format name → how the clean copy is written and the name's ending. MPO is the
# multi-picture JPEG that phones write; its first picture is the photo.
FORMATS = {
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
}
JPEG_QUALITY = 90
# Modes each format writes as they are; any other mode is converted first.
_JPEG_MODES = {"RGB", "L", "CMYK"}
# What Pillow reads into `info` that says something of the picture's origin.
_METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"}


def strip_metadata(upload, *, name: str | None = None) -> ContentFile:
    """A clean copy of the picture in `upload`: turned upright as its EXIF orientation says,
    written again in its own format (JPEG at quality 90) without EXIF, XMP or comments; the
    colour profile stays, as it says nothing of the place or the person.

    ValidationError, in the person's language, when it is no JPEG, PNG or WebP picture or has
    more pixels than VECHE_IMAGE_MAX_PIXELS (a small file may unpack into gigabytes)."""
    name = name or getattr(upload, "name", None) or "picture"
    shown = PurePosixPath(name).name
    upload.seek(0)
    try:
        # Opening reads the header only; the size is checked before the pixels are unpacked.
        # (Pillow itself refuses past twice its own MAX_IMAGE_PIXELS while opening.)
        with Image.open(upload) as opened:
            if opened.format not in FORMATS:
                raise _not_a_picture(shown)
            _refuse_too_many_pixels(opened.size, shown)
            opened.load()
            picture_format, suffix = FORMATS[opened.format]
            ImageOps.exif_transpose(opened, in_place=True)
            content = _encode(opened, picture_format)
    except Image.DecompressionBombError:
        raise _too_many_pixels(shown) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_a_picture(shown) from None
    finally:
        upload.seek(0)
    return ContentFile(content, name=PurePosixPath(shown).stem + suffix)


def carries_metadata(content: bytes) -> bool:
    """Whether a stored picture still holds anything `strip_metadata` would remove."""
    with Image.open(io.BytesIO(content)) as picture:
        if picture.getexif() or picture.info.keys() & _METADATA_KEYS:
            return True
        return bool(getattr(picture, "text", None))  # PNG text chunks, read to the end


def _encode(picture: Image.Image, picture_format: str) -> bytes:
    # Only what the pixels need is carried over: transparency and the colour profile. Everything
    # else in `info` (exif, xmp, comment, text chunks, dpi…) stays behind.
    options = {}
    if icc := picture.info.get("icc_profile"):
        options["icc_profile"] = icc
    if picture_format == "JPEG":
        if picture.mode not in _JPEG_MODES:
            picture = picture.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif picture_format == "PNG":
        if "transparency" in picture.info:
            options["transparency"] = picture.info["transparency"]
    else:
        options.update(quality=JPEG_QUALITY)
    # Writers take some of what was read (a comment, XMP) from `info`: nothing rides along.
    picture.info = {}
    output = io.BytesIO()
    picture.save(output, format=picture_format, exif=b"", **options)
    return output.getvalue()


def _refuse_too_many_pixels(size: tuple[int, int], name: str) -> None:
    width, height = size
    if width * height > settings.VECHE_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(name)


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        ngettext_lazy(
            "“%(name)s” has too many pixels: at most %(megapixels)s megapixel is accepted.",
            "“%(name)s” has too many pixels: at most %(megapixels)s megapixels are accepted.",
            "megapixels",
        ),
        code="too_many_pixels",
        params={"name": name, "megapixels": settings.VECHE_IMAGE_MAX_PIXELS // 1_000_000},
    )


def _not_a_picture(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” cannot be read as a JPEG, PNG or WebP picture."),
        code="not_a_picture",
        params={"name": name},
    )
