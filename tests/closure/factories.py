"""Helpers for closure tests: real PNG signatures and cases at each closure step."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from closure import services


def signature_png(width: int = 600, height: int = 200, *, ink: bool = True) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 150), (120, 40), (200, 160), (320, 50), (480, 140)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(raw: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(raw).decode()}"


def signature_data_url(**kwargs) -> str:
    return data_url(signature_png(**kwargs))


def record_result(case, actor=None, *, result: str = "已为您调到周四上午的班次。"):
    return services.result_record(
        actor or case.owner, case=case, result=result, how_given="in_person", version=case.version
    )


def sign(round_, actor=None, *, rating: int = 5, **kwargs):
    actor = actor or round_.case.owner
    token = services.signing_start(actor, round_=round_)
    round_.refresh_from_db()
    kwargs.setdefault("signature", signature_data_url())
    return services.result_sign(actor, round_=round_, token=token, rating=rating, **kwargs)


def close_case(case, *, rating: int = 5):
    round_ = record_result(case)
    return sign(round_, rating=rating)
