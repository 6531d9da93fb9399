"""Bulk import of members (with opening savings balances) from a spreadsheet, and export."""
