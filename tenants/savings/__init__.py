"""Members' savings (simpanan): pokok, wajib, sukarela and berjangka.

products      the rules of each kind of savings (what may be deposited or withdrawn)
services      opening accounts, deposits and withdrawals, each with its journal entry
selectors     reads, and the check that balances agree with the ledger
lock_objects  the savings account's row lock
"""
