// The results of a SELECT: a paged, sortable, filterable table and views beside it (bar, line, graph).
import { el, fold } from "./dom.js";
import { barChart, colourKeys, colours, lineChart, roles } from "./charts.js";
import { forceGraph } from "./graph.js";

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger|byte|unsignedInt)$/;
const TEMPORAL = /#(date|dateTime|gYear|gYearMonth)$/;

export function isNumber(t) { return t && t.type !== "uri" && NUMERIC.test(t.datatype || ""); }
export function isTime(t) { return t && t.type !== "uri" && TEMPORAL.test(t.datatype || ""); }

export class Results {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.vars = data.variables;
    this.rows = data.rows;
    this.view = "table";
    this.sort = null; // [variable, 1 | -1]
    this.filter = "";
    this.page = 0;
    this.size = 100;
    this.chosen = {}; // the chart's label, value and series columns, where the user chose them
    this.restore();
    this.render();
  }

  // The view, sort, filter and chart columns live in the page's fragment (#view=bar&sort=n:-1…), so a link
  // to the page shows what was on screen; the query itself is in the URL's query string.
  restore() {
    const h = new URLSearchParams(window.location.hash.slice(1));
    if (["table", "bar", "line", "graph"].includes(h.get("view"))) this.view = h.get("view");
    const sort = (h.get("sort") || "").split(":");
    if (this.vars.includes(sort[0])) this.sort = [sort[0], sort[1] === "-1" ? -1 : 1];
    this.filter = h.get("filter") || "";
    for (const k of ["label", "value", "series"]) if (h.has(k)) this.chosen[k] = h.get(k);
  }

  save() {
    const h = new URLSearchParams();
    if (this.view !== "table") h.set("view", this.view);
    if (this.sort) h.set("sort", `${this.sort[0]}:${this.sort[1]}`);
    if (this.filter) h.set("filter", this.filter);
    for (const [k, v] of Object.entries(this.chosen)) h.set(k, v);
    const frag = h.toString();
    const url = window.location.pathname + window.location.search + (frag ? "#" + frag : "");
    history.replaceState(null, "", url);
    const share = document.getElementById("share-link");
    if (share) share.href = url;  // the share link keeps the view, sort, filter and chart columns too
  }

  // Selects for the chart's columns: which is the label (or date), the value, the series (or none).
  controls(rows) {
    const current = roles(this.vars, rows, this.chosen);
    const shown = { label: this.view === "line" ? "date" : "label", value: "value", series: "series" };
    const choose = (role, options, value) => el("label", { class: "control" }, shown[role] + " ",
      el("select", { "data-role": role, onchange: (e) => {
        // Every role written down once one is chosen: the link then says what the chart shows.
        this.chosen = { label: current.label, value: current.value, series: current.series || "", [role]: e.target.value };
        if (role === "label" && this.chosen.series === e.target.value) {  // the old series is the label now: guess again
          delete this.chosen.series;
          this.chosen.series = roles(this.vars, rows, this.chosen).series || "";
        }
        this.render();
      } },
        ...options.map((v) => el("option", { value: v, selected: v === (value || ""), text: v || "(none)" }))));
    return el("div", { class: "chart-controls" },
      choose("label", this.vars, current.label), choose("value", this.vars, current.value),
      choose("series", ["", ...this.vars], current.series));
  }

  text(t) {
    if (!t) return "";
    return t.type === "uri" ? this.data.labels[t.value] || t.value : t.value;
  }

  cell(t) {
    if (!t) return "";
    if (t.type === "uri") {
      const href = this.data.links[t.value];
      const name = this.data.labels[t.value] || t.value;
      return href ? el("a", { href, title: t.value, text: name }) : el("code", { class: "inert", text: t.value });
    }
    return el("bdi", { text: t.value });
  }

  visible() {
    let rows = this.rows;
    if (this.filter) {
      const f = fold(this.filter);
      rows = rows.filter((r) => this.vars.some((v) => fold(this.text(r[v])).includes(f)));
    }
    if (this.sort) {
      const [v, dir] = this.sort;
      const key = (r) => (isNumber(r[v]) ? Number(r[v].value) : this.text(r[v]));
      rows = [...rows].sort((a, b) => {
        const x = key(a), y = key(b);
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return c * dir;
      });
    }
    return rows;
  }

  // Which views the columns allow, and why not.
  views() {
    const sample = this.rows.slice(0, 200);
    const has = (test) => this.vars.find((v) => sample.some((r) => test(r[v])));
    const num = has(isNumber), time = has(isTime);
    const iris = this.vars.filter((v) => sample.some((r) => r[v] && r[v].type === "uri"));
    return {
      table: null,
      bar: num && this.vars.length > 1 ? null : "needs a numeric column and a label column",
      line: num && time ? null : "needs a date column and a numeric column",
      graph: iris.length >= 2 ? null : "needs two columns of IRIs",
    };
  }

  render() {
    const rows = this.visible();
    const pages = Math.max(1, Math.ceil(rows.length / this.size));
    this.page = Math.min(this.page, pages - 1);
    const views = this.views();
    const tabs = el("div", { class: "views", role: "tablist" }, ...Object.entries(views).map(([name, why]) =>
      el("button", { type: "button", role: "tab", "aria-selected": String(this.view === name), disabled: why !== null,
        title: why || "", "data-view": name, text: { table: "Table", bar: "Bar chart", line: "Line chart", graph: "Graph" }[name],
        onclick: () => { this.view = name; this.render(); } })));
    const body = el("div", { class: "view-body" });
    if (this.view === "table") body.append(...this.table(rows, pages));
    else if (this.view === "bar") body.append(this.controls(rows), barChart(this.vars, rows, this, this.chosen));
    else if (this.view === "line") body.append(this.controls(rows), lineChart(this.vars, rows, this, this.chosen));
    else body.append(this.graph(rows));
    this.root.replaceChildren(tabs, body);
    this.save();
  }

  table(rows, pages) {
    const start = this.page * this.size;
    const filter = el("input", { type: "search", class: "filter", placeholder: "Filter rows…", value: this.filter, "aria-label": "Filter rows" });
    filter.addEventListener("input", () => {
      this.filter = filter.value; this.page = 0; this.render();
      const again = this.root.querySelector("input.filter");
      again.focus(); again.setSelectionRange(again.value.length, again.value.length);
    });
    const head = el("tr", {}, ...this.vars.map((v) => {
      const dir = this.sort && this.sort[0] === v ? this.sort[1] : 0;
      return el("th", { "aria-sort": dir === 1 ? "ascending" : dir === -1 ? "descending" : "none" },
        el("button", { type: "button", class: "sort", text: v + (dir === 1 ? " ▲" : dir === -1 ? " ▼" : ""),
          onclick: () => { this.sort = [v, dir === 1 ? -1 : 1]; this.page = 0; this.render(); } }));
    }));
    const body = rows.slice(start, start + this.size).map((r) => el("tr", {}, ...this.vars.map((v) => el("td", {}, this.cell(r[v])))));
    const shown = rows.length ? `${start + 1}–${Math.min(start + this.size, rows.length)} of ${rows.length}` : "0";
    const status = el("span", { class: "count", text: `rows ${shown}` + (rows.length !== this.rows.length ? ` (filtered from ${this.rows.length})` : "") });
    const go = (p) => () => { this.page = p; this.render(); };
    const size = el("select", { "aria-label": "Rows per page", onchange: (e) => { this.size = +e.target.value; this.page = 0; this.render(); } },
      ...[25, 100, 500].map((n) => el("option", { value: n, selected: n === this.size, text: `${n} per page` })));
    const pager = el("div", { class: "pager" },
      el("button", { type: "button", disabled: this.page === 0, onclick: go(this.page - 1), text: "← previous" }),
      el("span", { class: "page", text: ` page ${this.page + 1} of ${pages} ` }),
      el("button", { type: "button", disabled: this.page >= pages - 1, onclick: go(this.page + 1), text: "next →" }), size);
    return [el("div", { class: "table-tools" }, filter, status), el("div", { class: "table-wrap" },
      el("table", {}, el("thead", {}, head), el("tbody", {}, ...body))), pager];
  }

  graph(rows) {
    // Each row links its first IRI column to its second; the next column, if any (agree / disagree, a stance…),
    // is the edge's kind: one colour per kind, with a legend.
    const iris = this.vars.filter((v) => rows.some((r) => r[v] && r[v].type === "uri"));
    const [a, b] = iris;
    const kindVar = this.vars.find((v) => v !== a && v !== b && rows.some((r) => r[v]));
    const nodes = new Map(), edges = new Map();
    const node = (t) => {
      if (!nodes.has(t.value)) nodes.set(t.value, { id: t.value, label: this.data.labels[t.value] || t.value, href: this.data.links[t.value] });
      return t.value;
    };
    for (const r of rows.slice(0, 2000)) {
      if (!r[a] || !r[b] || r[a].type !== "uri" || r[b].type !== "uri") continue;
      const kind = kindVar && r[kindVar] ? this.text(r[kindVar]) : "";
      const key = r[a].value + " " + r[b].value + " " + kind;
      const e = edges.get(key) || { source: node(r[a]), target: node(r[b]), weight: 0, label: kind };
      e.weight += 1;
      edges.set(key, e);
    }
    const kinds = colours([...edges.values()].map((e) => e.label).filter(Boolean));
    const legend = kinds.size ? el("p", { class: "legend" }, el("span", { class: "meta", text: kindVar + ": " }),
      ...[...kinds].map(([k, c]) => el("span", { class: "item" }, el("i", { class: "swatch", "data-colour": c }), " " + k))) : null;
    const figure = forceGraph({ nodes: [...nodes.values()], edges: [...edges.values()] }, { directed: true, legend });
    // Colour each edge by its kind (through the CSSOM: the CSP allows no inline style attributes).
    const lines = figure.querySelectorAll("line.edge");
    [...edges.values()].forEach((e, i) => { if (e.label && lines[i]) lines[i].dataset.colour = kinds.get(e.label); });
    return colourKeys(figure);
  }
}
