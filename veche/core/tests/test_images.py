"""Uploaded pictures are kept without what the camera wrote into them, turned upright, and a
picture that would unpack into too many pixels is refused before it is unpacked."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, PngImagePlugin

from tests.pictures import GPS_IFD, MAKE, ORIENTATION, camera_jpeg
from veche.core.images import strip_metadata


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_camera_jpeg_really_carries_the_place():
    # The premise of the next tests: what they remove is there to begin with.
    with Image.open(io.BytesIO(camera_jpeg())) as original:
        assert original.getexif().get_ifd(GPS_IFD)
        assert original.getexif()[ORIENTATION] == 6


def test_a_jpeg_loses_its_exif_and_gps():
    clean = strip_metadata(upload(camera_jpeg(), "photo.jpg"))
    content = clean.read()
    with Image.open(io.BytesIO(content)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert "exif" not in picture.info
        assert "comment" not in picture.info
    assert b"PhoneMaker" not in content
    assert b"taken at home" not in content
    assert b"Exif\x00\x00" not in content


def test_a_jpeg_is_turned_upright_as_its_orientation_said():
    clean = strip_metadata(upload(camera_jpeg(width=40, height=20), "photo.jpg"))
    with Image.open(clean) as picture:
        assert picture.size == (20, 40)
        # Turned clockwise: the stored top-left corner is now top-right.
        red, _green, blue = picture.getpixel((picture.width - 3, 3))
        assert blue > 200 and red < 60
        red, _green, blue = picture.getpixel((3, 3))
        assert red > 200 and blue < 60


def test_a_png_loses_its_text_chunks_and_keeps_transparency():
    picture = Image.new("RGBA", (8, 8), (0, 128, 0, 0))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Ulitsa Baumana 1, flat 5")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    output = io.BytesIO()
    picture.save(output, "PNG", pnginfo=text)
    assert b"Baumana" in output.getvalue()

    clean = strip_metadata(upload(output.getvalue(), "plan.png")).read()
    assert b"Baumana" not in clean
    assert b"xmpmeta" not in clean
    with Image.open(io.BytesIO(clean)) as result:
        assert result.format == "PNG"
        assert not result.text
        assert result.getpixel((0, 0)) == (0, 128, 0, 0)


def test_a_webp_stays_a_webp_without_exif():
    picture = Image.new("RGB", (8, 8), "white")
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    output = io.BytesIO()
    picture.save(output, "WEBP", exif=exif)
    clean = strip_metadata(upload(output.getvalue(), "photo.webp"))
    assert clean.name == "photo.webp"
    assert b"PhoneMaker" not in clean.read()


def test_the_name_tells_the_real_kind():
    clean = strip_metadata(upload(camera_jpeg(), "../../photo.png"))
    assert clean.name == "photo.jpg"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG file of a few dozen bytes that claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_it_is_unpacked():
    with pytest.raises(ValidationError) as refused:
        strip_metadata(upload(png_header_only(100_000, 100_000), "bomb.png"))
    assert refused.value.code == "too_many_pixels"


def test_the_pixel_limit_is_a_setting_and_the_refusal_speaks_the_persons_language(settings):
    settings.VECHE_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as refused:
        strip_metadata(upload(png_header_only(2000, 1000), "big.png"))
    assert refused.value.code == "too_many_pixels"
    with translation.override("ru"):
        [message] = refused.value.messages
    assert "big.png" in message
    assert "мегапиксел" in message


def test_a_file_that_is_no_picture_is_refused():
    with pytest.raises(ValidationError) as refused:
        strip_metadata(upload(b"\xff\xd8\xff" + b"not really a jpeg", "fake.jpg"))
    assert refused.value.code == "not_a_picture"


def test_a_jpeg_loses_its_xmp():
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, "JPEG", xmp=b"<x:xmpmeta>Baumana</x:xmpmeta>")
    assert b"Baumana" in output.getvalue()
    assert b"Baumana" not in strip_metadata(upload(output.getvalue(), "photo.jpg")).read()
