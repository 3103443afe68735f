"""The settings the kit reads from its environment (``helpers.environment``)."""

from __future__ import annotations

import pytest

from helpers.environment import Environment


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "KIT_LANGUAGE": "en"}, "en"),
        ({"LANG": "C.UTF-8", "KIT_LANGUAGE": "zh"}, "zh"),
    ],
)
def test_the_kit_speaks_the_language_kit_language_or_the_locale_names(
    variables: dict[str, str], language: str
) -> None:
    """A reader whose locale is Chinese gets the kit's sentences in Chinese without setting
    anything; ``KIT_LANGUAGE`` (which each notebook's kernel sets to its own language) wins."""
    assert Environment(variables).language == language
