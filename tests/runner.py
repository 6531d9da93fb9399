"""`python -m tests.runner`: the pytest run behind `make test`.

Browser tests need Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH); without it
they are skipped, and this says so loudly. Exit code 5 (no tests collected) is a failure.
"""

from __future__ import annotations

import os
import sys

import pytest

from tests.browser_support import chromium_path


def main() -> int:
    args = sys.argv[1:]
    if chromium_path() is None:
        print(
            "\n*** chromium not found at /usr/bin/chromium: browser tests will be SKIPPED "
            "(apt-get install -y chromium) ***\n",
            flush=True,
        )
    workers = os.environ.get("TEST_WORKERS", "2")
    if workers != "0" and not any(a.startswith("-n") for a in args):
        args = ["-n", workers, "--dist", "loadfile", *args]
    code = pytest.main(args)
    return 1 if code == pytest.ExitCode.NO_TESTS_COLLECTED else int(code)


if __name__ == "__main__":
    sys.exit(main())
