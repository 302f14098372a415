from cases import events, extensions


def test_describe_survives_an_event_without_the_keys_its_text_needs():
    assert events.describe("referral_requested", {}) == "referral_requested"


def test_describe_uses_the_registered_text():
    kind = extensions.EventKind(name="test_kind", describe=lambda d: f"text {d['x']}")
    extensions.register(kind)
    try:
        assert events.describe("test_kind", {"x": 1}) == "text 1"
    finally:
        extensions.unregister(extensions.EventKind, "test_kind")
