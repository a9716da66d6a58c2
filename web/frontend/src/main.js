// Entry point of the bundle: upgrade what the page offers; every page works without it.
import { upgradeEditor } from "./editor.js";
import { Results } from "./results.js";
import { forceGraph } from "./graph.js";
import { el } from "./dom.js";
import { remember, showHistory } from "./history.js";

function island(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function network() {
  const data = island("network-data");
  const box = document.getElementById("network");
  if (!data || !box) return;
  const keys = el("p", { class: "legend" }, ...["agree", "disagree", "mixed"].map((k) =>
    el("span", { class: "item" }, el("i", { class: "edge-key " + k }), ` ${k}`)));
  box.replaceChildren(forceGraph(data, { legend: keys }));
}

document.addEventListener("DOMContentLoaded", () => {
  window.kgEditor = upgradeEditor();
  const data = island("result-data");
  const box = document.getElementById("result-view");
  if (data && box) window.kgResults = new Results(box, data);
  const ran = document.getElementById("result-meta");
  const area = document.getElementById("query");
  if (ran && area) remember(area.value, data ? data.rows.length : null);
  showHistory(document.getElementById("history"));
  network();
});
