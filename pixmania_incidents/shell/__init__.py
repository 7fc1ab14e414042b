"""What every area stands on: the session and the one helper that calls services, the guard and the
page registry, the page frame, the bell, badges, forms and the analytics period.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
