"""Every message of the ledger has an Indonesian translation in ledger.txt (merged into the
catalog by `python -m federation.i18n_catalog`)."""

from __future__ import annotations

from federation.i18n_catalog import ROOT, extract_messages

LEDGER_TXT = ROOT / "locale" / "id" / "LC_MESSAGES" / "ledger.txt"
OURS = (
    "tenants/ledger/",
    "tenants/models/ledger.py",
    "tenants/tasks.py",
    "tenants/management/",
    "platform/notary/",
)


def translations() -> dict[str, str]:
    pairs = {}
    for line in LEDGER_TXT.read_text(encoding="utf-8").splitlines():
        if line.strip():
            msgid, msgstr = line.split("\t")
            pairs[msgid] = msgstr
    return pairs


def test_every_ledger_message_has_an_indonesian_translation():
    ours = {
        msgid
        for msgid, where in extract_messages().items()
        if any(place.startswith(OURS) for place in where)
    }
    assert "The period %(period)s is closed; post the correction in an open period." in ours
    known = translations()
    missing = sorted(m for m in ours if not known.get(m))
    assert not missing, missing


def test_translations_keep_their_placeholders():
    import re

    for msgid, msgstr in translations().items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
            re.findall(r"%\(\w+\)s", msgstr)
        ), msgid
