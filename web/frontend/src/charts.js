// Bar and line charts of a result, drawn as SVG from the columns' types (as WDQS picks its views).
import { el, svg } from "./dom.js";

const PALETTE = ["#2f6f9f", "#c8553d", "#4f9d69", "#8e6c8a", "#d9a441", "#5b8e9f", "#a05a2c", "#6c757d", "#b5838d", "#3d5a80"];
const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger|byte|unsignedInt)$/;
const TEMPORAL = /#(date|dateTime|gYear|gYearMonth)$/;
const isNum = (t) => t && t.type !== "uri" && NUMERIC.test(t.datatype || "");
const isTime = (t) => t && t.type !== "uri" && TEMPORAL.test(t.datatype || "");

function pick(vars, rows, test, not = []) {
  return vars.find((v) => !not.includes(v) && rows.some((r) => test(r[v])));
}

function legend(series) {
  return el("p", { class: "legend" }, ...series.map((s, i) =>
    el("span", { class: "item" }, el("i", { class: "swatch", "data-colour": i % PALETTE.length }), " " + s)));
}

function colourKeys(root) {
  // Colours set through the CSSOM, not style attributes: the page's CSP allows no inline styles.
  root.querySelectorAll("i[data-colour]").forEach((i) => { i.style.background = PALETTE[+i.dataset.colour]; });
  return root;
}

export function barChart(vars, rows, results) {
  const value = pick(vars, rows, isNum);
  const label = pick(vars, rows, (t) => t && !isNum(t), [value]);
  const group = pick(vars, rows, (t) => t && !isNum(t) && !isTime(t), [value, label]);
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
  const labelW = 240, barW = 480, rowH = 22, width = labelW + barW + 60;
  const chart = svg("svg", { class: "chart bar", viewBox: `0 0 ${width} ${cats.length * rowH + 10}`, role: "img",
    "aria-label": `Bar chart of ${value} by ${label}` });
  cats.forEach((c, i) => {
    const y = i * rowH + 4;
    chart.append(svg("text", { x: labelW - 6, y: y + 14, "text-anchor": "end", class: "axis" }, c.length > 38 ? c.slice(0, 37) + "…" : c));
    let x = labelW;
    series.forEach((s, k) => {
      const n = cells.get(c + "\u0000" + s) || 0;
      if (!n) return;
      const w = (n / max) * barW;
      const rect = svg("rect", { x, y, width: Math.max(w, 1), height: rowH - 6, fill: PALETTE[k % PALETTE.length] });
      rect.append(svg("title", {}, `${c} · ${s}: ${n}`));
      chart.append(rect);
      x += w;
    });
    chart.append(svg("text", { x: x + 4, y: y + 14, class: "value" }, String(totals.get(c))));
  });
  const note = el("p", { class: "meta", text: `${value} by ${label}` + (group ? `, coloured by ${group}` : "") +
    (totals.size > cats.length ? ` (the ${cats.length} largest of ${totals.size})` : "") });
  return colourKeys(el("figure", { class: "chart-box" }, chart, group ? legend(series) : null, note));
}

function toTime(t) {
  const v = t.value;
  return Date.parse(/^\d{4}$/.test(v) ? v + "-01-01" : /^\d{4}-\d{2}$/.test(v) ? v + "-01" : v);
}

export function lineChart(vars, rows, results) {
  const x = pick(vars, rows, isTime), y = pick(vars, rows, isNum, [x]);
  const group = pick(vars, rows, (t) => t && !isNum(t) && !isTime(t), [x, y]);
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
  names.forEach((s, k) => {
    const pts = [...lines.get(s).entries()].sort((a, b) => a[0] - b[0]);
    chart.append(svg("polyline", { points: pts.map(([t, v]) => `${sx(t)},${sy(v)}`).join(" "), fill: "none", stroke: PALETTE[k], "stroke-width": 2 }));
    for (const [t, v] of pts) {
      const dot = svg("circle", { cx: sx(t), cy: sy(v), r: 3.5, fill: PALETTE[k] });
      dot.append(svg("title", {}, `${s} · ${new Date(t).toISOString().slice(0, 10)}: ${v}`));
      chart.append(dot);
    }
  });
  const note = el("p", { class: "meta", text: `${y} over ${x}` + (group ? `, one line per ${group}` : "") +
    (lines.size > names.length ? ` (the first ${names.length} of ${lines.size})` : "") });
  return colourKeys(el("figure", { class: "chart-box" }, chart, group ? legend(names) : null, note));
}
