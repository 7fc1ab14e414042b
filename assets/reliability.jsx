// What the browser keeps when the server cannot answer (issue #12): drafts the server has not
// confirmed, and a page that tries loading again by itself.
import { useEffect, useState } from "react";

// --- a page that failed to load (or is still loading after a while) tries again --------------

export function After({ delay, onTime }) {
  useEffect(() => {
    const id = setTimeout(() => onTime && onTime(), delay || 5000);
    return () => clearTimeout(id);
  }, []);
  return null;
}

// --- drafts ----------------------------------------------------------------------------------
// A long text is saved in localStorage as it is typed, under a key naming the user, the case
// (or order line) and the field, until the server confirms it took exactly that text. So a
// crash, a lost connection or a reload never loses it, and nothing crosses users or cases.

const PREFIX = "pixmania.draft.";
// field id -> { key, update }: the keeper on screen for that field (the last one, once gone).
const keepers = new Map();

function ownerTag(owner) {
  // A short tag, not the address itself, in the storage keys (FNV-1a).
  let h = 0x811c9dc5;
  for (let i = 0; i < owner.length; i++) {
    h ^= owner.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

function read(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch (e) {
    return null;
  }
}

function write(key, draft) {
  try {
    if (draft && draft.text) window.localStorage.setItem(key, JSON.stringify(draft));
    else window.localStorage.removeItem(key);
  } catch (e) {
    // storage full or disabled: the text is still in the field
  }
}

function fileNames(files) {
  return Array.from(files || []).map((f) => (f && f.name) || String(f));
}

export const drafts = {
  // A send button reads its field through this: the text as sent, remembered as "not sent"
  // (with the names of the files sent along) until `sent` confirms it.
  attempt(field, files) {
    const el = document.getElementById(field);
    const text = el ? el.value : "";
    const keeper = keepers.get(field);
    if (keeper && keeper.key) {
      const draft = { text, attempted: true, files: fileNames(files) };
      write(keeper.key, draft);
      keeper.update((shown) => ({ ...draft, restored: !!(shown && shown.restored) }));
    }
    return text;
  },
  // The server stored `text`: forget it, and empty the field only if it still holds exactly
  // that (what was typed meanwhile stays, as a draft).
  sent(field, text) {
    const el = document.getElementById(field);
    if (el && el.value === text) el.value = "";
    const keeper = keepers.get(field);
    if (!keeper || !keeper.key) return;
    const stored = read(keeper.key);
    const left = el ? el.value : stored && stored.text !== text ? stored.text : "";
    const draft = left ? { text: left, attempted: false, files: [] } : null;
    write(keeper.key, draft);
    keeper.update(draft);
  },
};

if (typeof window !== "undefined") window.pixmaniaDrafts = drafts;

export function DraftKeeper({ field, owner, scope, attached, notSent, filesLost }) {
  const [draft, setDraft] = useState(null);
  const key = owner && scope ? `${PREFIX}${ownerTag(owner)}.${scope}.${field}` : "";
  useEffect(() => {
    const el = document.getElementById(field);
    keepers.set(field, { key, update: setDraft });
    if (!key || !el) {
      setDraft(null);
      return () => keepers.set(field, { key, update: () => {} });
    }
    const stored = read(key);
    // What this field shows belongs to this key: its draft, or nothing (never another case's).
    el.value = stored ? stored.text : "";
    setDraft(stored ? { ...stored, restored: true } : null);
    const onInput = () => {
      const before = read(key) || { attempted: false, files: [] };
      const next = { ...before, text: el.value };
      write(key, next);
      setDraft((shown) => (el.value ? { ...next, restored: !!(shown && shown.restored) } : null));
    };
    const form = el.form;
    const onSubmit = () => drafts.attempt(field, []);
    el.addEventListener("input", onInput);
    if (form) form.addEventListener("submit", onSubmit, true);
    return () => {
      el.removeEventListener("input", onInput);
      if (form) form.removeEventListener("submit", onSubmit, true);
      keepers.set(field, { key, update: () => {} });
    };
  }, [field, key]);
  if (!draft || !draft.text || !(draft.attempted || draft.restored)) return null;
  const lost = draft.restored && !attached ? draft.files || [] : [];
  return (
    <span data-testid="draft-not-sent" data-field={field} role="status"
          style={{ display: "block", fontSize: "var(--font-size-1)", color: "var(--amber-11)" }}>
      <span style={{ fontWeight: 500 }}>{notSent}</span>
      {lost.length > 0 && (
        <span data-testid="draft-files-lost" style={{ display: "block" }}>
          {filesLost} {lost.join(", ")}
        </span>
      )}
    </span>
  );
}
