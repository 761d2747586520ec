// The VS Code client of `tally lsp`: starts the language server for `.tally` files.
// The program is `tally` on the PATH, or the path set in the `tally.path` setting.

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("tally").get("path") || "tally";
  client = new LanguageClient(
    "tally",
    "tally",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ scheme: "file", language: "tally" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.tally"),
      },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("tally.path")) {
        vscode.window.showInformationMessage("tally: reload the window to use the new tally.path");
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
