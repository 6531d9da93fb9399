"""The cooperative's general ledger: double entry, immutable, hash-chained, verifiable.

accounts  the chart of accounts (add, rename, deactivate)
posting   journal_post / journal_reverse and the balance check
periods   monthly fiscal periods (close, reopen)
chain     sealing entries into the hash chain, daily Merkle roots, proofs
hashing   the pure hash rules (canonical entry, chain link, Merkle tree): what a member
          needs to check a proof without our code
verify    recomputing everything against the published roots
reports   trial balance and general ledger (read only)
"""
