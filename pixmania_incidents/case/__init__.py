"""`/incidents/[incident_id]`: the incident page for every role, and each role's panel beside its state.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
