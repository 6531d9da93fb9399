"""Daily roots of each cooperative's ledger, in the public schema.

A cooperative's staff write to their own schema; the roots of what they wrote live here,
out of that schema, append-only (a trigger refuses UPDATE and DELETE). Each day's root is
chained to the day before, so changing any past day changes every later chained root.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

HEX64 = r"^[0-9a-f]{64}$"


class PublishedRoot(models.Model):
    cooperative = models.ForeignKey(
        "registry.Cooperative",
        on_delete=models.PROTECT,
        related_name="published_roots",
        verbose_name=_("cooperative"),
    )
    day = models.DateField(_("day"))
    entries_count = models.PositiveIntegerField(_("entries"))
    merkle_root = models.CharField(_("Merkle root"), max_length=64)
    previous_root = models.CharField(_("previous chained root"), max_length=64)
    chained_root = models.CharField(_("chained root"), max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["cooperative_id", "day"]
        verbose_name = _("published root")
        verbose_name_plural = _("published roots")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "day"], name="notary_root_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(merkle_root__regex=HEX64)
                & models.Q(previous_root__regex=HEX64)
                & models.Q(chained_root__regex=HEX64),
                name="notary_root_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.day} {self.chained_root[:12]}"
