"""Pictures for tests of uploads: a phone's photo that says where it was taken."""

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def camera_jpeg(*, width: int = 40, height: int = 20) -> bytes:
    """A phone's photo held sideways: width × height pixels stored, orientation 6 (turn 90°
    clockwise to view), with the place it was taken (Kazan) in its GPS block and a comment."""
    picture = Image.new("RGB", (width, height), "red")
    # A mark in the top-left corner tells which way the picture was turned.
    picture.paste((0, 0, 255), (0, 0, 10, 10))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 47.0, 1.2), 3: "E", 4: (49.0, 6.0, 30.0)})
    output = io.BytesIO()
    picture.save(output, "JPEG", exif=exif, comment=b"taken at home")
    return output.getvalue()


def assert_clean_upright(content: bytes, *, size: tuple[int, int] = (20, 40)) -> None:
    """The stored picture carries no EXIF (so no GPS) and stands upright."""
    assert b"PhoneMaker" not in content
    assert b"Exif\x00\x00" not in content
    with Image.open(io.BytesIO(content)) as picture:
        assert not picture.getexif()
        assert picture.size == size
