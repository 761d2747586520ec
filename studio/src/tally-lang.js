// Syntax highlighting for rule files: a stream tokenizer over the words of grammar/tally.pest.
import { StreamLanguage } from "@codemirror/language";

const keywords = new Set([
  "import", "input", "record", "let", "table", "template", "designation", "category",
  "subcategory", "output", "test", "if", "then", "else", "case", "when", "and", "or", "not",
  "in", "where", "of", "to", "max", "from", "data", "expect", "path", "threshold", "points",
  "requires", "sum", "count", "list", "text", "number", "date", "month", "bool", "map",
  "at", "least", "most", "default", "identifier", "optional", "one", "each",
]);
const notes = new Set(["source", "assumption"]);

export const tally = StreamLanguage.define({
  name: "tally",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("#")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match('"')) {
      let escaped = false;
      for (;;) {
        const ch = stream.next();
        if (ch == null) break;
        if (ch === '"' && !escaped) break;
        escaped = !escaped && ch === "\\";
      }
      return "string";
    }
    if (stream.match(/^\d{4}-\d{2}(-\d{2})?(?![\w])/)) return "number";
    if (stream.match(/^\d[\d_]*(\.\d+)?%?/)) return "number";
    if (stream.match(/^(true|false)(?![\w])/)) return "atom";
    const word = stream.match(/^[A-Za-z_]\w*/);
    if (word) {
      if (notes.has(word[0])) return "meta";
      if (keywords.has(word[0])) return "keyword";
      return stream.peek() === "(" ? "variableName.function" : "variableName";
    }
    if (stream.match(/^(>=|<=|==|!=|->|[-+*\/<>=])/)) return "operator";
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "#" } },
});
