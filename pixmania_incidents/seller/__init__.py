"""The seller's pages: `/board`, `/insights`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
