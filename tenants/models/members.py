"""The member registry (buku daftar anggota) of one cooperative.

NIK, KK number and phone are personal data: stored only encrypted (tenants.members.crypto),
with a keyed hash of the NIK for uniqueness and look-up. Writes go through
tenants.members.services only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

HEX64 = r"^[0-9a-f]{64}$"


class MemberKind(models.TextChoices):
    BIASA = "biasa", _("Regular member (anggota biasa)")
    LUAR_BIASA = "luar_biasa", _("Associate member (anggota luar biasa)")


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")
    EXPELLED = "expelled", _("Expelled")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class HeirRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class Member(models.Model):
    """One member (or applicant) of the cooperative."""

    member_number = models.CharField(_("member number"), max_length=12, unique=True)
    nik_encrypted = models.TextField(_("NIK (encrypted)"))
    nik_hash = models.CharField(_("NIK look-up hash"), max_length=64, unique=True)
    kk_encrypted = models.TextField(_("family card number (encrypted)"))
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    desa = models.CharField(_("village (desa/kelurahan)"), max_length=100)
    kecamatan = models.CharField(_("district (kecamatan)"), max_length=100)
    kabupaten = models.CharField(_("regency or city (kabupaten/kota)"), max_length=100)
    provinsi = models.CharField(_("province"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MemberKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices)
    join_date = models.DateField(_("join date"))
    # identity.User lives in the public schema: no foreign key across schemas.
    user_id = models.BigIntegerField(_("user account"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "members_member"
        ordering = ["member_number"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(member_number__regex=r"^[0-9]{7,12}$"),
                name="members_member_number_digits",
            ),
            models.CheckConstraint(
                condition=Q(nik_hash__regex=HEX64), name="members_member_nik_hash_hex"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="members_member_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MemberKind.values), name="members_member_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values), name="members_member_sex_valid"
            ),
        ]
        indexes = [models.Index(fields=["full_name"], name="members_member_name_idx")]

    def __str__(self) -> str:
        # Never the NIK or phone: this ends up in logs and error reports.
        return f"{self.member_number} {self.full_name}"

    def __repr__(self) -> str:
        return f"<Member {self.member_number} ({self.status})>"


class MemberNumberCounter(models.Model):
    """The last member number given out: one row, bumped by an upsert that holds its row
    lock until commit, so numbers are never duplicated and a rolled-back registration
    leaves no gap."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "members_number_counter"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="members_number_counter_single_row")
        ]

    def __str__(self) -> str:
        return str(self.last_number)


class MemberStatusChange(models.Model):
    """One step of a member's lifecycle, dated, with the reason."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("member")
    )
    from_status = models.CharField(
        _("from status"), max_length=10, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=10, choices=MemberStatus.choices)
    effective_date = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"), blank=True)
    heir_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inherited_from",
        verbose_name=_("heir who continues the membership"),
    )
    actor_id = models.BigIntegerField(_("recorded by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "members_status_change"
        ordering = ["member_id", "id"]
        verbose_name = _("member status change")
        verbose_name_plural = _("member status changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=MemberStatus.values),
                name="members_status_change_to_valid",
            ),
            models.CheckConstraint(
                condition=~Q(heir_member=models.F("member")),
                name="members_status_change_heir_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} ({self.effective_date})"


class Heir(models.Model):
    """A person named to inherit a member's rights (savings, SHU share)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="heirs", verbose_name=_("member")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=10, choices=HeirRelation.choices)
    nik_encrypted = models.TextField(_("NIK (encrypted)"), blank=True)
    share_percent = models.DecimalField(_("share (percent)"), max_digits=5, decimal_places=2)

    class Meta:
        db_table = "members_heir"
        ordering = ["member_id", "id"]
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0, share_percent__lte=100),
                name="members_heir_share_range",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=HeirRelation.values), name="members_heir_relation_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.relation}, {self.share_percent}%)"
