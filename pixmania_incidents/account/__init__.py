"""Logging in and one's account: `/login`, `/register`, `/account`, `/password/...`.

Imports nothing: the catalogue reads this area's `strings.py` without loading its screens.
"""
