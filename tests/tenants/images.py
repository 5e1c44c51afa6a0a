"""Real image files for upload tests, made with Pillow (and one by hand)."""

import io
import os
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(width=64, height=32, image_format="PNG", color=(200, 30, 30), **options) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), color).save(output, format=image_format, **options)
    return output.getvalue()


def noise_png(width, height) -> bytes:
    """Random pixels do not compress: about 3 bytes a pixel."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS secret camera"  # Model
    return image_bytes(640, 480, "JPEG", exif=exif.tobytes())


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims 10^10 pixels: decoding it would need tens of GB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
