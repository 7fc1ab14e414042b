"""/admin/accounts: accounts. Every handler goes through `services.admin`, which refuses
anyone but an admin; ids sent by the browser are only ever looked up there."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.formats import short_when
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import admin, mail
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState

#: The undelivered mails listed (the latest first).
FAILED_SHOWN = 50


def _account_row(a: admin.AccountView) -> dict[str, str]:
    return {
        "id": str(a.id),
        "name": a.name,
        "email": a.email,
        "role": a.role,
        "shop_id": str(a.shop_id or ""),
        "shop_name": a.shop_name,
        "active": "1" if a.active else "",
    }


def _shop_choice(s: admin.ShopView) -> dict[str, str]:
    return {"id": str(s.id), "name": s.name}


class AccountsState(SessionState):
    accounts: list[dict[str, str]] = []
    #: The shops a seller may be attached to.
    shops: list[dict[str, str]] = []
    error: str = ""
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
    #: Bumped by each load: the undelivered mails are read again.
    loaded: int = 0

    async def _refresh(self) -> None:
        accounts, error = await self._run(admin.list_accounts)
        shops, shop_error = await self._run(admin.list_shops)
        self.error = error or shop_error
        self.accounts = [_account_row(a) for a in accounts or []]
        self.shops = [_shop_choice(s) for s in shops or []]

    @rx.event
    async def load(self):
        self.temp_password = ""
        await self._refresh()
        self.loaded += 1

    @rx.var
    async def failed_mails(self) -> list[dict[str, str]]:
        """Mails refused for good (`services.mail.failed_mails`, admins only), in the page's language."""
        locale = (await self.get_state(LocaleState)).locale
        if not self.loaded:
            return []
        found, _error = await self._read(mail.failed_mails, FAILED_SHOWN)
        return [
            {
                "to": m.to_addr,
                "subject": m.subject,
                "failed": short_when(m.failed_at or m.created_at, locale),
                "attempts": str(m.attempts),
                "reason": tr(m.reason, locale),
                "detail": m.detail or "",
            }
            for m in found or []
        ]

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
            admin.create_account,
            str(form.get("name") or ""),
            str(form.get("email") or ""),
            self.new_role,
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
