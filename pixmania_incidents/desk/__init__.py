"""Customer service's pages: `/supervision`, `/trends`, `/guidelines`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
