"""Form pieces every area uses: a labelled field, a form that really navigates,
and files picked in the browser (shown, removable, never carried into the next form) handed to the services."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.vars import Var
from reflex_base.event import EventChain
from reflex_base.vars.base import VarData
from reflex_components_core.core.upload import get_upload_files_context_var_data
from reflex_components_core.el.elements.base import BaseHTML

from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.shell.text import filled, t
from pixmania_incidents.vocabulary import MAX_BYTES, MAX_FILES

#: What the file pickers offer; the server checks every file by its bytes anyway.
ACCEPT = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"], "application/pdf": [".pdf"]}


class NativeForm(BaseHTML):
    """A plain HTML form: submitting it navigates (Reflex's own form always prevents that)."""

    tag = "form"
    action: Var[str]
    method: Var[str]


native_form = NativeForm.create


def button_link(*children: rx.Component | rx.Var | str, href: rx.Var | str, **button_props: Any) -> rx.Component:
    """A link that looks like a button: one element, so one Tab stop (a link wrapping a button makes two)."""
    return rx.button(rx.link(*children, href=href, underline="none"), as_child=True, **button_props)


def form_field(
    name: str, label: rx.Var, *, hint: rx.Component | None = None, error: rx.Component | None = None, **input_props: Any
) -> rx.Component:
    """A labelled input (the label is bound to it, for screen readers and tests), with hint and error below."""
    field_id = input_props.pop("id", f"field-{name}")
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"fontWeight": "500", "fontSize": "var(--font-size-2)"}),
        rx.input(id=field_id, name=name, width="100%", **input_props),
        *([hint] if hint is not None else []),
        *([error] if error is not None else []),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _remove_file(upload_id: str, index: Var) -> Var:
    """Take one chosen file out of the picker's selection (the browser's, not yet sent)."""
    key = json.dumps(upload_id)
    return Var(
        _js_expr=(
            f"(() => setFilesById(filesById => Object.assign({{}}, filesById, "
            f"{{[{key}]: (filesById[{key}] || []).filter((_, i) => i !== {index!s})}})))"
        ),
        _var_type=EventChain,
        _var_data=VarData.merge(get_upload_files_context_var_data(), index._get_all_var_data()),
    )


def _chosen(upload_id: str, name: Var, index: Var) -> rx.Component:
    return rx.hstack(
        rx.icon("file", size=12),
        rx.text(name, size="1"),
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            color_scheme="gray",
            type="button",
            aria_label=t("reliability.remove_file") + " " + name,
            on_click=_remove_file(upload_id, index),
        ),
        spacing="1",
        align="center",
        data_testid="chosen-file",
    )


def file_picker(upload_id: str, *, label: rx.Var | None = None) -> rx.Component:
    """Photos or PDFs, several at once; the browser's limits are comfort, the server decides.

    The choice lives in the browser (Reflex keeps it app-wide by id), so it is emptied each
    time the picker appears and after each send (`clear_files`): nothing chosen for one
    report or message rides along with the next. Each chosen file can be taken out."""
    words = label if label is not None else t("case.attach")
    return rx.vstack(
        _name_file_input(
            rx.upload(
                rx.hstack(
                    rx.icon("paperclip", size=16),
                    rx.text(words, size="2"),
                    spacing="2",
                    align="center",
                ),
                id=upload_id,
                accept=ACCEPT,
                max_size=MAX_BYTES,
                max_files=MAX_FILES,
                multiple=True,
                on_drop_rejected=lambda _rejected: rx.toast.error(
                    filled("reliability.file_rejected", mb=MAX_BYTES // (1024 * 1024), files=MAX_FILES)
                ),
                border="1px dashed var(--gray-a8)",
                border_radius="var(--radius-2)",
                padding="0.5em 0.75em",
                cursor="pointer",
                width="100%",
            ),
            words,
        ),
        rx.foreach(rx.selected_files(upload_id), lambda name, index: _chosen(upload_id, name, index)),
        rx.text(t("case.files_hint"), size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
        align="start",
        on_mount=clear_files(upload_id),
    )


def _name_file_input(upload: rx.Component, name: rx.Var) -> rx.Component:
    """The drop zone's hidden file input is what assistive technology meets: it gets the picker's words.

    Reflex builds that input itself (react-dropzone's props), so its name is set on it here."""
    zone = upload.children[0]
    file_input = next(c for c in zone.children if getattr(c, "tag", None) == "input")
    file_input.custom_attrs["aria-label"] = name
    return upload


def clear_files(upload_id: str) -> rx.event.EventSpec:
    """Empty a file picker's selection (after a send, or when it appears)."""
    return rx.clear_selected_files(upload_id)


def reset_form(form_id: str) -> rx.event.EventSpec:
    """Empty a form the service accepted (what was typed stays on a refusal)."""
    return rx.call_script(f"document.getElementById('{form_id}')?.reset()")


async def read_uploads(files: list[rx.UploadFile] | None) -> list[Upload]:
    """The browser's files as bytes for the services, which judge them; never stored here.

    Reads one byte past the limit so an oversized file is refused by the service by its
    size without holding more of it in memory."""
    uploads = []
    for f in files or []:
        data = f.file.read(MAX_BYTES + 1)
        uploads.append(Upload(f.filename or "fichier", data))
    return uploads
