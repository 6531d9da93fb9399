"""The Indonesian catalog without GNU gettext: extract, update, check (Babel + Django's
template converter). `python -m federation.i18n_catalog update|check`.

msgids are English (Django's convention); Indonesian is the default language, so every
msgid must have an Indonesian translation: `check` (and a test) fail when one is missing.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "platform",
    ROOT / "tenants",
    ROOT / "marketplace",
    ROOT / "ppob",
    ROOT / "retail",
]
PO_FILE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "pgettext_lazy": ((1, "c"), 2),
    "ngettext_lazy": (1, 2),
    "_lazy": None,
}
SKIP_PARTS = {"migrations", "__pycache__", "tests"}


def _files() -> Iterator[Path]:
    for base in SOURCES:
        for path in sorted(base.rglob("*")):
            if SKIP_PARTS & set(path.parts) or not path.is_file():
                continue
            if path.suffix in {".py", ".html", ".txt"} and (
                path.suffix == ".py" or "templates" in path.parts
            ):
                yield path


def extract_messages() -> dict[str, set[str]]:
    """msgid -> where it is used ("file:line")."""
    from django.utils.translation.template import templatize

    found: dict[str, set[str]] = {}
    options: Any = {"encoding": "utf-8"}
    for path in _files():
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            source = templatize(source, origin=str(path))
        for lineno, _func, message, _comments in extract_python(
            io.BytesIO(source.encode("utf-8")), KEYWORDS, [], options
        ):
            messages = message if isinstance(message, tuple) else (message,)
            for msgid in messages:
                if isinstance(msgid, str) and msgid:
                    found.setdefault(msgid, set()).add(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def load_catalog() -> Catalog:
    if PO_FILE.exists():
        with open(PO_FILE, "rb") as fh:
            return read_po(fh, locale="id")
    return Catalog(locale="id", project="koperasi-federasi")


def missing_translations() -> list[str]:
    catalog = load_catalog()
    missing = []
    for msgid in sorted(extract_messages()):
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(msgid)
    return missing


def update() -> int:
    """Add new msgids (empty), drop unused ones, keep every existing translation."""
    used = extract_messages()
    old = load_catalog()
    new = Catalog(locale="id", project="koperasi-federasi", fuzzy=False)
    for msgid in sorted(used):
        previous = old.get(msgid)
        new.add(
            msgid,
            previous.string if previous is not None else "",
            locations=[],
            flags=previous.flags if previous is not None else (),
        )
    PO_FILE.parent.mkdir(parents=True, exist_ok=True)
    with open(PO_FILE, "wb") as fh:
        write_po(fh, new, width=100, omit_header=False, sort_output=True)
    return len([m for m in new if m.id and not m.string])


def merge(paths: list[str]) -> int:
    """Take translations from `msgid<TAB>msgstr` lines (\\n for a newline) into the catalog."""
    update()
    catalog = load_catalog()
    taken = 0
    for name in paths:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            msgid, msgstr = (part.replace("\\n", "\n") for part in line.split("\t", 1))
            entry = catalog.get(msgid)
            if entry is not None and msgstr.strip():
                entry.string = msgstr
                taken += 1
    with open(PO_FILE, "wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    return taken


def main() -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.settings")
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
    django.setup()
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "merge":
        print(f"{merge(sys.argv[2:])} translations merged")
        return 0
    if command == "update":
        untranslated = update()
        print(f"{PO_FILE.relative_to(ROOT)} updated; {untranslated} untranslated")
        return 0
    missing = missing_translations()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
