"""Every member of the current cooperative as an Excel workbook: number, name, masked NIK
(never the whole NIK: the file leaves the system), status and each savings balance."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from tenants.members.selectors import member_nik_masked
from tenants.models import Member, MemberStatus, SavingsAccount

BALANCE_COLUMNS = ("pokok", "wajib", "sukarela")


def members_export_xlsx() -> bytes:
    balances: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for member_id, code, balance in SavingsAccount.objects.filter(
        product__code__in=BALANCE_COLUMNS
    ).values_list("member_id", "product__code", "balance"):
        balances[member_id][code] = balances[member_id].get(code, Decimal(0)) + balance
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Members"))
    header = [
        _("Member number"),
        _("Full name"),
        _("NIK"),
        _("Status"),
        "Simpanan Pokok",
        "Simpanan Wajib",
        "Simpanan Sukarela",
    ]
    sheet.append(header)
    for member in Member.objects.order_by("member_number").iterator(chunk_size=2000):
        own = balances.get(member.pk, {})
        sheet.append(
            [
                member.member_number,
                member.full_name,
                member_nik_masked(member),
                str(MemberStatus(member.status).label),
                *(own.get(code, Decimal(0)) for code in BALANCE_COLUMNS),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
