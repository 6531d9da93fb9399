"""A cooperative's financial statements (SAK EP): computed from the postings, shown on
screen, as PDF and as Excel from one table model."""
