"""The Intégrations page's state, for a shop's seller (`/integrations`) and for admins
(`/admin/integrations`): API keys and webhook endpoints, through `services.api_keys` and
`services.webhooks`, which decide what each of them may see and change.

A new key or webhook secret is shown once, in this tab only (a private state, never a shared
room), and forgotten when dismissed or when the page loads again.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.formats import short_when
from pixmania_incidents.services import admin, api_keys, webhooks
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import OPERATOR_WEBHOOK_EVENTS, WEBHOOK_EVENTS, Role


def _when(instant: Any, locale: str) -> str:
    return short_when(instant, locale) if instant else ""


class IntegrationsState(SessionState):
    keys: list[dict[str, str]] = []
    endpoints: list[dict[str, str]] = []
    deliveries: list[dict[str, str]] = []
    sellers: list[dict[str, str]] = []
    #: The endpoint whose deliveries are shown (0: none).
    watched: int = 0
    #: Shown once: a new key or a new webhook secret, and which of the two it is.
    secret: str = ""
    secret_kind: str = ""
    error: str = ""

    @rx.var
    def offered_events(self) -> list[str]:
        return list(OPERATOR_WEBHOOK_EVENTS if self.user_role == Role.admin else WEBHOOK_EVENTS)

    async def _refresh(self) -> None:
        locale = (await self.get_state(LocaleState)).locale
        keys, error = await self._run(api_keys.keys)
        self.keys = [
            {
                "id": str(k.id),
                "name": k.name,
                "prefix": k.prefix,
                "scope": k.scope,
                "shop": k.shop_name,
                "owner": k.owner_name,
                "created": _when(k.created_at, locale),
                "used": _when(k.last_used_at, locale),
                "revoked": _when(k.revoked_at, locale),
            }
            for k in keys or []
        ]
        found, error2 = await self._run(webhooks.endpoints)
        self.endpoints = [
            {
                "id": str(e.id),
                "url": e.url,
                "events": ", ".join(e.events),
                "active": "1" if e.active else "",
                "disabled": _when(e.disabled_at, locale),
                "failing": _when(e.failing_since, locale),
            }
            for e in found or []
        ]
        self.error = error or error2
        if self.watched:
            await self._load_deliveries(locale)

    async def _load_deliveries(self, locale: str) -> None:
        found, self.error = await self._run(webhooks.deliveries, self.watched)
        self.deliveries = [
            {
                "id": str(d.id),
                "event": d.event_type,
                "status": d.status,
                "created": _when(d.created_at, locale),
                "log": "\n".join(
                    f"{_when(a.at, locale)} · HTTP {a.status_code or '—'} · {a.latency_ms} ms · {a.excerpt}"
                    for a in d.attempts_log
                ),
            }
            for d in found or []
        ]

    @rx.event
    async def load(self):
        self.secret, self.secret_kind, self.error, self.watched, self.deliveries = "", "", "", 0, []
        if self.user_role == Role.admin:
            accounts, _ = await self._run(admin.list_accounts)
            self.sellers = [
                {"id": str(a.id), "name": f"{a.name} · {a.shop_name}"}
                for a in accounts or []
                if a.role == Role.seller and a.active and a.shop_id
            ]
        await self._refresh()

    @rx.event
    def dismiss_secret(self):
        self.secret, self.secret_kind = "", ""

    # --- keys --------------------------------------------------------------------------------

    @rx.event
    async def create_key(self, form: dict):
        form = form if isinstance(form, dict) else {}
        seller = str(form.get("seller_id") or "")
        made, self.error = await self._run(
            api_keys.create_key,
            str(form.get("name") or ""),
            str(form.get("scope") or "read"),
            int(seller) if seller.isdigit() else None,
        )
        if made is not None:
            self.secret, self.secret_kind = made.secret, "key"
            await self._refresh()

    @rx.event
    async def revoke_key(self, key_id: str):
        if str(key_id).isdigit():
            _, self.error = await self._run(api_keys.revoke_key, int(key_id))
            await self._refresh()

    # --- webhooks -------------------------------------------------------------------------------

    def _chosen(self, form: dict) -> list[str]:
        return [e for e in OPERATOR_WEBHOOK_EVENTS if form.get(f"event:{e}")]

    @rx.event
    async def create_endpoint(self, form: dict):
        form = form if isinstance(form, dict) else {}
        made, self.error = await self._run(webhooks.create_endpoint, str(form.get("url") or ""), self._chosen(form))
        if made is not None:
            self.secret, self.secret_kind = made.secret, "webhook"
            await self._refresh()

    def _endpoint(self, endpoint_id: Any) -> dict[str, Any] | None:
        return next((e for e in self.endpoints if str(e["id"]) == str(endpoint_id)), None)

    @rx.event
    async def toggle_endpoint(self, endpoint_id: str):
        endpoint = self._endpoint(endpoint_id)
        if endpoint is not None:
            events = [e.strip() for e in endpoint["events"].split(",") if e.strip()]
            _, self.error = await self._run(
                webhooks.update_endpoint, int(endpoint["id"]), events, not endpoint["active"]
            )
            await self._refresh()

    @rx.event
    async def rotate_secret(self, endpoint_id: str):
        if self._endpoint(endpoint_id) is not None:
            made, self.error = await self._run(webhooks.rotate_secret, int(endpoint_id))
            if made is not None:
                self.secret, self.secret_kind = made.secret, "webhook"

    @rx.event
    async def delete_endpoint(self, endpoint_id: str):
        if self._endpoint(endpoint_id) is not None:
            _, self.error = await self._run(webhooks.delete_endpoint, int(endpoint_id))
            if self.watched == int(endpoint_id):
                self.watched, self.deliveries = 0, []
            await self._refresh()

    @rx.event
    async def watch(self, endpoint_id: str):
        if self._endpoint(endpoint_id) is not None:
            self.watched = int(endpoint_id)
            await self._load_deliveries((await self.get_state(LocaleState)).locale)

    @rx.event
    async def resend(self, delivery_id: str):
        """ "Renvoyer": the delivery goes again at once (the background sender posts it)."""
        if not str(delivery_id).isdigit():
            return
        _, self.error = await self._run(webhooks.resend, int(delivery_id))
        await self._refresh()
