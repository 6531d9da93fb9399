"""Loans to members: products, schedules, the application-to-closing workflow, repayments,
the daily aging with its loss allowance (PPAP), and the portfolio's selectors.
docs/loans.md describes the methods and formulas; decision 0009 the approval routes."""
