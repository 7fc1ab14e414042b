"""`/orders/[line_id]/report`: pick the problem, describe it, attach evidence, confirm.

Each type says, from the policy data, what the seller must do and by when, and which
evidence is expected (photos for damaged and defective items). A refused repeat names the
incident already there and links to it.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.customer.report_state import OpenIncidentState
from pixmania_incidents.policy import SOLUTION_LABELS, TYPES, TypePolicy
from pixmania_incidents.shell.drafts import draft_keeper, draft_scope, draft_value
from pixmania_incidents.shell.failure import loaded, loading
from pixmania_incidents.shell.forms import button_link, file_picker
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import filled, pick, t
from pixmania_incidents.vocabulary import MAX_TEXT, Role


def _type_item(tp: TypePolicy) -> rx.Component:
    code = tp.code.value
    blocked = OpenIncidentState.blocked[code]
    return rx.radio_cards.item(
        rx.vstack(
            rx.text(pick(tp.label_fr, tp.label_en), weight="bold"),
            rx.cond(
                OpenIncidentState.blocked.contains(code),
                rx.text(
                    rx.cond(blocked["open"] != "", t("customer.report.type_open"), t("customer.report.type_done")),
                    " ",
                    blocked["reference"],
                    size="1",
                    color_scheme="gray",
                ),
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        value=code,
        disabled=OpenIncidentState.blocked.contains(code),
    )


def _details(tp: TypePolicy) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("customer.report.seller_must"), size="3", as_="h2"),
            rx.text(pick(tp.summary_fr, tp.summary_en), size="2"),
            rx.unordered_list(*[rx.list_item(pick(step.fr, step.en), size="2") for step in tp.checklist], margin_y="0"),
            rx.text(
                rx.icon("clock", size=14),
                " ",
                filled(
                    "customer.report.timing",
                    target=tp.response_target_hours,
                    max=tp.response_max_hours,
                    days=tp.resolution_business_days,
                ),
                size="2",
                weight="medium",
            ),
            rx.text(
                t("customer.report.solutions"),
                " ",
                rx.hstack(
                    *[rx.badge(pick(*SOLUTION_LABELS[s]), variant="soft") for s in tp.solutions],
                    wrap="wrap",
                    display="inline-flex",
                    spacing="1",
                ),
                size="2",
            ),
            rx.callout(
                rx.text(rx.text.strong(t("customer.report.evidence")), " ", pick(tp.evidence_fr, tp.evidence_en)),
                icon="camera" if tp.photos_required else "paperclip",
                color_scheme="orange" if tp.photos_required else "blue",
                size="1",
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid="type-details",
    )


def _wish(tp: TypePolicy) -> rx.Component:
    """What the customer wants, among what the policy lets the seller offer for this type."""
    options = [("", t("customer.report.no_preference")), *[(s.value, pick(*SOLUTION_LABELS[s])) for s in tp.solutions]]
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=value or "none"),
                    rx.text(label, size="2"),
                    style={"display": "flex", "gap": "0.5em", "alignItems": "center", "cursor": "pointer"},
                )
                for value, label in options
            ],
            direction="column",
            spacing="2",
        ),
        value=rx.cond(OpenIncidentState.wanted != "", OpenIncidentState.wanted, "none"),
        on_change=OpenIncidentState.want,
        aria_labelledby="report-wish",
        data_testid="report-wish",
    )


def _form() -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.text(OpenIncidentState.line["title"], weight="bold"),
                rx.text(
                    OpenIncidentState.line["order"],
                    " · ",
                    OpenIncidentState.line["shop"],
                    " · ",
                    OpenIncidentState.line["total"],
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            width="100%",
        ),
        rx.cond(
            OpenIncidentState.line["blocked"] == "customer.orders.not_shipped",
            rx.callout(t("customer.orders.not_shipped"), icon="info", color_scheme="gray", width="100%"),
        ),
        rx.heading(t("customer.report.step_type"), size="4", as_="h2"),
        rx.radio_cards.root(
            *[_type_item(tp) for tp in TYPES.values()],
            value=OpenIncidentState.chosen_type,
            on_value_change=OpenIncidentState.choose,
            columns={"initial": "1", "sm": "2", "md": "3"},
            width="100%",
        ),
        rx.match(
            OpenIncidentState.chosen_type, *[(tp.code.value, _details(tp)) for tp in TYPES.values()], rx.fragment()
        ),
        rx.cond(
            OpenIncidentState.chosen_type != "",
            rx.vstack(
                rx.heading(t("customer.report.step_wish"), size="4", as_="h2", id="report-wish"),
                rx.match(
                    OpenIncidentState.chosen_type,
                    *[(tp.code.value, _wish(tp)) for tp in TYPES.values()],
                    rx.fragment(),
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.heading(t("customer.report.step_describe"), size="4", as_="h2"),
        rx.el.label(
            filled("customer.report.description_label", max=f"{MAX_TEXT:,}".replace(",", "\u202f")),
            html_for="report_description",
            style={"fontSize": "var(--font-size-2)"},
        ),
        rx.text_area(id="report_description", max_length=MAX_TEXT, rows="5", width="100%", required=True),
        draft_keeper("report_description", draft_scope("line", OpenIncidentState.line_id), "report_files"),
        rx.heading(t("customer.report.step_evidence"), size="4", as_="h2"),
        file_picker(
            "report_files",
            label=rx.match(
                OpenIncidentState.chosen_type,
                *[(tp.code.value, t("customer.report.photos_needed")) for tp in TYPES.values() if tp.photos_required],
                t("customer.report.attach"),
            ),
        ),
        rx.cond(
            OpenIncidentState.files_error != "",
            rx.callout(
                OpenIncidentState.files_error,
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
                width="100%",
                data_testid="files-error",
            ),
        ),
        rx.cond(
            OpenIncidentState.report_error != "",
            rx.callout(
                rx.vstack(
                    rx.text(OpenIncidentState.report_error),
                    rx.cond(
                        OpenIncidentState.existing_url != "",
                        rx.link(t("customer.report.see_existing"), href=OpenIncidentState.existing_url),
                    ),
                    spacing="1",
                ),
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
        ),
        rx.hstack(
            button_link(t("customer.cancel"), href="/orders", variant="soft", color_scheme="gray"),
            rx.button(
                rx.icon("send", size=16),
                t("customer.report.submit"),
                loading=OpenIncidentState.submitting,
                on_click=OpenIncidentState.submit(
                    rx.upload_files(upload_id="report_files"), draft_value("report_description", "report_files")
                ),
            ),
            spacing="3",
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
        align="start",
    )


@page(
    "/orders/[line_id]/report",
    "Pixmania · Signaler un problème",
    roles=[Role.customer.value],
    on_load=[OpenIncidentState.load],
)
def open_incident_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), t("customer.orders.title"), spacing="1", align="center"),
                href="/orders",
                size="2",
            ),
            rx.heading(t("customer.report.title"), size="6", as_="h1"),
            rx.cond(
                OpenIncidentState.missing,
                rx.callout(t("error.not_found"), icon="triangle_alert", color_scheme="red", width="100%"),
                rx.cond(loaded(OpenIncidentState.line_id), _form(), loading()),
            ),
            spacing="3",
            width="100%",
            max_width="900px",
        )
    )
