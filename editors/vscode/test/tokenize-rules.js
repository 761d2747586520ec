// Every shipped rule file (rules/**/*.tally) tokenizes with the grammar, with no token
// scoped `invalid`: the grammar knows everything the rules are written with.

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const here = __dirname;
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;

function ruleFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ruleFiles(full);
    return entry.name.endsWith(".tally") ? [full] : [];
  });
}

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope !== "source.tally") return null;
      const file = path.join(here, "..", "syntaxes", "tally.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const grammar = await registry.loadGrammar("source.tally");
  const root = path.join(here, "..", "..", "..", "rules");
  const files = ruleFiles(root);
  if (files.length === 0) throw new Error(`no rule files under ${root}`);
  let problems = 0;
  for (const file of files) {
    let state = vsctm.INITIAL;
    fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      for (const token of result.tokens) {
        if (token.scopes.some((s) => s.startsWith("invalid"))) {
          problems += 1;
          const text = line.slice(token.startIndex, token.endIndex);
          console.error(`${path.relative(root, file)}:${i + 1}:${token.startIndex + 1}: invalid token \`${text}\``);
        }
      }
      state = result.ruleStack;
    });
  }
  if (problems > 0) {
    console.error(`${problems} invalid tokens in ${files.length} rule files`);
    process.exit(1);
  }
  console.log(`${files.length} rule files tokenized, no invalid token`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
