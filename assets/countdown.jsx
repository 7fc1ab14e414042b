// A deadline countdown that ticks in the browser: the server sends an ISO-8601
// instant once, no event per tick. Seconds appear only in the last hour.
import { useEffect, useState } from "react";

const UNITS = {
  fr: { d: "j", h: "h", m: "min", s: "s", late: "dépassé de", left: "" },
  en: { d: "d", h: "h", m: "min", s: "s", late: "overdue by", left: "" },
};

function format(ms, u) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86400), h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60), s = total % 60;
  if (d > 0) return `${d} ${u.d} ${h} ${u.h}`;
  if (h > 0) return `${h} ${u.h} ${String(m).padStart(2, "0")} ${u.m}`;
  return `${m} ${u.m} ${String(s).padStart(2, "0")} ${u.s}`;
}

export function Countdown({ due, locale }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  if (!due) return null;
  const u = UNITS[locale] || UNITS.fr;
  const ms = Date.parse(due) - now;
  const text = ms < 0 ? `${u.late} ${format(ms, u)}` : format(ms, u);
  return (
    <span data-testid="countdown" data-due={due} data-overdue={ms < 0 ? "true" : "false"}
          style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>
      {text}
    </span>
  );
}
