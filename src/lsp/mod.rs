//! `tally lsp`: the language service spoken over the Language Server Protocol, on standard
//! input and output.
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's crates: a synchronous loop over
//! messages, which fits a synchronous library (no async runtime). Each folder holding an open
//! rule file is a [`Workspace`]; after every change, the diagnostics of all its files are
//! published. Every request gets an answer: a request the server does not know, or whose
//! parameters do not read, gets an error response, and a failure inside a handler is caught
//! and answered as an internal error, so no input stops the server.

mod convert;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::Value;

use crate::service::Workspace;

/// Serves the protocol on standard input and output until the client says `exit`.
pub fn serve_stdio() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io.join().map_err(|e| e.to_string())
}

/// Serves the protocol on a connection (standard input and output, or memory in tests).
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let init = connection
        .initialize(capabilities)
        .map_err(|e| e.to_string())?;
    let root = serde_json::from_value::<lsp::InitializeParams>(init)
        .ok()
        .and_then(|p| {
            p.workspace_folders
                .and_then(|f| f.into_iter().next())
                .and_then(|f| convert::path_of(&f.uri))
        });
    let mut server = Server {
        workspaces: Vec::new(),
        _root: root,
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let id = request.id.clone();
                let response = catch_unwind(AssertUnwindSafe(|| server.request(request)))
                    .unwrap_or_else(|_| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "tally failed on this request; please report it".into(),
                        )
                    });
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                let published =
                    catch_unwind(AssertUnwindSafe(|| server.notification(notification)))
                        .unwrap_or_default();
                for message in published {
                    send(connection, message)?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|e| e.to_string())
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into()]),
            ..lsp::CompletionOptions::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..lsp::ServerCapabilities::default()
    }
}

struct Server {
    workspaces: Vec<Workspace>,
    /// The folder the editor opened, kept for a later use (a workspace-wide check).
    _root: Option<PathBuf>,
}

/// The answer to a request, or the error to answer with.
type Answer = Result<Value, (ErrorCode, String)>;

impl Server {
    /// The workspace of a file: the folder that holds it (made on first use), or a workspace
    /// that imports it.
    fn workspace(&mut self, path: &Path) -> &mut Workspace {
        let path = crate::service::absolute(path);
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let found = self
            .workspaces
            .iter()
            .position(|w| w.root() == folder)
            .or_else(|| self.workspaces.iter_mut().position(|w| w.contains(&path)));
        let i = match found {
            Some(i) => i,
            None => {
                self.workspaces.push(Workspace::new(&folder));
                self.workspaces.len() - 1
            }
        };
        &mut self.workspaces[i]
    }

    fn request(&mut self, request: Request) -> Response {
        let id: RequestId = request.id.clone();
        match self.answer(request) {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn answer(&mut self, request: Request) -> Answer {
        use lsp::request as r;
        let method = request.method.as_str();
        match method {
            r::HoverRequest::METHOD => {
                let p: lsp::HoverParams = params(request)?;
                let (path, at) = place(&p.text_document_position_params)?;
                let hover = self.workspace(&path).hover(&path, at).map(|h| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: h.markdown,
                    }),
                    range: Some(convert::range(h.range)),
                });
                json(hover)
            }
            r::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = params(request)?;
                let (path, at) = place(&p.text_document_position_params)?;
                let found = self.workspace(&path).definition(&path, at);
                json(lsp::GotoDefinitionResponse::Array(
                    found.iter().map(convert::location).collect(),
                ))
            }
            r::References::METHOD => {
                let p: lsp::ReferenceParams = params(request)?;
                let (path, at) = place(&p.text_document_position)?;
                let found =
                    self.workspace(&path)
                        .references(&path, at, p.context.include_declaration);
                json(found.iter().map(convert::location).collect::<Vec<_>>())
            }
            r::Rename::METHOD => {
                let p: lsp::RenameParams = params(request)?;
                let (path, at) = place(&p.text_document_position)?;
                match self.workspace(&path).rename(&path, at, &p.new_name) {
                    Ok(edits) => json(convert::workspace_edit(&edits)),
                    Err(why) => Err((ErrorCode::RequestFailed, why)),
                }
            }
            r::Completion::METHOD => {
                let p: lsp::CompletionParams = params(request)?;
                let (path, at) = place(&p.text_document_position)?;
                let items: Vec<lsp::CompletionItem> = self
                    .workspace(&path)
                    .completions(&path, at)
                    .iter()
                    .map(convert::completion)
                    .collect();
                json(lsp::CompletionResponse::Array(items))
            }
            r::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = params(request)?;
                let path = file(&p.text_document.uri)?;
                let symbols = self.workspace(&path).symbols(&path);
                json(lsp::DocumentSymbolResponse::Nested(
                    symbols.iter().map(convert::symbol).collect(),
                ))
            }
            r::Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = params(request)?;
                let path = file(&p.text_document.uri)?;
                let edits = self.workspace(&path).format(&path);
                json(edits.iter().map(convert::text_edit).collect::<Vec<_>>())
            }
            r::CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = params(request)?;
                let path = file(&p.text_document.uri)?;
                let workspace = self.workspace(&path);
                let Some(range) = workspace.range(
                    &path,
                    convert::from_position(p.range.start),
                    convert::from_position(p.range.end),
                ) else {
                    return json(Vec::<lsp::CodeActionOrCommand>::new());
                };
                let actions: Vec<lsp::CodeActionOrCommand> = workspace
                    .code_actions(&path, range)
                    .into_iter()
                    .map(|a| {
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: a.title,
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            edit: Some(convert::workspace_edit(&a.edits)),
                            is_preferred: Some(true),
                            ..lsp::CodeAction::default()
                        })
                    })
                    .collect();
                json(actions)
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("tally lsp does not answer `{method}`"),
            )),
        }
    }

    /// Handles a notification; returns the diagnostics to publish.
    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        use lsp::notification as n;
        let method = notification.method.clone();
        let params = notification.params;
        let changed: Option<PathBuf> = match method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| {
                        let path = convert::path_of(&p.text_document.uri)?;
                        self.workspace(&path).set_text(&path, p.text_document.text);
                        Some(path)
                    })
            }
            n::DidChangeTextDocument::METHOD => {
                serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| {
                        let path = convert::path_of(&p.text_document.uri)?;
                        // The whole text is sent on each change (`TextDocumentSyncKind::FULL`).
                        let text = p.content_changes.into_iter().last()?.text;
                        self.workspace(&path).set_text(&path, text);
                        Some(path)
                    })
            }
            n::DidCloseTextDocument::METHOD => {
                serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| {
                        let path = convert::path_of(&p.text_document.uri)?;
                        self.workspace(&path).close(&path);
                        Some(path)
                    })
            }
            n::DidChangeWatchedFiles::METHOD => {
                for w in &mut self.workspaces {
                    w.refresh();
                }
                None
            }
            _ => None,
        };
        let Some(path) = changed else {
            return Vec::new();
        };
        self.workspace(&path)
            .diagnostics()
            .into_iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "tally"))
            .map(|f| {
                Message::Notification(Notification::new(
                    n::PublishDiagnostics::METHOD.to_string(),
                    lsp::PublishDiagnosticsParams {
                        uri: convert::uri_of(&f.path),
                        diagnostics: f.diagnostics.iter().map(convert::diagnostic).collect(),
                        version: None,
                    },
                ))
            })
            .collect()
    }
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params).map_err(|e| {
        (
            ErrorCode::InvalidParams,
            format!("the parameters of `{}` do not read: {e}", request.method),
        )
    })
}

fn json(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn file(uri: &lsp::Uri) -> Result<PathBuf, (ErrorCode, String)> {
    convert::path_of(uri).ok_or_else(|| {
        (
            ErrorCode::InvalidParams,
            format!("{} is not a file on this machine", uri.as_str()),
        )
    })
}

fn place(
    p: &lsp::TextDocumentPositionParams,
) -> Result<(PathBuf, crate::service::Position), (ErrorCode, String)> {
    Ok((
        file(&p.text_document.uri)?,
        convert::from_position(p.position),
    ))
}
