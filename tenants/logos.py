"""Logo uploads: trust the bytes, never the file name (design/api.md, Files).

Checks run cheapest first: the size, then the header (format and pixel count, read without
decoding, so a decompression bomb is refused before it can take memory), then a full decode
(a truncated or damaged file fails here). The image is re-encoded, which drops EXIF (camera,
GPS) and any other metadata, and a thumbnail is made.
"""

import io
import secrets
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from tenants.exceptions import InvalidLogo, LogoTooLarge

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4096
THUMBNAIL_SIDE = 256
# Pillow format -> (file extension, save options of the re-encoding)
FORMATS = {
    "PNG": ("png", {"optimize": True}),
    "JPEG": ("jpg", {"quality": 90}),
    "WEBP": ("webp", {"quality": 90}),
}


@dataclass(frozen=True)
class ProcessedLogo:
    logo_name: str
    logo: bytes
    thumbnail_name: str
    thumbnail: bytes
    width: int
    height: int


def _read_limited(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise LogoTooLarge(f"Logos are limited to {MAX_BYTES // (1024 * 1024)} MB.")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)  # one byte more tells a file over the limit
    if len(data) > MAX_BYTES:
        raise LogoTooLarge(f"Logos are limited to {MAX_BYTES // (1024 * 1024)} MB.")
    return data


def _encode(image: Image.Image, image_format: str) -> bytes:
    _extension, options = FORMATS[image_format]
    if image_format == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    elif image_format in {"PNG", "WEBP"} and image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        image = image.convert("RGBA")
    output = io.BytesIO()
    image.save(output, format=image_format, **options)  # no exif=..., so none is written
    return output.getvalue()


def process_logo(file) -> ProcessedLogo:
    """Check an uploaded logo and return the re-encoded image and its thumbnail."""
    data = _read_limited(file)
    try:
        # open() reads the header only; Pillow itself refuses absurd sizes here
        # (DecompressionBombError), and we refuse anything beyond our limit below.
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise InvalidLogo(
            f"The image has too many pixels; logos are at most {MAX_SIDE} x {MAX_SIDE}.",
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidLogo(
            "The file is not an image; send a PNG, JPEG or WebP file.", code="invalid_image"
        ) from None
    if image.format not in FORMATS:
        raise InvalidLogo(
            f"{image.format} images are not accepted; send a PNG, JPEG or WebP file.",
            code="unsupported_format",
        )
    image_format = image.format
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE:
        raise InvalidLogo(
            f"The image is {width} x {height} pixels; logos are at most {MAX_SIDE} x {MAX_SIDE}.",
            code="too_many_pixels",
        )
    try:
        image.load()  # decodes every pixel: a truncated or corrupt file fails here
        image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF asked for
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidLogo(
            "The image is truncated or damaged and cannot be decoded.", code="invalid_image"
        ) from None
    extension, _options = FORMATS[image_format]
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    stem = secrets.token_hex(8)
    return ProcessedLogo(
        logo_name=f"{stem}.{extension}",
        logo=_encode(image, image_format),
        thumbnail_name=f"{stem}-{THUMBNAIL_SIDE}.{extension}",
        thumbnail=_encode(thumbnail, image_format),
        width=image.width,
        height=image.height,
    )
