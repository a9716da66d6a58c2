// An interactive node-link view: d3-force lays it out; drag a node, wheel to zoom, drag the
// background to pan, click a node (or an edge that has a page) to open it.
import { forceSimulation, forceLink, forceManyBody, forceCenter, forceCollide } from "d3-force";
import { el, svg } from "./dom.js";

export function forceGraph({ nodes, edges }, { directed = false, legend = null } = {}) {
  const W = 900, H = 560;
  const root = svg("svg", { class: "graph", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Graph of ${nodes.length} nodes and ${edges.length} links` });
  const world = svg("g", { class: "world" });
  root.append(world);
  if (directed) {
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }));
    defs.append(marker);
    root.append(defs);
  }
  const maxW = Math.max(1, ...edges.map((e) => e.weight || 1));
  const sim = forceSimulation(nodes)
    .force("link", forceLink(edges).id((d) => d.id).distance(110))
    .force("charge", forceManyBody().strength(-320))
    .force("center", forceCenter(W / 2, H / 2))
    .force("collide", forceCollide(28))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();

  const lines = edges.map((e) => {
    const line = svg("line", { class: "edge " + (e.kind || ""), "stroke-width": 1 + 3 * ((e.weight || 1) / maxW), "marker-end": directed ? "url(#arrow)" : null });
    line.append(svg("title", {}, e.title || `${e.source.label} → ${e.target.label}`));
    if (e.href) { line.classList.add("linked"); line.addEventListener("click", () => { window.location.href = e.href; }); }
    world.append(line);
    return line;
  });
  const dots = nodes.map((n) => {
    const g = svg("g", { class: "node" + (n.href ? " linked" : ""), tabindex: n.href ? 0 : null, "data-id": n.id });
    g.append(svg("circle", { r: 7 }), svg("text", { x: 10, y: 4 }, n.label));
    g.append(svg("title", {}, n.label));
    world.append(g);
    return g;
  });
  const draw = () => {
    edges.forEach((e, i) => {
      lines[i].setAttribute("x1", e.source.x); lines[i].setAttribute("y1", e.source.y);
      lines[i].setAttribute("x2", e.target.x); lines[i].setAttribute("y2", e.target.y);
    });
    nodes.forEach((n, i) => dots[i].setAttribute("transform", `translate(${n.x},${n.y})`));
  };
  sim.on("tick", draw);
  draw();

  // Zoom and pan move the view box, so labels are never cut off at the edges.
  let box = [0, 0, W, H];
  const setBox = (b) => { box = b; root.setAttribute("viewBox", b.join(" ")); };
  const fit = () => {
    const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
    const longest = Math.max(40, ...nodes.map((n) => n.label.length * 6.5));
    const x0 = Math.min(...xs) - 20, y0 = Math.min(...ys) - 20, x1 = Math.max(...xs) + longest + 20, y1 = Math.max(...ys) + 20;
    const w = Math.max(x1 - x0, 200), h = Math.max(y1 - y0, 150);
    setBox([x0, y0, w, h]);
  };
  if (nodes.length) fit();
  const toWorld = (ev) => {
    const r = root.getBoundingClientRect();
    return [box[0] + ((ev.clientX - r.left) / r.width) * box[2], box[1] + ((ev.clientY - r.top) / r.height) * box[3]];
  };
  root.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [mx, my] = toWorld(ev), k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    setBox([mx - (mx - box[0]) * k, my - (my - box[1]) * k, box[2] * k, box[3] * k]);
  }, { passive: false });

  let drag = null; // {node, moved} or {pan: [x, y], moved}
  root.addEventListener("pointerdown", (ev) => {
    const g = ev.target.closest("g.node");
    const n = g ? nodes[dots.indexOf(g)] : null;
    drag = n ? { node: n, moved: false } : { pan: [ev.clientX, ev.clientY], start: box.slice(), moved: false };
    if (n) { n.fx = n.x; n.fy = n.y; sim.alphaTarget(0.2).restart(); }
    root.setPointerCapture(ev.pointerId);
  });
  root.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    drag.moved = true;
    if (drag.node) { const [x, y] = toWorld(ev); drag.node.fx = x; drag.node.fy = y; return; }
    const r = root.getBoundingClientRect();
    const dx = ((ev.clientX - drag.pan[0]) / r.width) * drag.start[2], dy = ((ev.clientY - drag.pan[1]) / r.height) * drag.start[3];
    setBox([drag.start[0] - dx, drag.start[1] - dy, drag.start[2], drag.start[3]]);
  });
  root.addEventListener("pointerup", (ev) => {
    const d = drag;
    drag = null;
    if (!d || !d.node) return;
    d.node.fx = null; d.node.fy = null; sim.alphaTarget(0);
    if (!d.moved && d.node.href) window.location.href = d.node.href;
  });
  dots.forEach((g, i) => g.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && nodes[i].href) window.location.href = nodes[i].href;
  }));
  const help = el("p", { class: "meta", text: `${nodes.length} nodes, ${edges.length} links · drag a node, scroll to zoom, drag the background to pan, click a node to open it` });
  return el("figure", { class: "graph-box" }, root, legend, help);
}
