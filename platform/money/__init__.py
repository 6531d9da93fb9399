"""Money: Decimal amounts in rupiah, one rounding helper, one formatter."""
