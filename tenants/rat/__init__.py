"""RAT: the members' meeting (agenda, documents, attendance and quorum, votes, the RAT pack
and the ministry's ODS export). See docs/rat.md."""
