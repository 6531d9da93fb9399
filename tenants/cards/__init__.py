"""Member cards: the printable card with its signed QR, the scan page and the activation
code screen, on the staff pages at staf/kartu/."""
