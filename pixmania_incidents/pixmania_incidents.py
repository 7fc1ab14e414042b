"""The app: pages, API routes and background tasks. Nothing else lives here."""

import reflex as rx

from pixmania_incidents.pages.policy import policy_page

app = rx.App(theme=rx.theme(accent_color="indigo", radius="medium"))
app.add_page(policy_page, route="/", title="Pixmania · Politique de gestion des incidents")
