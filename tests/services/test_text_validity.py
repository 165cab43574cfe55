"""Control characters and non-characters are refused in every text a form sends."""

import pytest

from missiondesk.messages import error_text
from missiondesk.services import validation
from missiondesk.store.errors import InvalidValue


@pytest.mark.parametrize("bad", ["a\x00b", "esc\x1b[31m", "bell\x07", "\ufffe", "\uffff",
                                 "\ufdd0", "\U0010ffff", "lone \ud800"])
def test_not_text_is_refused_with_its_code_point(bad):
    with pytest.raises(InvalidValue) as caught:
        validation.optional_text("name", bad)
    assert caught.value.params["reason"] == "invalid_character"
    sentence = error_text(caught.value)
    assert "U+" in sentence and "Name" in sentence


@pytest.mark.parametrize("good", ["tab\there", "two\nlines", "windows\r\nlines",
                                  "Élysée 中文 🙂", "\u200bzero-width"])
def test_real_text_passes(good):
    assert validation.required_text("name", good) == good.strip()


def test_strip_invalid_chars_keeps_the_text():
    assert validation.strip_invalid_chars("Ka\x00ri\x1bm\ufffe") == "Karim"
