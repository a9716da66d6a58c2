// Bar and line charts of a result, drawn as SVG from the columns' types (as WDQS picks its views).
import { el, svg } from "./dom.js";

// Okabe and Ito's eight colours (distinct under the common colour-vision deficiencies), then four of Paul Tol's.
// A series keeps its colour whatever the rows' order, sort or filter: colours go to the series sorted by name,
// and past twelve series the rest share one grey.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
  "#882255", "#44AA99", "#999933", "#AA4499"];
const OTHER = "#BBBBBB";

export function colours(series) {
  const named = [...new Set(series)].sort((a, b) => String(a).localeCompare(String(b)));
  const map = new Map();
  named.forEach((s, i) => map.set(s, i < PALETTE.length ? PALETTE[i] : OTHER));
  return map;
}
const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger|byte|unsignedInt)$/;
const TEMPORAL = /#(date|dateTime|gYear|gYearMonth)$/;
const isNum = (t) => t && t.type !== "uri" && NUMERIC.test(t.datatype || "");
const isTime = (t) => t && t.type !== "uri" && TEMPORAL.test(t.datatype || "");

export function pick(vars, rows, test, not = []) {
  return vars.find((v) => !not.includes(v) && rows.some((r) => test(r[v])));
}

function legend(series, palette) {
  return el("p", { class: "legend" }, ...series.map((s) =>
    el("span", { class: "item" }, el("i", { class: "swatch", "data-colour": palette.get(s) || OTHER }), " " + s)));
}

export function colourKeys(root) {
  // Colours set through the CSSOM, not style attributes: the page's CSP allows no inline styles.
  root.querySelectorAll("[data-colour]").forEach((n) => {
    if (n.tagName.toLowerCase() === "i") n.style.background = n.dataset.colour;
    else n.style.stroke = n.dataset.colour;
  });
  return root;
}

// Which column is the label, the value and the series: the results' own choice (its controls), else guessed
// from the columns' types, as WDQS picks its views.
export function roles(vars, rows, chosen = {}) {
  const ok = (v) => v && vars.includes(v);
  const value = ok(chosen.value) ? chosen.value : pick(vars, rows, isNum);
  const label = ok(chosen.label) ? chosen.label : pick(vars, rows, (t) => t && !isNum(t), [value]);
  const series = chosen.series === "" ? null : ok(chosen.series) ? chosen.series
    : pick(vars, rows, (t) => t && !isNum(t) && !isTime(t), [value, label]);
  return { label, value, series };
}

const CHAR_W = 6.6; // px per character of the axis font: labels are measured, never cut

export function barChart(vars, rows, results, chosen = {}) {
  const { value, label, series: group } = roles(vars, rows, chosen);
  const totals = new Map(), cells = new Map(), series = [];
  for (const r of rows) {
    if (!r[label] || !isNum(r[value])) continue;
    const cat = results.text(r[label]), ser = group && r[group] ? results.text(r[group]) : value;
    if (!series.includes(ser)) series.push(ser);
    const n = Number(r[value].value);
    totals.set(cat, (totals.get(cat) || 0) + n);
    cells.set(cat + "\u0000" + ser, (cells.get(cat + "\u0000" + ser) || 0) + n);
  }
  const cats = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map((e) => e[0]);
  const max = Math.max(1, ...cats.map((c) => totals.get(c)));
  const palette = colours(series);
  const labelW = Math.max(120, Math.min(900, Math.ceil(Math.max(...cats.map((c) => c.length), 1) * CHAR_W) + 12));
  const barW = 480, rowH = 22, width = labelW + barW + 60;
  const chart = svg("svg", { class: "chart bar", viewBox: `0 0 ${width} ${cats.length * rowH + 10}`, role: "img",
    "aria-label": `Bar chart of ${value} by ${label}` });
  cats.forEach((c, i) => {
    const y = i * rowH + 4;
    chart.append(svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", class: "axis" }, c));
    let x = labelW;
    series.forEach((s, k) => {
      const n = cells.get(c + "\u0000" + s) || 0;
      if (!n) return;
      const w = (n / max) * barW;
      const rect = svg("rect", { x, y, width: Math.max(w, 1), height: rowH - 6, fill: palette.get(s), "data-series": s });
      rect.append(svg("title", {}, `${c} · ${s}: ${n}`));
      chart.append(rect);
      x += w;
    });
    chart.append(svg("text", { x: x + 4, y: y + 14, class: "value" }, String(totals.get(c))));
  });
  const note = el("p", { class: "meta", text: `${value} by ${label}` + (group ? `, coloured by ${group}` : "") +
    (totals.size > cats.length ? ` (the ${cats.length} largest of ${totals.size})` : "") });
  return colourKeys(el("figure", { class: "chart-box" }, chart, group ? legend(series, palette) : null, note));
}

function toTime(t) {
  const v = t.value;
  return Date.parse(/^\d{4}$/.test(v) ? v + "-01-01" : /^\d{4}-\d{2}$/.test(v) ? v + "-01" : v);
}

export function lineChart(vars, rows, results, chosen = {}) {
  const ok = (v) => v && vars.includes(v);
  const x = ok(chosen.label) && rows.some((r) => isTime(r[chosen.label])) ? chosen.label : pick(vars, rows, isTime);
  const y = ok(chosen.value) ? chosen.value : pick(vars, rows, isNum, [x]);
  const group = chosen.series === "" ? null : ok(chosen.series) ? chosen.series
    : pick(vars, rows, (t) => t && !isNum(t) && !isTime(t), [x, y]);
  const lines = new Map();
  for (const r of rows) {
    if (!isTime(r[x]) || !isNum(r[y])) continue;
    const s = group && r[group] ? results.text(r[group]) : y;
    const pts = lines.get(s) || new Map();
    const at = toTime(r[x]);
    pts.set(at, (pts.get(at) || 0) + Number(r[y].value));
    lines.set(s, pts);
  }
  const all = [...lines.values()].flatMap((m) => [...m.entries()]);
  const x0 = Math.min(...all.map((p) => p[0])), x1 = Math.max(...all.map((p) => p[0]));
  const ymax = Math.max(1, ...all.map((p) => p[1]));
  const W = 720, H = 320, L = 50, B = 30, T = 10;
  const sx = (t) => L + (x1 === x0 ? (W - L) / 2 : ((t - x0) / (x1 - x0)) * (W - L - 10));
  const sy = (v) => H - B - (v / ymax) * (H - B - T);
  const chart = svg("svg", { class: "chart line", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Line chart of ${y} over ${x}` });
  chart.append(svg("line", { x1: L, y1: H - B, x2: W, y2: H - B, class: "axis-line" }), svg("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis-line" }));
  for (const v of [0, ymax / 2, ymax]) chart.append(svg("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end", class: "axis" }, String(Math.round(v * 10) / 10)));
  const ticks = x1 === x0 ? [x0] : [x0, x0 + (x1 - x0) / 2, x1];
  for (const t of ticks) chart.append(svg("text", { x: sx(t), y: H - 8, "text-anchor": "middle", class: "axis" }, new Date(t).toISOString().slice(0, 10)));
  const names = [...lines.keys()].slice(0, PALETTE.length);
  const palette = colours(names);
  names.forEach((s) => {
    const pts = [...lines.get(s).entries()].sort((a, b) => a[0] - b[0]);
    chart.append(svg("polyline", { points: pts.map(([t, v]) => `${sx(t)},${sy(v)}`).join(" "), fill: "none", stroke: palette.get(s), "stroke-width": 2 }));
    for (const [t, v] of pts) {
      const dot = svg("circle", { cx: sx(t), cy: sy(v), r: 3.5, fill: palette.get(s) });
      dot.append(svg("title", {}, `${s} · ${new Date(t).toISOString().slice(0, 10)}: ${v}`));
      chart.append(dot);
    }
  });
  const note = el("p", { class: "meta", text: `${y} over ${x}` + (group ? `, one line per ${group}` : "") +
    (lines.size > names.length ? ` (the first ${names.length} of ${lines.size})` : "") });
  return colourKeys(el("figure", { class: "chart-box" }, chart, group ? legend(names, palette) : null, note));
}
