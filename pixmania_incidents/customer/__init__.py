"""The customer's pages: `/orders`, `/orders/[line_id]/report`, `/incidents`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
