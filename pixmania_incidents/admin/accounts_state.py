"""Administration pages: accounts and shops. Every handler goes through `services.admin`,
which refuses anyone but an admin; ids sent by the browser are only ever looked up there."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.services import admin
from pixmania_incidents.state.session import SessionState


def _account_row(a: admin.AccountView) -> dict[str, str]:
    return {"id": str(a.id), "name": a.name, "email": a.email, "role": a.role, "shop_id": str(a.shop_id or ""),
            "shop_name": a.shop_name, "active": "1" if a.active else ""}


def _shop_row(s: admin.ShopView) -> dict[str, str]:
    return {"id": str(s.id), "name": s.name, "address": s.address, "calendar_kind": s.calendar_kind, "subdiv": s.subdiv,
            "closed_days": ", ".join(s.closed_days), "work_start": s.work_start, "work_end": s.work_end}


_EMPTY_SHOP = {"id": "", "name": "", "address": "", "calendar_kind": "ouvrables", "subdiv": "none", "closed_days": "",
               "work_start": "08:00", "work_end": "19:00"}


class AdminState(SessionState):
    accounts: list[dict[str, str]] = []
    shops: list[dict[str, str]] = []
    error: str = ""
    notice: str = ""
    # account creation dialog
    account_dialog: bool = False
    new_role: str = "seller"
    # one confirmation dialog for deactivation and temporary passwords
    confirm_action: str = ""
    confirm_name: str = ""
    _confirm_user_id: int | None = None
    # shown once, cleared when its dialog closes
    temp_password: str = ""
    temp_for: str = ""
    # shop dialog
    shop_dialog: bool = False
    shop_form: dict[str, str] = dict(_EMPTY_SHOP)

    async def _refresh(self) -> None:
        accounts, error = await self._run(admin.list_accounts)
        shops, shop_error = await self._run(admin.list_shops)
        self.error = error or shop_error
        self.accounts = [_account_row(a) for a in accounts or []]
        self.shops = [_shop_row(s) for s in shops or []]

    @rx.event
    async def load(self):
        self.notice = ""
        self.temp_password = ""
        await self._refresh()

    # --- accounts ---------------------------------------------------------------------

    @rx.event
    def set_account_dialog(self, open_: bool):
        self.account_dialog = bool(open_)
        self.error = ""

    @rx.event
    def set_new_role(self, role: str):
        self.new_role = str(role)

    @rx.event
    async def create_account(self, form: dict[str, Any]):
        if not isinstance(form, dict):
            return
        result, self.error = await self._run(
            admin.create_account, str(form.get("name") or ""), str(form.get("email") or ""), self.new_role,
            form.get("shop_id") or None,
        )
        if result is not None:
            account, temporary = result
            self.account_dialog = False
            self.temp_for, self.temp_password = account.email, temporary
            await self._refresh()

    @rx.event
    async def attach(self, user_id: str, shop_id: str):
        _, self.error = await self._run(admin.attach_seller, user_id, shop_id)
        await self._refresh()

    @rx.event
    async def reactivate(self, user_id: str):
        _, self.error = await self._run(admin.set_active, user_id, True)
        await self._refresh()

    @rx.event
    def ask(self, action: str, user_id: str):
        """Opens the confirmation; the name shown comes from the list the server built."""
        row = next((a for a in self.accounts if a["id"] == str(user_id)), None)
        if row is None or action not in ("deactivate", "temp_password"):
            return
        self.confirm_action, self.confirm_name, self._confirm_user_id = action, row["name"], int(row["id"])

    @rx.event
    def cancel_confirm(self):
        self.confirm_action, self.confirm_name, self._confirm_user_id = "", "", None

    @rx.event
    async def confirm(self):
        action, user_id = self.confirm_action, self._confirm_user_id
        self.cancel_confirm()
        if action == "deactivate":
            _, self.error = await self._run(admin.set_active, user_id, False)
        elif action == "temp_password":
            temporary, self.error = await self._run(admin.set_temporary_password, user_id)
            if temporary:
                self.temp_for = next((a["email"] for a in self.accounts if a["id"] == str(user_id)), "")
                self.temp_password = temporary
        await self._refresh()

    @rx.event
    def forget_temp_password(self):
        self.temp_password, self.temp_for = "", ""

    # --- shops ------------------------------------------------------------------------

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
        fields = dict(name=values["name"], calendar_kind=values["calendar_kind"], subdiv=subdiv,
                      closed_days=values["closed_days"], work_start=values["work_start"], work_end=values["work_end"],
                      address=values["address"])
        if self.shop_form["id"]:
            _, self.error = await self._run(admin.update_shop, self.shop_form["id"], **fields)
        else:
            _, self.error = await self._run(admin.create_shop, **fields)
        if not self.error:
            self.shop_dialog = False
            self.notice = "saved"
            await self._refresh()
