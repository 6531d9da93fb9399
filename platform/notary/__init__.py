"""Published roots of every cooperative's ledger, kept outside the cooperative's schema."""
