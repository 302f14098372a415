from cases import events


def test_describe_survives_an_event_without_the_keys_its_text_needs():
    assert events.describe("referral_requested", {}) == "referral_requested"


def test_describe_uses_the_registered_text():
    events.register("test_kind", lambda d: f"text {d['x']}")
    assert events.describe("test_kind", {"x": 1}) == "text 1"
