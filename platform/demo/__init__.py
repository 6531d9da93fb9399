"""The demo federation: a secondary cooperative and 16 primary cooperatives (fictional
organisations named after real districts of Kabupaten Sleman), their staff and logins."""
