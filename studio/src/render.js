// Rendering the server's answers as HTML. Everything goes through text nodes: nothing the
// rules or the data hold is ever parsed as HTML.

export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

const shortName = (designation) => designation.replace(/ \(Azure\)$/, "");

/// One row per record: each designation attained or not, with its total; for other inputs,
/// the first numbers of the output.
export function renderResults(table, results, selected, onSelect) {
  const designations = [];
  for (const r of results) {
    for (const d of r.result?.results ?? []) {
      if (!designations.includes(d.designation)) designations.push(d.designation);
    }
  }
  const head = el("tr", {}, [el("th", {}, "record"), ...designations.map((d) => el("th", {}, shortName(d))), el("th", {}, "output")]);
  const rows = results.map((r) => {
    const cells = [el("td", { class: "name" }, identify(r))];
    if (r.error) {
      cells.push(el("td", { class: "error", colspan: String(designations.length + 1) }, `${r.error.error}: ${r.error.message}`));
    } else {
      for (const name of designations) {
        const d = (r.result.results ?? []).find((x) => x.designation === name);
        cells.push(d
          ? el("td", {
            class: d.attained ? "attained" : "not-attained",
            "data-designation": name,
            "data-attained": String(d.attained),
            title: d.unmet?.length ? `unmet: ${d.unmet.join("; ")}` : "",
          }, `${d.attained ? "✓" : "✗"} ${d.total}/${d.threshold ?? "–"}`)
          : el("td", {}, ""));
      }
      cells.push(el("td", { class: "output" }, outputSummary(r.result)));
    }
    const row = el("tr", {
      class: r.name === selected ? "selected" : "",
      "data-testid": "result-row",
      "data-name": r.name,
    }, cells);
    row.addEventListener("click", () => onSelect(r.name));
    return row;
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
}

function identify(r) {
  const result = r.result ?? {};
  const id = result.partner_id ?? result.scenario_id ?? result.name ?? result.id;
  return id ? `${id} (${r.name})` : r.name;
}

function outputSummary(result) {
  const parts = [];
  for (const [key, value] of Object.entries(result)) {
    if (key === "results" || typeof value === "object") continue;
    parts.push(`${key}: ${value}`);
    if (parts.length === 4) break;
  }
  return parts.join(", ");
}

/// A record's explanation: per designation, each subcategory with the rule behind it, and
/// what is missing.
export function renderExplanation(pane, name, e) {
  const blocks = [el("h2", {}, `${e.name ?? e.id ?? name}${e.date ? ` on ${e.date}` : ""}`)];
  for (const d of e.designations) {
    const section = el("details", { open: "", class: "designation", "data-testid": "explained-designation" }, [
      el("summary", {}, `${d.designation}: ${d.total} of ${d.max ?? "?"} (needs ${d.threshold ?? "?"}) — ${d.attained ? "attained" : "not attained"}`),
    ]);
    if (d.path) section.append(node(d.path));
    for (const s of d.subcategories) {
      section.append(el("details", { class: "subcategory" }, [
        el("summary", {}, `${s.category} › ${s.name}: ${s.points} of ${s.max}`),
        s.source ? el("div", { class: "source" }, `source: ${s.source}`) : null,
        node(s.rule),
      ]));
    }
    if (d.unmet.length) section.append(el("div", { class: "unmet" }, `unmet: ${d.unmet.join("; ")}`));
    if (d.missing) section.append(missing(d.missing));
    blocks.push(section);
  }
  for (const output of e.outputs) blocks.push(node(output));
  pane.replaceChildren(...blocks);
}

function missing(m) {
  const items = [];
  if (m.points_short) items.push(el("div", {}, `points short: ${m.points_short}`));
  if (m.subcategories_at_zero.length) items.push(el("div", {}, `at 0: ${m.subcategories_at_zero.join(", ")}`));
  const moves = (list) => el("ul", {}, list.map((mv) => el("li", {}, `${mv.subcategory}: ${mv.value} ${mv.from} → ${mv.to} (${mv.gain})`)));
  if (m.plan.length) items.push(el("div", {}, m.plan_attains ? "what would attain it:" : "the closest found:"), moves(m.plan));
  return el("div", { class: "missing", "data-testid": "missing" }, [el("strong", {}, "What is missing"), ...items]);
}

function node(n) {
  const children = [
    el("summary", {}, [el("code", {}, n.name), ` = ${n.value}`, n.at ? el("span", { class: "at" }, `  ${n.at}`) : null]),
  ];
  if (n.formula) children.push(el("pre", { class: "formula" }, n.formula));
  if (n.computed) children.push(el("pre", { class: "computed" }, n.computed));
  for (const s of n.sources) children.push(el("div", { class: "source" }, `source: ${s}`));
  for (const a of n.assumptions) children.push(el("div", { class: "assumption" }, `assumption: ${a}`));
  if (n.elements.length) {
    children.push(el("ul", { class: "elements" }, n.elements.map((x) =>
      el("li", { class: x.kept ? "kept" : "dropped" }, `${x.kept ? "✓" : "✗"} ${x.element}: ${x.why}`))));
  }
  for (const c of n.children) children.push(node(c));
  return el("details", { class: "node" }, children);
}

/// The impact of the unsaved edit over the samples, as tally diff reports it.
export function renderImpact(pane, diff, edited) {
  if (!edited) {
    pane.replaceChildren(el("p", { class: "hint" }, "No unsaved changes: edit a rule to see who gains or loses a designation."));
    return;
  }
  const blocks = [el("p", {}, `Over ${diff.records} record${diff.records === 1 ? "" : "s"}, against the rules in force:`)];
  let changes = 0;
  for (const f of diff.failures) {
    changes++;
    blocks.push(el("div", { class: "error" }, `${f.id}: ${f.new_ok ? "fails with the rules in force only" : f.old_ok ? "fails with the edit" : "fails with both"}`));
  }
  for (const d of diff.designations) {
    const moved = d.gained.length || d.lost.length || d.path_changes.length || d.largest.length;
    if (!moved) continue;
    changes++;
    const section = el("div", { class: "impact-designation", "data-testid": "impact-designation" }, [
      el("h3", {}, `${d.designation}: attained ${d.attained_before} → ${d.attained_after}`),
    ]);
    if (d.gained.length) section.append(el("div", { class: "gained", "data-testid": "impact-gained" }, `gain it: ${d.gained.join(", ")}`));
    if (d.lost.length) section.append(el("div", { class: "lost", "data-testid": "impact-lost" }, `lose it: ${d.lost.join(", ")}`));
    for (const p of d.path_changes) section.append(el("div", {}, `path: ${p.id} ${p.before} → ${p.after}`));
    if (d.largest.length) {
      section.append(el("table", { class: "largest" }, [
        el("tr", {}, [el("th", {}, "record"), el("th", {}, "total"), el("th", {}, "change"), el("th", {}, "mostly")]),
        ...d.largest.map((c) => el("tr", {}, [
          el("td", {}, c.id), el("td", {}, `${c.before} → ${c.after}`), el("td", {}, signed(c.change)),
          el("td", {}, c.subcategory ? `${c.subcategory} ${signed(c.subcategory_change)}` : ""),
        ])),
      ]));
    }
    blocks.push(section);
  }
  for (const o of diff.outputs.filter((x) => x.changed > 0)) {
    changes++;
    blocks.push(el("div", { class: "impact-output", "data-testid": "impact-output" }, [
      el("h3", {}, `${o.field}: ${o.changed} changed, total ${o.sum_before} → ${o.sum_after}`),
      el("ul", {}, o.largest.map((c) => el("li", {}, `${c.id}: ${c.before} → ${c.after} (${signed(c.change)})`))),
    ]));
  }
  if (!changes) blocks.push(el("p", { class: "hint", "data-testid": "impact-none" }, "The edit changes no result of the samples."));
  pane.replaceChildren(...blocks);
}

const signed = (n) => (typeof n === "string" && !n.startsWith("-") && n !== "0" ? `+${n}` : String(n));

export function renderTests(pane, answer) {
  pane.replaceChildren(
    el("p", { "data-testid": "tests-summary" }, `${answer.passed} passed, ${answer.failed} failed`),
    el("ul", { class: "tests" }, answer.tests.map((t) => el("li", { class: t.passed ? "pass" : "fail" }, [
      `${t.passed ? "✓" : "✗"} ${t.name} `,
      el("span", { class: "at" }, `${t.file}:${t.line}`),
      ...t.failures.map((f) => el("pre", {}, f)),
    ]))),
  );
}
