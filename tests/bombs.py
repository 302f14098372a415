"""Crafted inputs that claim to be enormous while staying a few bytes long."""

from __future__ import annotations

import base64
import struct
import zlib


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header announces ``width`` x ``height`` pixels (8-bit grey), with one tiny
    image chunk: enough for Pillow to read the size, nothing to decode."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def png_data_url(width: int, height: int) -> str:
    return "data:image/png;base64," + base64.b64encode(png_header(width, height)).decode()
