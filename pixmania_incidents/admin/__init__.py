"""The administrator's pages: `/admin/accounts`, `/admin/shops`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
