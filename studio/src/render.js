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

/// A record's explanation: per designation, each subcategory with the steps behind it (as
/// `tally explain --format json` gives them: steps by name, each with what it reads), and what
/// is missing.
export function renderExplanation(pane, name, e) {
  const steps = new Map();
  for (const section of e.sections ?? []) for (const st of section.steps) steps.set(st.name, st);
  const blocks = [el("h2", {}, `${e.name ?? e.id ?? name}${e.date ? ` on ${e.date}` : ""}`)];
  for (const d of e.designations) {
    const section = el("details", { open: "", class: "designation", "data-testid": "explained-designation" }, [
      el("summary", {}, `${d.designation}: ${d.total} of ${d.max ?? "?"} (needs ${d.threshold ?? "?"}) — ${d.attained ? "attained" : "not attained"}`),
    ]);
    if (d.path) section.append(el("div", {}, `path: ${d.path.value}${d.path.reason ? ` because ${d.path.reason}` : ""}`));
    for (const sub of d.subcategories) {
      section.append(el("details", { class: "subcategory" }, [
        el("summary", {}, `${sub.category} › ${sub.name}: ${sub.points} of ${sub.max}`),
        sub.source ? el("div", { class: "source" }, `source: ${sub.source}`) : null,
        step(steps, sub.step, new Set()),
      ]));
    }
    if (d.unmet.length) section.append(el("div", { class: "unmet" }, `unmet: ${d.unmet.join("; ")}`));
    if (d.missing) section.append(missing(d.missing));
    blocks.push(section);
  }
  for (const output of e.outputs ?? []) {
    blocks.push(el("details", { class: "node" }, [
      el("summary", {}, [el("code", {}, output.field), ` = ${JSON.stringify(output.value)}`]),
      step(steps, output.step, new Set()),
    ]));
  }
  pane.replaceChildren(...blocks);
}

function missing(m) {
  const items = [];
  if (m.points_short) items.push(el("div", {}, `points short: ${m.points_short}`));
  if (m.subcategories_at_zero.length) items.push(el("div", {}, `at 0: ${m.subcategories_at_zero.join(", ")}`));
  const moves = (list) => el("ul", {}, list.map((mv) => el("li", {}, `${mv.subcategory}: ${mv.value} ${mv.from} → ${mv.to} (+${mv.gain})`)));
  if (m.plan?.length) items.push(el("div", {}, m.plan_attains ? "what would attain it:" : "the closest found:"), moves(m.plan));
  else if (m.moves?.length) items.push(el("div", {}, "what would raise it:"), moves(m.moves));
  return el("div", { class: "missing", "data-testid": "missing" }, [el("strong", {}, "What is missing"), ...items]);
}

/// A step of the derivation, and the steps it reads (each shown once on a branch).
function step(steps, name, seen) {
  const st = steps.get(name);
  if (!st) return null;
  const children = [
    el("summary", {}, [el("code", {}, st.name), ` = ${st.shown}`, st.at ? el("span", { class: "at" }, `  ${st.at}`) : null]),
  ];
  if (st.from_data) children.push(el("div", { class: "source" }, "from the data"));
  if (st.formula) children.push(el("pre", { class: "formula" }, st.formula));
  if (st.computed) children.push(el("pre", { class: "computed" }, st.computed));
  for (const s of st.sources) children.push(el("div", { class: "source" }, `source: ${s}`));
  for (const a of st.assumptions) children.push(el("div", { class: "assumption" }, `assumption: ${a}`));
  if (st.elements.length) {
    children.push(el("ul", { class: "elements" }, st.elements.map((x) =>
      el("li", { class: x.kept ? "kept" : "dropped" }, `${x.kept ? "✓" : "✗"} ${x.element}: ${x.why}`))));
  }
  const inner = new Set(seen).add(name);
  for (const read of st.reads) if (!inner.has(read.name)) children.push(step(steps, read.name, inner));
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
  const ids = (group) => `${group.ids.join(", ")}${group.count > group.ids.length ? ` and ${group.count - group.ids.length} more` : ""}`;
  const failures = [
    [diff.failures.new_only, "fail with the edit only"],
    [diff.failures.old_only, "fail with the rules in force only"],
    [diff.failures.both, "fail with both"],
  ];
  for (const [group, why] of failures) {
    if (!group.count) continue;
    changes++;
    blocks.push(el("div", { class: "error" }, `${ids(group)}: ${why}`));
  }
  for (const d of diff.designations) {
    const moved = d.gained.count || d.lost.count || d.path_changes.length || d.largest.length;
    if (!moved) continue;
    changes++;
    const section = el("div", { class: "impact-designation", "data-testid": "impact-designation" }, [
      el("h3", {}, `${d.designation}: attained ${d.attained_before} → ${d.attained_after}`),
    ]);
    if (d.gained.count) section.append(el("div", { class: "gained", "data-testid": "impact-gained" }, `gain it: ${ids(d.gained)}`));
    if (d.lost.count) section.append(el("div", { class: "lost", "data-testid": "impact-lost" }, `lose it: ${ids(d.lost)}`));
    for (const p of d.path_changes) section.append(el("div", {}, `path ${p.before} → ${p.after}: ${ids(p.records)}`));
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
  for (const o of diff.outputs.filter((x) => x.changed.count > 0)) {
    changes++;
    blocks.push(el("div", { class: "impact-output", "data-testid": "impact-output" }, [
      el("h3", {}, `${o.field}: ${o.changed.count} changed, total ${o.sum_before} → ${o.sum_after}`),
      el("ul", {}, o.largest.map((c) => el("li", {}, `${c.id}: ${c.before} → ${c.after} (${signed(c.change)})`))),
    ]));
  }
  if (!changes) blocks.push(el("p", { class: "hint", "data-testid": "impact-none" }, "The edit changes no result of the samples."));
  pane.replaceChildren(...blocks);
}

const signed = (n) => (Number(n) > 0 ? `+${n}` : String(n));

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
