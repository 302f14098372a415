import io
import os

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from closure.signature import MAX_BYTES, signature_png_from_data_url
from tests.closure.factories import data_url, signature_png


def refused_code(value: str) -> str | None:
    with pytest.raises(ValidationError) as refused:
        signature_png_from_data_url(value)
    return refused.value.code


def test_a_real_signature_is_re_encoded_as_png():
    png = signature_png_from_data_url(data_url(signature_png()))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (600, 200)


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/></svg>'
    assert refused_code(data_url(svg, "image/svg+xml")) == "not_png"


def test_svg_posing_as_png_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L9 9"/></svg>'
    assert refused_code(data_url(svg)) == "not_png"


def test_html_is_refused():
    assert refused_code(data_url(b"<script>alert(1)</script>", "text/html")) == "not_png"


def test_a_plain_url_is_refused():
    assert refused_code("http://127.0.0.1/sig.png") == "not_png"


def test_corrupt_png_is_refused():
    broken = signature_png()[:200]
    assert refused_code(data_url(broken)) == "corrupt"


def test_bad_base64_is_refused():
    assert refused_code("data:image/png;base64,iVBOR***") == "corrupt"


def test_oversized_file_is_refused():
    noise = Image.frombytes("RGB", (1000, 400), os.urandom(1000 * 400 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > MAX_BYTES
    assert refused_code(data_url(out.getvalue())) == "too_large"


def test_huge_dimensions_are_refused():
    assert refused_code(data_url(signature_png(width=5000, height=200))) == "dimensions"


def test_tiny_image_is_refused():
    assert refused_code(data_url(signature_png(width=20, height=10, ink=False))) == "dimensions"


def test_blank_canvas_is_refused():
    assert refused_code(data_url(signature_png(ink=False))) == "blank"


def test_white_ink_on_transparent_counts_as_blank():
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert refused_code(data_url(out.getvalue())) == "blank"


@pytest.mark.parametrize("size", [(20000, 20000), (60000, 60000), (2401, 600)])
def test_a_bomb_header_is_refused_without_decoding(size):
    from tests.bombs import png_data_url

    assert refused_code(png_data_url(*size)) in ("dimensions", "corrupt")
