"""The default chart of accounts of a primary cooperative (SAK EP style, savings and
loans plus trading). Data only: the template schema gets it, so every new cooperative
starts with it. Cooperatives edit it through tenants.ledger.accounts.

Simpanan pokok and wajib are equity here (UU 25/1992 art. 41, modal sendiri); a
cooperative that books them as liabilities under the newer reading changes that later.
"""

from django.db import migrations

# code, name, name_en, type, parent code, group?, normal side (None: from the type)
CHART = [
    ("1", "Aset", "Assets", "asset", None, True, None),
    ("11", "Aset Lancar", "Current assets", "asset", "1", True, None),
    ("1101", "Kas", "Cash", "asset", "11", False, None),
    ("1102", "Bank", "Bank", "asset", "11", False, None),
    ("1103", "Piutang Pinjaman Anggota", "Loans to members", "asset", "11", False, None),
    ("1104", "Piutang Pinjaman Koperasi Lain", "Loans to other cooperatives", "asset", "11", False, None),
    ("1105", "Cadangan Kerugian Piutang", "Allowance for loan losses", "asset", "11", False, "credit"),
    ("1106", "Piutang Jasa Pinjaman", "Loan interest receivable", "asset", "11", False, None),
    ("1107", "Persediaan Barang", "Inventory", "asset", "11", False, None),
    ("1108", "Piutang Lain-lain", "Other receivables", "asset", "11", False, None),
    ("1109", "Beban Dibayar di Muka", "Prepaid expenses", "asset", "11", False, None),
    ("12", "Investasi", "Investments", "asset", "1", True, None),
    ("1201", "Penyertaan pada Koperasi Sekunder", "Equity in the secondary cooperative", "asset", "12", False, None),
    ("1202", "Simpanan pada Koperasi Sekunder", "Savings at the secondary cooperative", "asset", "12", False, None),
    ("13", "Aset Tetap", "Fixed assets", "asset", "1", True, None),
    ("1301", "Tanah", "Land", "asset", "13", False, None),
    ("1302", "Bangunan", "Buildings", "asset", "13", False, None),
    ("1303", "Peralatan dan Inventaris", "Equipment and furniture", "asset", "13", False, None),
    ("1304", "Kendaraan", "Vehicles", "asset", "13", False, None),
    ("1305", "Akumulasi Penyusutan Aset Tetap", "Accumulated depreciation", "asset", "13", False, "credit"),
    ("2", "Kewajiban", "Liabilities", "liability", None, True, None),
    ("21", "Kewajiban Jangka Pendek", "Current liabilities", "liability", "2", True, None),
    ("2101", "Simpanan Sukarela", "Voluntary savings", "liability", "21", False, None),
    ("2102", "Simpanan Berjangka", "Time deposits", "liability", "21", False, None),
    ("2103", "Utang Jasa Simpanan", "Savings interest payable", "liability", "21", False, None),
    ("2104", "Utang SHU Anggota", "SHU payable to members", "liability", "21", False, None),
    ("2105", "Dana Pengurus dan Pengawas", "Board and supervisors' fund", "liability", "21", False, None),
    ("2106", "Dana Karyawan", "Staff fund", "liability", "21", False, None),
    ("2107", "Dana Pendidikan", "Education fund", "liability", "21", False, None),
    ("2108", "Dana Sosial", "Social fund", "liability", "21", False, None),
    ("2109", "Utang Pajak", "Taxes payable", "liability", "21", False, None),
    ("2110", "Utang Lain-lain", "Other payables", "liability", "21", False, None),
    ("22", "Kewajiban Jangka Panjang", "Long-term liabilities", "liability", "2", True, None),
    ("2201", "Utang Bank", "Bank loans", "liability", "22", False, None),
    ("2202", "Utang kepada Koperasi Sekunder", "Loans from the secondary cooperative", "liability", "22", False, None),
    ("3", "Ekuitas", "Equity", "equity", None, True, None),
    ("3101", "Simpanan Pokok", "Principal savings (simpanan pokok)", "equity", "3", False, None),
    ("3102", "Simpanan Wajib", "Mandatory savings (simpanan wajib)", "equity", "3", False, None),
    ("3103", "Cadangan", "Reserves", "equity", "3", False, None),
    ("3104", "Hibah", "Grants", "equity", "3", False, None),
    ("3105", "SHU Tahun Berjalan", "Current year's SHU", "equity", "3", False, None),
    ("3106", "SHU Tahun Lalu Belum Dibagi", "Prior years' undistributed SHU", "equity", "3", False, None),
    ("4", "Pendapatan", "Income", "income", None, True, None),
    ("41", "Pendapatan Usaha", "Operating income", "income", "4", True, None),
    ("4101", "Pendapatan Jasa Pinjaman", "Loan interest income", "income", "41", False, None),
    ("4102", "Pendapatan Administrasi", "Administration fees", "income", "41", False, None),
    ("4103", "Pendapatan Provisi", "Provision fees", "income", "41", False, None),
    ("4104", "Pendapatan Denda", "Late-payment penalties", "income", "41", False, None),
    ("4105", "Penjualan", "Sales", "income", "41", False, None),
    ("4106", "Pendapatan Komisi", "Commissions", "income", "41", False, None),
    ("42", "Pendapatan Lain-lain", "Other income", "income", "4", True, None),
    ("4201", "Pendapatan Bunga Bank", "Bank interest income", "income", "42", False, None),
    ("4202", "Pendapatan Lain-lain", "Other income", "income", "42", False, None),
    ("5", "Beban", "Expenses", "expense", None, True, None),
    ("51", "Beban Pokok", "Cost of services and goods", "expense", "5", True, None),
    ("5101", "Beban Jasa Simpanan", "Interest on voluntary savings", "expense", "51", False, None),
    ("5102", "Beban Jasa Simpanan Berjangka", "Interest on time deposits", "expense", "51", False, None),
    ("5103", "Beban Penyisihan Kerugian Piutang", "Loan loss provision", "expense", "51", False, None),
    ("5104", "Harga Pokok Penjualan", "Cost of goods sold", "expense", "51", False, None),
    ("52", "Beban Usaha", "Operating expenses", "expense", "5", True, None),
    ("5201", "Beban Gaji dan Tunjangan", "Salaries and allowances", "expense", "52", False, None),
    ("5202", "Beban Operasional", "Operating expenses (office, utilities)", "expense", "52", False, None),
    ("5203", "Beban Penyusutan", "Depreciation", "expense", "52", False, None),
    ("5204", "Beban Rapat Anggota Tahunan", "Annual members' meeting (RAT)", "expense", "52", False, None),
    ("5205", "Beban Pendidikan Anggota", "Member education", "expense", "52", False, None),
    ("5206", "Beban Pajak Penghasilan", "Income tax", "expense", "52", False, None),
    ("53", "Beban Lain-lain", "Other expenses", "expense", "5", True, None),
    ("5301", "Beban Administrasi Bank", "Bank charges", "expense", "53", False, None),
    ("5302", "Beban Lain-lain", "Other expenses", "expense", "53", False, None),
]
DEBIT_TYPES = {"asset", "expense"}


def chart_load(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    made = {}
    for code, name, name_en, type_, parent, is_group, side in CHART:
        made[code] = Account.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            type=type_,
            normal_side=side or ("debit" if type_ in DEBIT_TYPES else "credit"),
            parent=made[parent] if parent else None,
            is_group=is_group,
        )
    AccountBalance.objects.bulk_create(
        [AccountBalance(account=made[row[0]]) for row in CHART if not row[5]]
    )


def chart_unload(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    codes = [row[0] for row in CHART]
    AccountBalance.objects.filter(account__code__in=codes).delete()
    for code in sorted(codes, key=len, reverse=True):  # sub-accounts before their groups
        Account.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_ledger_guards")]

    operations = [migrations.RunPython(chart_load, chart_unload)]
