"""The viewer's interface language, kept in a cookie so it survives reloads."""

import reflex as rx

from pixmania_incidents.i18n import norm_locale


class LocaleState(rx.State):
    locale: str = rx.Cookie("fr", name="pixmania_locale", same_site="lax", max_age=365 * 24 * 3600)

    @rx.var
    def is_en(self) -> bool:
        return self.locale == "en"

    @rx.event
    def toggle_locale(self):
        self.locale = "fr" if norm_locale(self.locale) == "en" else "en"
