"""The teller's desk: the cash drawer, deposits and withdrawals at the counter, receipts."""
