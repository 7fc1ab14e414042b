// A deadline countdown that ticks in the browser: the server sends an ISO-8601
// instant once, no event per tick. Seconds appear only in the last hour.
// It is a labelled timer (role="timer" is not live: screen readers read it when asked,
// never at every tick). Given the due date in words (`when`), it says it too:
// "2 j 3 h (avant le mardi 1 décembre, 23:59)", "Dépassé depuis 8 h 05 (échéance : …)".
import { useEffect, useState } from "react";

const WORDS = {
  fr: { d: "j", m: "min", s: "s", late: "Dépassé depuis", by: "avant le", due: "échéance :", name: "Délai" },
  en: { d: "d", m: "min", s: "s", late: "Overdue by", by: "by", due: "due:", name: "Deadline" },
};

function format(ms, w) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86400), h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60), s = total % 60;
  if (d > 0) return `${d} ${w.d} ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")}`;
  return `${m} ${w.m} ${String(s).padStart(2, "0")} ${w.s}`;
}

export function Countdown({ due, locale, label, when }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!due) return null;
  const w = WORDS[locale] || WORDS.fr;
  const ms = Date.parse(due) - now;
  const late = ms < 0;
  const left = late ? `${w.late} ${format(ms, w)}` : format(ms, w);
  const date = when ? ` (${late ? w.due : w.by} ${when})` : "";
  return (
    <span data-testid="countdown" data-due={due} data-overdue={late ? "true" : "false"} role="timer"
          aria-label={label || w.name} style={{ fontVariantNumeric: "tabular-nums" }}>
      {late ? <span aria-hidden="true">⚠ </span> : null}<span style={{ whiteSpace: "nowrap" }}>{left}</span>{date}
    </span>
  );
}
