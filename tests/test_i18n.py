"""Indonesian first: every user-facing string has an Indonesian translation."""

from __future__ import annotations

from federation.i18n_catalog import extract_messages, missing_translations


def test_strings_are_extracted_from_code_and_templates():
    found = extract_messages()
    assert "Enter the cooperative's name." in found
    assert "Log out" in found  # from base.html


def test_every_string_has_an_indonesian_translation():
    missing = missing_translations()
    assert not missing, (
        f"{len(missing)} strings lack an Indonesian translation; run "
        f"`python -m federation.i18n_catalog update` and translate locale/id: {missing[:20]}"
    )


def test_translations_keep_their_placeholders():
    import re

    from federation.i18n_catalog import load_catalog

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    broken = [
        message.id
        for message in load_catalog()
        if message.id
        and message.string
        and sorted(placeholder.findall(str(message.id)))
        != sorted(placeholder.findall(str(message.string)))
    ]
    assert not broken, broken
