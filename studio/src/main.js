// The studio: rule files in an editor with live diagnostics, the samples' results, a record's
// explanation and the impact of the unsaved edit, all computed by tally serve as you type.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { tally } from "./tally-lang.js";
import { call } from "./api.js";
import { renderExplanation, renderImpact, renderTests, renderResults, el } from "./render.js";

const $ = (id) => document.getElementById(id);

const studio = {
  files: new Map(), // path -> { saved, text, state }
  current: null,
  samples: [],
  pasted: [],
  preview: null, // the last answer of /v1/studio/preview
  selected: null, // the name of the record explained
  allowEdit: false,
  sequence: 0,
};

const view = new EditorView({ parent: $("editor") });

function newState(path, text) {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      tally,
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) edited(path, update.state);
      }),
    ],
  });
}

/// The unsaved files, as the server takes them.
function overlay() {
  const files = {};
  for (const [path, file] of studio.files) {
    if (file.text !== file.saved) files[path] = file.text;
  }
  return files;
}

function edited(path, state) {
  const file = studio.files.get(path);
  file.text = state.doc.toString();
  file.state = state;
  renderTree();
  schedulePreview();
}

let timer = null;
function schedulePreview() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 250);
}

/// Asks the server for diagnostics, results and impact of the text as it is now.
async function refresh() {
  const sequence = ++studio.sequence;
  const answer = await call("/v1/studio/preview", { files: overlay(), records: studio.pasted });
  if (sequence !== studio.sequence) return; // a newer edit has been sent
  if (!answer.ok) {
    setStatus(`error: ${answer.data.message || answer.status}`, "bad");
    return;
  }
  const preview = answer.data;
  showDiagnostics(preview.diagnostics);
  if (preview.checks) {
    studio.preview = preview;
    renderResults($("results"), preview.results, studio.selected, select);
    $("results").classList.remove("stale");
    renderImpact($("tab-impact"), preview.impact, Object.keys(overlay()).length > 0);
    if (studio.selected) explain();
  } else {
    $("results").classList.add("stale");
  }
  const d = preview.diagnostics;
  if (d.errors > 0) {
    setStatus(`${d.errors} error${d.errors === 1 ? "" : "s"}: showing the last results that checked`, "bad");
  } else {
    setStatus(`checks${d.warnings ? `, ${d.warnings} warning${d.warnings === 1 ? "" : "s"}` : ""}`, "good");
  }
}

function setStatus(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${kind}`;
}

/// Puts the diagnostics of the file shown into the editor, and all of them in the problems list.
function showDiagnostics(diagnostics) {
  // Errors first, then warnings; each in the order of the files.
  const list = [...diagnostics.diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  const doc = view.state.doc;
  const position = (line, column) => {
    if (!line) return 0;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    return Math.min(l.from + Math.max(column - 1, 0), l.to);
  };
  const here = list
    .filter((d) => d.file === studio.current && d.line)
    .map((d) => {
      const from = position(d.line, d.column);
      let to = position(d.end_line, d.end_column);
      if (to <= from) to = Math.min(from + 1, doc.length);
      return {
        from,
        to,
        severity: d.severity === "error" ? "error" : "warning",
        message: d.message + (d.help ? `\nhelp: ${d.help}` : ""),
        source: d.code,
      };
    });
  view.dispatch(setDiagnostics(view.state, here));
  const problems = $("problems");
  problems.replaceChildren();
  for (const d of list) {
    const where = d.file ? `${d.file}:${d.line}:${d.column}` : "";
    const item = el("div", { class: `problem ${d.severity}`, "data-testid": "problem" }, [
      el("span", { class: "where" }, where),
      el("span", { class: "message" }, `${d.severity}: ${d.message}`),
      d.help ? el("span", { class: "help" }, `help: ${d.help}`) : null,
    ]);
    item.addEventListener("click", () => goTo(d.file, d.line, d.column));
    problems.append(item);
  }
}

function goTo(path, line, column) {
  if (!path || !studio.files.has(path)) return;
  open(path);
  const doc = view.state.doc;
  const l = doc.line(Math.min(Math.max(line || 1, 1), doc.lines));
  const at = Math.min(l.from + Math.max((column || 1) - 1, 0), l.to);
  view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
  view.focus();
}

function open(path) {
  const file = studio.files.get(path);
  if (!file) return;
  if (!file.state) file.state = newState(path, file.text);
  studio.current = path;
  view.setState(file.state);
  $("file-name").textContent = path;
  renderTree();
  if (studio.preview) showDiagnostics(studio.preview.diagnostics);
  schedulePreview();
}

/// The rule files as a tree of folders.
function renderTree() {
  const root = {};
  for (const path of studio.files.keys()) {
    let node = root;
    const parts = path.split("/");
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts[parts.length - 1]] = path;
  }
  const build = (node) =>
    el("ul", {}, Object.entries(node).map(([name, value]) => {
      if (typeof value === "string") {
        const file = studio.files.get(value);
        const dirty = file.text !== file.saved;
        const item = el("li", {
          class: `file${value === studio.current ? " current" : ""}${dirty ? " dirty" : ""}`,
          "data-path": value,
          title: value,
        }, name + (dirty ? " •" : ""));
        item.addEventListener("click", () => open(value));
        return item;
      }
      return el("li", { class: "folder" }, [el("span", {}, `${name}/`), build(value)]);
    }));
  $("tree").replaceChildren(build(root));
}

function select(name) {
  studio.selected = name;
  renderResults($("results"), studio.preview.results, studio.selected, select);
  showTab("explain");
  explain();
}

function recordText(name) {
  const sample = studio.samples.find((s) => s.name === name);
  if (sample) return sample.text;
  const pasted = /^pasted (\d+)$/.exec(name);
  return pasted ? studio.pasted[Number(pasted[1]) - 1] : null;
}

async function explain() {
  const text = recordText(studio.selected);
  if (text == null) return;
  const answer = await call("/v1/studio/explain", { files: overlay(), record: text });
  const pane = $("tab-explain");
  if (answer.ok) renderExplanation(pane, studio.selected, answer.data);
  else pane.replaceChildren(el("pre", { class: "error" }, answer.data.text || answer.data.message));
}

async function runTests() {
  showTab("tests");
  $("tab-tests").replaceChildren(el("p", { class: "hint" }, "running…"));
  const answer = await call("/v1/studio/tests", { files: overlay() });
  if (answer.ok) renderTests($("tab-tests"), answer.data);
  else $("tab-tests").replaceChildren(el("pre", { class: "error" }, answer.data.message));
}

async function showDoc() {
  const answer = await call("/v1/studio/doc", { files: overlay() });
  $("doc").srcdoc = answer.ok ? answer.data : `<p>${answer.status}: the rules do not check</p>`;
}

async function format() {
  const file = studio.files.get(studio.current);
  const answer = await call("/v1/studio/format", { text: file.text });
  if (!answer.ok) {
    setStatus(answer.data.message, "bad");
    return;
  }
  replaceText(answer.data.text);
}

function replaceText(text) {
  if (text === view.state.doc.toString()) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

async function save() {
  const path = studio.current;
  const file = studio.files.get(path);
  const answer = await call("/v1/studio/save", { path, text: file.text });
  if (!answer.ok) {
    if (answer.data.diagnostics) showDiagnostics(answer.data.diagnostics);
    setStatus(`not saved: ${answer.data.message}`, "bad");
    return;
  }
  file.saved = answer.data.text;
  replaceText(answer.data.text);
  file.text = answer.data.text;
  renderTree();
  setStatus(`saved ${path}`, "good");
  schedulePreview();
}

function showTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.classList.toggle("active", tab.dataset.tab === name);
  }
  for (const pane of document.querySelectorAll(".tab")) {
    pane.classList.toggle("active", pane.id === `tab-${name}`);
  }
  if (name === "doc") showDoc();
}

async function start() {
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => showTab(tab.dataset.tab));
  }
  $("run-tests").addEventListener("click", runTests);
  $("format").addEventListener("click", format);
  $("save").addEventListener("click", save);
  $("paste-add").addEventListener("click", () => {
    const text = $("paste-text").value.trim();
    if (!text) return;
    studio.pasted.push(text);
    $("paste-text").value = "";
    schedulePreview();
  });
  $("upload").addEventListener("change", async (event) => {
    for (const file of event.target.files) {
      const text = await file.text();
      const records = /\.(jsonl|ndjson)$/.test(file.name)
        ? text.split("\n").filter((l) => l.trim())
        : [text];
      studio.pasted.push(...records);
    }
    event.target.value = "";
    schedulePreview();
  });
  const [files, samples] = await Promise.all([call("/v1/studio/files"), call("/v1/studio/samples")]);
  if (!files.ok) {
    setStatus(`cannot load the rules: ${files.data.message || files.status}`, "bad");
    return;
  }
  studio.allowEdit = files.data.allow_edit;
  $("save").disabled = !studio.allowEdit;
  if (!studio.allowEdit) $("save").title = "This server does not save (start it with --allow-edit)";
  for (const f of files.data.files) studio.files.set(f.path, { saved: f.text, text: f.text, state: null });
  studio.samples = samples.ok ? samples.data.samples : [];
  const first = [...studio.files.keys()].find((p) => !p.endsWith("tests.tally")) ?? [...studio.files.keys()][0];
  if (first) open(first);
  else setStatus("no rule files", "bad");
}

start();
