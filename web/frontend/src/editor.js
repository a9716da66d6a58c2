// The SPARQL editor: CodeMirror 6 over the page's <textarea id="query">, which stays the form field.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion, completionKeymap, closeBrackets } from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter } from "@codemirror/lint";
import { searchKeymap } from "@codemirror/search";

// Names the project knows (prefixes, ontology classes and properties), from the page's data island.
function vocabulary() {
  const island = document.getElementById("vocabulary");
  return island ? JSON.parse(island.textContent) : { prefixes: {}, terms: [] };
}

// Complete "cdo:Sta" from the ontology and "PREFIX c" from the prefixes; complete a bare word
// ("Viet", on Ctrl+Space) from the store's labels through /search.json, inserting the entity's prefixed name.
function completer(vocab) {
  const terms = vocab.terms.map((t) => ({ label: t.name, detail: t.kind, info: t.label, type: t.kind === "class" ? "class" : "property" }));
  const prefixes = Object.entries(vocab.prefixes).map(([p, ns]) => ({ label: p + ":", detail: ns, type: "namespace" }));
  return async (ctx) => {
    const prefixed = ctx.matchBefore(/[A-Za-z][\w-]*:[\w-]*/);
    if (prefixed) return { from: prefixed.from, options: terms.concat(prefixes), validFor: /^[\w:-]*$/ };
    const decl = ctx.matchBefore(/PREFIX\s+\w*/i);
    if (decl) {
      const from = decl.to - decl.text.replace(/^PREFIX\s+/i, "").length;
      return { from, options: Object.entries(vocab.prefixes).map(([p, ns]) => ({ label: `${p}: <${ns}>`, type: "namespace" })) };
    }
    // Names only on request (Ctrl+Space): a keyword typed is not a search.
    const word = ctx.matchBefore(/(?<![?$:\w])[\p{L}][\p{L}\p{N}'-]{1,}$/u);
    if (!word || !ctx.explicit) return null;
    const text = word.text, from = word.from;
    let hits = [];
    try {
      const resp = await fetch(`/search.json?limit=15&texts=0&q=${encodeURIComponent(text)}`);
      if (resp.ok) hits = (await resp.json()).results;
    } catch (e) { return null; }
    if (ctx.aborted) return null;
    return {
      from, filter: false,
      options: hits.map((h) => ({ label: h.label, apply: h.curie || `<${h.iri}>`, detail: h.type, type: "variable", info: h.curie || h.iri })),
    };
  };
}

// Mark the position of the error the server reported (data-line / data-column, 1-based).
function markError(view, el) {
  if (!el || !el.dataset.line) return;
  const line = view.state.doc.line(Math.min(Math.max(1, +el.dataset.line), view.state.doc.lines));
  // Mark one character; an error past the end of a line (a column after its last character) marks the last one.
  let from = Math.min(line.from + Math.max(0, (+el.dataset.column || 1) - 1), line.to);
  if (from === line.to && line.to > line.from) from -= 1;
  const to = Math.min(from + 1, line.to);
  view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: el.dataset.message || el.textContent }]));
}

const theme = EditorView.theme({
  "&": { border: "1px solid #e2e6ee", borderRadius: "8px", background: "#fff", fontSize: "13px" },
  "&.cm-focused": { outline: "2px solid #b9cdea" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, monospace', minHeight: "16rem", maxHeight: "70vh" },
  ".cm-gutters": { background: "#f7f8fb", borderRight: "1px solid #e2e6ee", color: "#8a93a6" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { background: "#1f5fa8", color: "#fff" },
});

export function upgradeEditor() {
  const area = document.getElementById("query");
  if (!area) return null;
  const run = () => { area.value = view.state.doc.toString(); area.form.requestSubmit(); return true; };
  // The editor lives in a shadow root: CodeMirror then styles it through a constructed style sheet
  // (adoptedStyleSheets), which the page's Content-Security-Policy allows, instead of a <style> tag.
  const host = document.createElement("div");
  host.className = "cm-host";
  const shadow = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        lineNumbers(), history(), EditorView.lineWrapping, drawSelection(), highlightActiveLine(), bracketMatching(), closeBrackets(), lintGutter(),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [completer(vocabulary())], activateOnTyping: true }),
        placeholder("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"),
        keymap.of([{ key: "Mod-Enter", run }, ...completionKeymap, ...searchKeymap, ...historyKeymap, indentWithTab, ...defaultKeymap]),
        EditorView.updateListener.of((u) => { if (u.docChanged) area.value = u.state.doc.toString(); }),
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query" }),
        theme,
      ],
    }),
  });
  area.hidden = true;
  area.after(host);
  view.dom.classList.add("cm-sparql");
  markError(view, document.getElementById("query-error"));
  return view;
}
