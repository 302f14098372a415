import pytest
from django.core.exceptions import ValidationError

from cases.personal import mask_name, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812341234", "13812341234"),
        ("138 1234 1234", "13812341234"),
        ("+86 138-1234-1234", "13812341234"),
        ("010-62751234", "010-62751234"),
        ("(0755) 8888 1234", "0755-88881234"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "23812341234", "1381234123", "abc13812341234"])
def test_malformed_phone(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("010-62751234") == "010-****1234"
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
