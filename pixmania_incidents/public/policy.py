"""Public page: the policy, generated from the policy data."""

import reflex as rx

from pixmania_incidents.policy import SOLUTION_LABELS, TYPES, TypePolicy
from pixmania_incidents.shell.layout import public_page
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import filled, pick, t


def _type_card(tp: TypePolicy, number: int) -> rx.Component:
    return rx.card(
        rx.heading(f"{number}. ", pick(tp.label_fr, tp.label_en), size="4", as_="h2"),
        rx.text(pick(tp.summary_fr, tp.summary_en), color_scheme="gray"),
        rx.text(t("policy.actions"), weight="bold", margin_top="0.5em"),
        rx.unordered_list(
            *[
                rx.list_item(
                    pick(step.fr, step.en),
                    rx.cond(step.mandatory, rx.badge(t("policy.mandatory"), margin_left="0.5em"), rx.fragment()),
                )
                for step in tp.checklist
            ]
        ),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label(t("policy.response")),
                rx.data_list.value(
                    filled("policy.response_value", target=tp.response_target_hours, max=tp.response_max_hours)
                ),
            ),
            rx.data_list.item(
                rx.data_list.label(t("policy.resolution")),
                rx.data_list.value(filled("policy.resolution_value", days=tp.resolution_business_days)),
            ),
            rx.data_list.item(
                rx.data_list.label(t("policy.solutions")),
                rx.data_list.value(
                    rx.hstack(*[rx.badge(pick(*SOLUTION_LABELS[s]), variant="soft") for s in tp.solutions], wrap="wrap")
                ),
            ),
            rx.data_list.item(
                rx.data_list.label(t("policy.evidence")),
                rx.data_list.value(pick(tp.evidence_fr, tp.evidence_en)),
            ),
            orientation={"initial": "vertical", "sm": "horizontal"},
            margin_top="0.5em",
        ),
        rx.cond(tp.flag_suggested, rx.callout(t("policy.flag_suggested"), size="1", margin_top="0.5em"), rx.fragment()),
        width="100%",
    )


@page("/", "Pixmania · Politique de gestion des incidents")
def policy_page() -> rx.Component:
    return public_page(
        rx.vstack(
            rx.heading(t("policy.title"), size="7", as_="h1"),
            rx.text(t("policy.intro")),
            *[_type_card(tp, i) for i, tp in enumerate(TYPES.values(), start=1)],
            rx.card(
                rx.heading(t("policy.arbitration_title"), size="4", as_="h2"),
                rx.text(t("policy.arbitration_text")),
                width="100%",
            ),
            spacing="4",
        )
    )
