"""What a member sees of their own savings: balances, history, arrears, jasa, statements
and the proof that each of their transactions is sealed in the cooperative's ledger."""
