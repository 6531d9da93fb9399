"""SHU: the bylaws' split in versions, the year-end simulation and final distribution, and
each member's statement (docs/decisions/0011-shu.md)."""
