"""The frame of every page: brand, the role's own sections, the bell, the user, language, logout.

Navigation shows only the sections of the user's role; hiding a link is comfort, not
security (the guard and the services refuse the rest). Logout is a real form POST, so the
server can clear the HttpOnly cookie and the next page load starts without a session.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from pixmania_incidents.shell.bell import bell
from pixmania_incidents.shell.demo_band import demo_band
from pixmania_incidents.shell.forms import native_form
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role

#: role -> its sections (catalogue key, path), in menu order.
NAV_BY_ROLE: dict[str, list[tuple[str, str]]] = {
    Role.customer: [("nav.orders", "/orders"), ("nav.incidents", "/incidents")],
    Role.seller: [("nav.board", "/board"), ("nav.insights", "/insights"), ("nav.integrations", "/integrations")],
    Role.support: [
        ("nav.supervision", "/supervision"),
        ("nav.flags", "/flags"),
        ("nav.trends", "/trends"),
        ("nav.guidelines", "/guidelines"),
    ],
    Role.arbitrator: [
        ("nav.supervision", "/supervision"),
        ("nav.arbitration", "/arbitration"),
        ("nav.flags", "/flags"),
        ("nav.trends", "/trends"),
        ("nav.guidelines", "/guidelines"),
    ],
    Role.product: [("nav.flags", "/flags")],
    Role.admin: [
        ("nav.accounts", "/admin/accounts"),
        ("nav.shops", "/admin/shops"),
        ("nav.integrations", "/admin/integrations"),
    ],
}


def language_switch() -> rx.Component:
    return rx.button(t("lang.switch"), on_click=LocaleState.toggle_locale, variant="ghost", size="2")


def _by_role(render: Callable[[list[tuple[str, str]]], rx.Component]) -> rx.Component:
    return rx.match(
        SessionState.user_role,
        *[(role, render(items)) for role, items in NAV_BY_ROLE.items()],
        rx.fragment(),
    )


def _nav_links(items: list[tuple[str, str]]) -> rx.Component:
    return rx.hstack(*[rx.link(t(key), href=href, weight="medium") for key, href in items], spacing="4", wrap="wrap")


def _nav_menu(items: list[tuple[str, str]]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(rx.button(rx.icon("menu", size=16), t("nav.menu"), variant="soft", size="2")),
        rx.menu.content(
            # The item is the link itself (as_child): one focus stop per entry.
            *[rx.menu.item(rx.link(t(key), href=href, underline="none"), as_child=True) for key, href in items],
            rx.menu.separator(),
            rx.menu.item(rx.link(t("nav.account"), href="/account", underline="none"), as_child=True),
        ),
    )


def logout_button() -> rx.Component:
    return native_form(
        rx.button(t("nav.logout"), type="submit", variant="soft", color_scheme="gray", size="2"),
        action="/auth/logout",
        method="post",
        margin="0",
    )


class _DocumentTitle(rx.Component):
    """The tab's title: `title` when given (a case: its reference), else the page's h1 (`assets/a11y.jsx`)."""

    library = "$/public/a11y.jsx"
    tag = "DocumentTitle"

    title: rx.Var[str]
    brand: rx.Var[str]


class _SkipLink(rx.Component):
    """The first Tab stop: to the page's content, past the header (`assets/a11y.jsx`)."""

    library = "$/public/a11y.jsx"
    tag = "SkipLink"

    label: rx.Var[str]


class _ScrollRegions(rx.Component):
    """Scrolling regions take the keyboard focus (`assets/a11y.jsx`)."""

    library = "$/public/a11y.jsx"
    tag = "ScrollRegions"


def _for_assistive_technology(title: rx.Var | str) -> list[rx.Component]:
    """What every page starts with: the skip link, the tab's title, keyboard-scrollable regions."""
    return [
        _SkipLink.create(label=t("a11y.skip_to_main")),
        _DocumentTitle.create(title=title, brand=t("app.brand")),
        _ScrollRegions.create(),
    ]


def _main(*children: rx.Component, **props) -> rx.Component:
    """The page's own content, which the skip link jumps to."""
    return rx.el.main(*children, id="main", tab_index=-1, style={"outline": "none"}, **props)


def app_shell(*children: rx.Component, title: rx.Var | str = "") -> rx.Component:
    """Wraps a logged-in page; `title` names the tab when the page's heading is not enough."""
    return rx.box(
        *_for_assistive_technology(title),
        demo_band(),
        rx.el.header(
            rx.hstack(
                rx.link(
                    rx.heading(t("app.brand"), size="5", white_space="nowrap"),
                    href=SessionState.home_path,
                    underline="none",
                ),
                rx.box(_by_role(_nav_links), display=rx.breakpoints(initial="none", md="block"), margin_left="1em"),
                rx.spacer(),
                bell(),
                rx.box(_by_role(_nav_menu), display=rx.breakpoints(initial="block", md="none")),
                rx.link(
                    rx.hstack(
                        rx.icon("circle-user", size=18),
                        rx.text(SessionState.user_name, size="2"),
                        spacing="1",
                        align="center",
                    ),
                    href="/account",
                    color_scheme="gray",
                    underline="none",
                    display=rx.breakpoints(initial="none", sm="flex"),
                ),
                language_switch(),
                logout_button(),
                align="center",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            padding="0.75em 1.5em",
            border_bottom="1px solid var(--gray-a5)",
        ),
        _main(*children, max_width="1200px", margin="0 auto", padding=rx.breakpoints(initial="1em", md="1.5em")),
    )


def public_page(*children: rx.Component) -> rx.Component:
    """Wraps a page for visitors: brand, language, log in."""
    return rx.box(
        *_for_assistive_technology(""),
        demo_band(),
        rx.el.header(
            rx.hstack(
                rx.link(rx.heading(t("app.brand"), size="5"), href="/", underline="none"),
                rx.spacer(),
                language_switch(),
                rx.link(t("nav.login"), href="/login"),
                align="center",
                padding="1em 1.5em",
                border_bottom="1px solid var(--gray-a5)",
                spacing="4",
            )
        ),
        _main(*children, max_width="960px", margin="0 auto", padding="1.5em"),
    )
