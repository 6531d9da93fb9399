"""Interest and payouts on members' savings: monthly jasa on simpanan sukarela (jasa),
wajib arrears (arrears), time deposits (berjangka) and the payout of a member who leaves
(resignation)."""
