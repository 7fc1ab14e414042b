"""/admin/shops: shops and their calendars, through `services.admin` (admins only)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.services import admin
from pixmania_incidents.shell.session import SessionState


def _shop_row(s: admin.ShopView) -> dict[str, str]:
    return {
        "id": str(s.id),
        "name": s.name,
        "address": s.address,
        "calendar_kind": s.calendar_kind,
        "subdiv": s.subdiv,
        "closed_days": ", ".join(s.closed_days),
        "work_start": s.work_start,
        "work_end": s.work_end,
    }


_EMPTY_SHOP = {
    "id": "",
    "name": "",
    "address": "",
    "calendar_kind": "ouvrables",
    "subdiv": "none",
    "closed_days": "",
    "work_start": "08:00",
    "work_end": "19:00",
}


class ShopsState(SessionState):
    shops: list[dict[str, str]] = []
    error: str = ""
    notice: str = ""
    shop_dialog: bool = False
    shop_form: dict[str, str] = dict(_EMPTY_SHOP)

    async def _refresh(self) -> None:
        shops, self.error = await self._run(admin.list_shops)
        self.shops = [_shop_row(s) for s in shops or []]

    @rx.event
    async def load(self):
        self.notice = ""
        await self._refresh()

    @rx.event
    def new_shop(self):
        self.shop_form, self.shop_dialog, self.error = dict(_EMPTY_SHOP), True, ""

    @rx.event
    def edit_shop(self, shop_id: str):
        row = next((s for s in self.shops if s["id"] == str(shop_id)), None)
        if row is not None:
            self.shop_form = {**row, "subdiv": row["subdiv"] or "none"}
            self.shop_dialog, self.error = True, ""

    @rx.event
    def set_shop_dialog(self, open_: bool):
        self.shop_dialog = bool(open_)

    @rx.event
    def set_shop_field(self, field: str, value: str):
        if field in _EMPTY_SHOP and field != "id":
            self.shop_form = {**self.shop_form, field: str(value)}

    @rx.event
    async def save_shop(self, form: dict[str, Any]):
        if not isinstance(form, dict):
            return
        values = {**self.shop_form, **{k: str(v) for k, v in form.items() if k in _EMPTY_SHOP and k != "id"}}
        subdiv = None if values["subdiv"] == "none" else values["subdiv"]
        fields = dict(
            name=values["name"],
            calendar_kind=values["calendar_kind"],
            subdiv=subdiv,
            closed_days=values["closed_days"],
            work_start=values["work_start"],
            work_end=values["work_end"],
            address=values["address"],
        )
        if self.shop_form["id"]:
            _, self.error = await self._run(admin.update_shop, self.shop_form["id"], **fields)
        else:
            _, self.error = await self._run(admin.create_shop, **fields)
        if not self.error:
            self.shop_dialog = False
            self.notice = "saved"
            await self._refresh()
