"""`python -m bench [--quick]`: the tenant suite; `python -m bench books [--quick]`: the books;
`python -m bench loans [--quick]`: loans; `python -m bench shu [--quick]`: SHU."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["books"]:
        from bench.books import main as books_main

        sys.exit(books_main(sys.argv[2:]))
    if sys.argv[1:2] == ["loans"]:
        from bench.loans import main as loans_main

        sys.exit(loans_main(sys.argv[2:]))
    if sys.argv[1:2] == ["shu"]:
        from bench.shu import main as shu_main

        sys.exit(shu_main(sys.argv[2:]))
    if sys.argv[1:2] == ["ppob"]:
        from bench.ppob import main as ppob_main

        sys.exit(ppob_main(sys.argv[2:]))
    if sys.argv[1:2] == ["demo"]:
        from bench.demo import main as demo_main

        sys.exit(demo_main(sys.argv[2:]))
    from bench.main import main

    sys.exit(main())
