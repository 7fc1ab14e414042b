"""The product team's pages: `/flags`, `/listings/[listing_id]`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
