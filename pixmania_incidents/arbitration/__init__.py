"""The arbitrators' pages: `/arbitration`, `/arbitration/[incident_id]`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
