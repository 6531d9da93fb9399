"""PPOB's writes: catalogue and prices, purchases and their results, money, review,
settlement. Reads are in ppob.selectors."""
