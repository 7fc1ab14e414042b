"""/board: the shop's incidents as a kanban, one column per state, most urgent card first."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS, TYPES
from pixmania_incidents.seller.board_state import BoardState
from pixmania_incidents.services.board import SORTS
from pixmania_incidents.shell.badges import DEADLINE_COLOURS, ball_label, deadline_badge, outcome_note
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import IncidentState, Role

ONE_LINE = {"overflow": "hidden", "textOverflow": "ellipsis", "whiteSpace": "nowrap", "maxWidth": "100%"}
# Below this width a phone shows one column at a time, picked with its count.
PHONE = "47.99em"


def state_label(state: rx.Var) -> rx.Var:
    return rx.match(state, *[(s.value, t(f"state.{s.value}")) for s in IncidentState], state)


def type_label(code: rx.Var) -> rx.Component:
    return rx.match(code, *[(c.value, pick(p.label_fr, p.label_en)) for c, p in TYPES.items()], code)


def _wanted_label(code: rx.Var) -> rx.Component:
    return rx.match(code, *[(k.value, pick(*pair)) for k, pair in SOLUTION_LABELS.items()], code)


def _obligation_label(kind: rx.Var) -> rx.Component:
    return rx.match(kind, *[(k.value, pick(*pair)) for k, pair in OBLIGATION_LABELS.items()], kind)


def _edge_colour(state: rx.Var) -> rx.Var:
    return rx.match(state, *[(s, f"var(--{c}-9)") for s, c in DEADLINE_COLOURS.items()], "var(--gray-6)")


def _obligation(ob: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("circle-dot", size=12, color="var(--gray-10)", flex_shrink="0", margin_top="0.2em"),
        rx.flex(
            rx.text(_obligation_label(ob.kind), size="1"),
            rx.cond(
                ob.due_at != "",
                rx.text(countdown(ob.due_at), size="1", color_scheme="gray"),
                rx.text(t("seller.board.waiting_start"), size="1", color_scheme="gray"),
            ),
            column_gap="0.35em",
            wrap="wrap",
            min_width="0",
        ),
        spacing="1",
        align="start",
    )


def _card(card: rx.Var) -> rx.Component:
    """Compact enough for six columns side by side at 1280 px: badges wrap under the reference."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.flex(
                    rx.text(card.reference, size="1", weight="bold", font_family="monospace", white_space="nowrap"),
                    rx.cond(card.deadline_state != "", deadline_badge(card.deadline_state)),
                    spacing="1",
                    wrap="wrap",
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.text(type_label(card.type), size="2", weight="medium"),
                rx.text(card.listing_title, size="1", color_scheme="gray", trim="both", style=ONE_LINE),
                rx.flex(
                    rx.text(card.customer_name, size="1", flex="1", min_width="0", style=ONE_LINE),
                    rx.text(card.amount, size="1", weight="medium", white_space="nowrap", data_testid="card-amount"),
                    spacing="2",
                    justify="between",
                    width="100%",
                ),
                rx.cond(
                    card.wanted != "",
                    rx.text(
                        t("seller.board.wants"),
                        " ",
                        rx.text.strong(_wanted_label(card.wanted)),
                        size="1",
                        data_testid="card-wanted",
                    ),
                ),
                rx.cond(
                    card.assignee != "",
                    rx.hstack(
                        rx.icon("user-round", size=12, aria_hidden="true"),
                        rx.text(t("seller.board.assigned_to"), " ", card.assignee, size="1"),
                        spacing="1",
                        align="center",
                        data_testid="card-assignee",
                    ),
                ),
                outcome_note(card.outcome),
                rx.flex(
                    rx.text(ball_label(card.ball), size="1", weight="medium"),
                    rx.cond(card.next_due_at != "", rx.text(countdown(card.next_due_at), size="1", weight="bold")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    card.obligations.length() > 0,
                    rx.vstack(rx.foreach(card.obligations, _obligation), spacing="1"),
                ),
                spacing="1",
                align="start",
                width="100%",
                min_width="0",
                # Long words ("Remboursement/Retour", a countdown) wrap inside a narrow column.
                style={
                    "overflowWrap": "anywhere",
                    # the countdown and its parts ("Dépassé depuis 16 h 05") wrap inside a narrow column
                    "& [data-testid='countdown'], & [data-testid='countdown'] *": {"whiteSpace": "normal !important"},
                },
            ),
            size="1",
            width="100%",
            style={"borderLeft": "4px solid", "borderLeftColor": _edge_colour(card.deadline_state)},
        ),
        href=f"/incidents/{card.reference}",  # the case's address is its reference (vocabulary.case_path)
        underline="none",
        color="inherit",
        data_testid="board-card",
        data_reference=card.reference,
        data_state=card.state,
        data_type=card.type,
        width="100%",
    )


def _column_cards(column: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.foreach(column.cards, _card),
        rx.cond(column.count == 0, rx.text(t("seller.board.empty"), size="1", color_scheme="gray", padding="0.5em")),
        rx.cond(
            column.has_more,
            rx.button(
                t("seller.board.show_more"),
                variant="soft",
                size="1",
                width="100%",
                on_click=BoardState.show_more(column.state),
            ),
        ),
        spacing="2",
        width="100%",
    )


def _column(column: rx.Var) -> rx.Component:
    is_closed = column.state == "closed"
    return rx.vstack(
        rx.hstack(
            rx.heading(state_label(column.state), size="2", as_="h2"),
            rx.badge(column.count, variant="soft", radius="full", data_testid="column-count"),
            rx.spacer(),
            rx.cond(
                is_closed,
                rx.button(
                    rx.cond(BoardState.show_closed, t("seller.board.hide_closed"), t("seller.board.show_closed")),
                    size="1",
                    variant="ghost",
                    on_click=BoardState.toggle_closed,
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(is_closed, rx.text(t("seller.board.closed_recent"), size="1", color_scheme="gray")),
        rx.cond(~is_closed | BoardState.show_closed, _column_cards(column)),
        spacing="2",
        min_width="0",
        padding="0.5em",
        border_radius="var(--radius-3)",
        background="var(--gray-a2)",
        align="start",
        data_testid="board-column",
        data_state=column.state,
        data_current=rx.cond(BoardState.current == column.state, "yes", "no"),
    )


def _phone_picker() -> rx.Component:
    """On a phone, one column at a time: every column's name with its count, in a native select."""
    return rx.vstack(
        rx.el.label(t("seller.board.column"), html_for="board-column-picker", style=LABEL),
        rx.el.select(
            rx.foreach(
                BoardState.columns,
                lambda c: rx.el.option(f"{state_label(c.state)} ({c.count})", value=c.state),
            ),
            id="board-column-picker",
            value=BoardState.current,
            on_change=BoardState.show_column,
            data_testid="board-column-picker",
            style={
                "width": "100%",
                "minHeight": "2.5em",
                "fontSize": "var(--font-size-3)",
                "padding": "0 0.5em",
                "borderRadius": "var(--radius-2)",
                "border": "1px solid var(--gray-7)",
                "background": "var(--color-surface)",
                "color": "var(--gray-12)",
            },
        ),
        spacing="1",
        width="100%",
        display=rx.breakpoints(initial="flex", sm="none"),
    )


LABEL = {"fontWeight": "500", "fontSize": "var(--font-size-1)"}


def _select(
    label_key: str, options: list[tuple[str, rx.Var]], on_change, testid: str, default: str = "all"
) -> rx.Component:
    everything = [("all", t("seller.board.all"))] if default == "all" else []
    return rx.vstack(
        rx.text(t(label_key), size="1", weight="medium", as_="label"),
        rx.select.root(
            rx.select.trigger(aria_label=t(label_key), min_width="12em", data_testid=testid),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in [*everything, *options]]),
            default_value=default,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.flex(
        _select(
            "seller.board.filter_type",
            [(c.value, pick(p.label_fr, p.label_en)) for c, p in TYPES.items()],
            BoardState.filter_type,
            "filter-type",
        ),
        _select(
            "seller.board.filter_deadline",
            [(s, t(f"deadline.{s}")) for s in OPEN_DEADLINE_STATES],
            BoardState.filter_deadline,
            "filter-deadline",
        ),
        _select(
            "seller.board.sort",
            [(name, t(f"seller.board.sort_{name}")) for name in SORTS],
            BoardState.sort_by,
            "board-sort",
            default="deadline",
        ),
        rx.button(
            rx.icon("download", size=14),
            t("seller.board.export"),
            variant="soft",
            size="2",
            on_click=BoardState.export_csv,
            data_testid="board-export",
        ),
        rx.el.label(
            rx.checkbox(on_change=BoardState.filter_mine, aria_label=t("seller.board.mine"), data_testid="filter-mine"),
            rx.text(t("seller.board.mine"), size="2"),
            style={
                "display": "flex",
                "gap": "0.5em",
                "alignItems": "center",
                "minHeight": "2.25em",
                "cursor": "pointer",
            },
        ),
        rx.vstack(
            rx.el.label(
                t("seller.board.filter_text"),
                html_for="board-search",
                style=LABEL,
            ),
            rx.input(
                id="board-search",
                placeholder=t("seller.board.filter_text_placeholder"),
                type="search",
                on_change=BoardState.filter_text.debounce(300),
                width="100%",
            ),
            spacing="1",
            flex_grow="1",
            min_width="14em",
        ),
        gap="0.75em",
        wrap="wrap",
        align="end",
        width="100%",
    )


@page("/board", "Pixmania · Tableau des incidents", roles=[Role.seller], on_load=[BoardState.load])
def board_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("seller.board.title"), size="6", as_="h1"),
            rx.text(t("seller.board.intro"), color_scheme="gray", size="2"),
            _filters(),
            _phone_picker(),
            rx.grid(
                rx.foreach(BoardState.columns, _column),
                # Six columns side by side from 992 px, three by two on a tablet, one on a phone.
                grid_template_columns=rx.breakpoints(
                    initial="minmax(0, 1fr)", sm="repeat(3, minmax(0, 1fr))", md="repeat(6, minmax(0, 1fr))"
                ),
                gap="0.5em",
                align_items="start",
                width="100%",
                style={f"@media (max-width: {PHONE})": {"& > [data-current='no']": {"display": "none"}}},
                data_testid="board",
            ),
            spacing="4",
            width="100%",
        ),
    )
