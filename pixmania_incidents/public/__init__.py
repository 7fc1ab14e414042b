"""The page for visitors: `/`, the incident policy.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
