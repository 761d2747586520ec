// The studio in a real browser (Debian's Chromium, driven by playwright-core) against a running
// `tally serve RULES --data examples/` at $TALLY_URL. Each step leaves a screenshot in
// $TALLY_TEST_OUTPUT (default studio/test-output/). The edits are never saved.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const url = process.env.TALLY_URL;
if (!url) throw new Error("set TALLY_URL to a running tally serve, such as http://127.0.0.1:8080");
const output = process.env.TALLY_TEST_OUTPUT || join(dirname(fileURLToPath(import.meta.url)), "..", "test-output");
mkdirSync(output, { recursive: true });

const COMMON = "rules/azure/common.tally";
const PARTNER = "examples/partner-smb.json";
const DATA_AI = "Data & AI (Azure)";

let browser;
let page;
const errors = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.setDefaultTimeout(15000);
  page.on("pageerror", (e) => errors.push(e.message));
});

after(async () => {
  await browser?.close();
});

const shot = (name) => page.screenshot({ path: join(output, `${name}.png`) });
const cell = (designation) =>
  page.locator(`[data-testid="result-row"][data-name="${PARTNER}"] td[data-designation="${designation}"]`);
const line = (text) => page.locator(".cm-line", { hasText: text }).first();

/// The 1-based line of the first line of `path` that contains `text`, as the server has it.
async function lineOf(path, text) {
  const files = await (await fetch(new URL("/v1/studio/files", url))).json();
  const file = files.files.find((f) => f.path === path);
  return file.text.split("\n").findIndex((l) => l.includes(text)) + 1;
}

/// Puts the cursor at the end of the editor's line holding `text`, found with the editor's
/// search (Ctrl-F), which also scrolls to it.
async function endOf(text) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+f");
  const field = page.locator(".cm-search input[name=search]");
  await field.pressSequentially(text);
  await field.press("Enter");
  await field.press("Escape");
  await line(text).waitFor();
  await page.keyboard.press("End");
}

test("the studio opens with the rule files and the samples' results", async () => {
  await page.goto(url);
  await page.locator(`#tree li[data-path="${COMMON}"]`).waitFor();
  await cell(DATA_AI).waitFor();
  assert.equal(await cell(DATA_AI).getAttribute("data-attained"), "false");
  // The data contract's three examples and the 240 generated partners of examples/partners/.
  assert.equal(await page.locator('[data-testid="result-row"]').count(), 243);
  await shot("01-opened");
});

test("lowering a threshold flips the sample partner's designation", async () => {
  await page.locator(`#tree li[data-path="${COMMON}"]`).click();
  await endOf("let points_to_attain = 70");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("40");
  await page.locator(`[data-testid="result-row"][data-name="${PARTNER}"] td[data-designation="${DATA_AI}"][data-attained="true"]`).waitFor();
  assert.match(await cell(DATA_AI).textContent(), /45\/40/);
  assert.match(await page.getByTestId("status").textContent(), /checks/);
  await shot("02-threshold-flipped");
});

test("the impact lists who gains the designation", async () => {
  await page.getByTestId("tab-impact").click();
  // Data & AI comes first; P-0001 is among those who gain it.
  const gained = page.getByTestId("impact-gained").first();
  await gained.waitFor();
  assert.match(await gained.textContent(), /P-0001/);
  assert.match(await page.getByTestId("impact").textContent(), /Data & AI \(Azure\): attained \d+ → \d+/);
  await shot("03-impact");
});

test("a selected record's explanation follows the edit", async () => {
  await page.locator('[data-tab="results"]').click();
  await page.locator(`[data-testid="result-row"][data-name="${PARTNER}"]`).click();
  const designations = page.getByTestId("explained-designation");
  await designations.first().waitFor();
  assert.equal(await designations.count(), 3);
  assert.match(await designations.first().textContent(), /45 of 100 \(needs 40\) — attained/);
  await page.locator(".designation summary").nth(1).click();
  await shot("04-explanation");
});

test("the tests written next to the rules run with the edit", async () => {
  await page.getByTestId("run-tests").click();
  const summary = page.getByTestId("tests-summary");
  await summary.waitFor();
  assert.match(await summary.textContent(), /^\d+ passed, \d+ failed$/);
  await shot("05-tests");
});

test("the document renders the edited rules", async () => {
  await page.getByTestId("tab-doc").click();
  const frame = page.frameLocator("#doc");
  await frame.locator("h2", { hasText: DATA_AI }).first().waitFor();
  await shot("06-document");
});

test("a typo shows its diagnostic at its line, and the last good results stay", async () => {
  const text = "customers where attribution in eligible_attributions";
  const expected = await lineOf(COMMON, text);
  assert.ok(expected > 0);
  await endOf(text);
  for (let i = 0; i < "tributions".length; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Backspace"); // eligible_attributions -> eligible_atributions
  const problem = page.getByTestId("problem").filter({ hasText: "eligible_atributions" }).first();
  await problem.waitFor();
  assert.match(await problem.textContent(), new RegExp(`${COMMON}:${expected}:\\d+`));
  await page.locator(".cm-lintRange-error").first().waitFor();
  assert.match(await page.getByTestId("status").textContent(), /error/);
  assert.match(await page.locator("#results").getAttribute("class"), /stale/);
  await shot("07-typo-diagnostic");
  // Clicking the problem puts the cursor on its line.
  await problem.click();
  const active = await page.locator(".cm-lineNumbers .cm-activeLineGutter").textContent();
  assert.equal(Number(active), expected);
});

test("the page raised no script error", () => {
  assert.deepEqual(errors, []);
});
