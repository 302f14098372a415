"""The visitor's signature: a PNG data URL posted by the signing screen (CLO-1).

Only a real PNG passes: the bytes are decoded by Pillow, the size and the dimensions are bounded,
and a blank canvas is refused. What is stored is Pillow's re-encoding, so no chunk the browser
(or an attacker) put into the file survives.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 300 * 1024
MAX_WIDTH, MAX_HEIGHT = 2400, 1200
MIN_WIDTH, MIN_HEIGHT = 100, 50
MIN_INK_PIXELS = 40


def signature_png_from_data_url(data_url: str) -> bytes:
    """Return the re-encoded PNG of a valid signature or raise ValidationError."""
    raw = _decode(data_url)
    image = _open(raw)
    if not (MIN_WIDTH <= image.width <= MAX_WIDTH and MIN_HEIGHT <= image.height <= MAX_HEIGHT):
        raise ValidationError(_("The signature image has an unexpected size."), code="dimensions")
    flat = _on_white(image)
    if _ink_pixels(flat) < MIN_INK_PIXELS:
        raise ValidationError(_("The signature is empty. Please sign in the box."), code="blank")
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _decode(data_url: str) -> bytes:
    if not isinstance(data_url, str) or not data_url.startswith(PREFIX):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png")
    payload = data_url[len(PREFIX) :]
    if len(payload) > (MAX_BYTES * 4) // 3 + 4:
        raise ValidationError(_("The signature image is too large."), code="too_large")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("The signature image is damaged."), code="corrupt") from error
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The signature image is too large."), code="too_large")
    if not raw.startswith(PNG_MAGIC):
        raise ValidationError(_("The signature must be a PNG image."), code="not_png")
    return raw


def _open(raw: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            if probe.format != "PNG":
                raise ValidationError(_("The signature must be a PNG image."), code="not_png")
            if probe.width > MAX_WIDTH or probe.height > MAX_HEIGHT:
                raise ValidationError(
                    _("The signature image has an unexpected size."), code="dimensions"
                )
            probe.verify()
            image = Image.open(io.BytesIO(raw))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,  # a header claiming more pixels than Pillow will open
        OSError,
        SyntaxError,
        ValueError,
        Warning,
    ) as error:
        raise ValidationError(_("The signature image is damaged."), code="corrupt") from error
    return image


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("L")


def _ink_pixels(gray: Image.Image) -> int:
    """Pixels clearly darker than paper."""
    histogram = gray.histogram()
    return sum(histogram[:200])
