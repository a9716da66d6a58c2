// The queries this browser ran, newest first, kept in localStorage (nothing leaves the machine).
import { el } from "./dom.js";

const KEY = "kg-query-history";
const MAX = 25;

function load() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
}

export function remember(query, rows) {
  const list = load().filter((h) => h.query !== query);
  list.unshift({ query, rows, at: new Date().toISOString().slice(0, 16).replace("T", " ") });
  try { localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX))); } catch (e) { /* storage full or off */ }
}

export function showHistory(box) {
  const list = load();
  if (!box || !list.length) return;
  const items = list.map((h) => {
    const first = h.query.split("\n").find((l) => l.trim() && !/^\s*(PREFIX|#)/i.test(l)) || h.query;
    return el("li", {}, el("a", { href: "/query?query=" + encodeURIComponent(h.query), title: h.query, text: first.trim().slice(0, 80) }),
      el("p", { text: `${h.at}${h.rows != null ? ` · ${h.rows} rows` : ""}` }));
  });
  const clear = el("button", { type: "button", class: "quiet", text: "Forget", onclick: () => { localStorage.removeItem(KEY); box.replaceChildren(); } });
  box.replaceChildren(el("h2", { text: "Your recent queries" }), el("ul", {}, ...items), clear);
}
