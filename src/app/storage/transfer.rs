//! Moving objects between the bucket and this machine: the download and upload forms (typed in
//! the one text input), the download in flight, and the presigned link's popup.

use super::types::{STORAGE_REASONS, StorageCommand};
use super::{Location, StoragePane, base_name};
use crate::app::dialog::{Form, Proposal};
use crate::app::{FieldView, FormKey, FormView, Ids, Outcome, RequestId};
use crate::input::TextInput;
use crate::ops::Operation;
use crate::paths::expand_home;
use crate::text::human_size;
use backoffice_domain::model::{BucketName, ListingEntry, ObjectKey, PresignedRequest};
use backoffice_domain::services::storage::{Expected, Seen};
use crossterm::event::KeyCode;
use std::path::PathBuf;

/// The longest path or key a form takes.
const MAX_PATH_CHARS: usize = 1024;

/// A download in flight or just finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub request: RequestId,
    pub bucket: BucketName,
    pub key: String,
    pub path: PathBuf,
    pub done: u64,
    pub total: u64,
    pub state: TransferState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    Running,
    Finished,
    Failed(String),
}

/// What a form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// Download `key` to the path typed.
    Download { bucket: BucketName, key: String },
    /// Upload the file typed to the key typed.
    Upload { bucket: BucketName },
}

/// A small form over the pane: a local path, and for uploads the object's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub path: TextInput,
    /// The object key (uploads only).
    pub key: TextInput,
    /// Whether the key field has focus (uploads only).
    pub on_key: bool,
    pub problem: Option<String>,
    /// The key as the prompt filled it in from the file's name, while it is left so: a
    /// corrected path renames it (a key typed by hand is kept).
    pub filled: Option<String>,
    /// The folder the upload prompt opened in (its key's first text).
    pub folder: String,
}

impl Prompt {
    /// Names the object after the file typed: a key naming a folder gets the file's name, and
    /// a key the prompt filled in before follows a corrected path.
    fn fill_key(&mut self) {
        let path = self.path.text();
        let name = base_name(path.trim());
        if name.is_empty() {
            return;
        }
        let key_text = self.key.text();
        // A key emptied by hand is not filled at the bucket's root: the submit asks for one.
        if key_text.is_empty() && !self.folder.is_empty() {
            return;
        }
        let folder = if key_text.is_empty() || key_text.ends_with('/') {
            key_text
        } else if self.filled.as_deref() == Some(key_text.as_str()) {
            match key_text.rsplit_once('/') {
                Some((folder, _)) => format!("{folder}/"),
                None => String::new(),
            }
        } else {
            return;
        };
        let key = format!("{folder}{name}");
        self.key.set_text(&key);
        self.filled = Some(key);
    }
}

impl Prompt {
    pub(super) fn download(bucket: BucketName, key: String) -> Self {
        Self {
            path: TextInput::new(&format!("./{}", local_name(base_name(&key))))
                .with_max_chars(MAX_PATH_CHARS),
            kind: PromptKind::Download { bucket, key },
            key: TextInput::default(),
            on_key: false,
            problem: None,
            filled: None,
            folder: String::new(),
        }
    }

    pub(super) fn upload(bucket: BucketName, folder: &str) -> Self {
        Self {
            kind: PromptKind::Upload { bucket },
            path: TextInput::new("").with_max_chars(MAX_PATH_CHARS),
            // The folder as the listing names it (`odd/tab<U+0009>folder/`), read back on
            // submit: the field's own text turned its tab into a space, and the upload went
            // to a new folder `odd/tab folder/` without a word.
            key: TextInput::new(&crate::text::key(folder)).with_max_chars(MAX_PATH_CHARS),
            on_key: false,
            problem: None,
            filled: None,
            folder: folder.to_string(),
        }
    }
}

/// A popup of the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Prompt(Prompt),
    /// A presigned link: shown whole so it can be selected, and sent to the clipboard.
    Link {
        key: String,
        request: PresignedRequest,
    },
    /// Waiting for a link.
    LinkLoading(RequestId),
}

impl Popup {
    pub(super) fn view(&self) -> FormView<'_> {
        match self {
            Popup::LinkLoading(_) => FormView {
                title: "Presigned link".into(),
                body: vec!["Making the link…".into()],
                fields: Vec::new(),
                problem: None,
                hint: "any key closes (the link is dropped)".into(),
                edge_to_edge: false,
            },
            Popup::Link { key, request } => FormView {
                title: "Presigned link".into(),
                // The key cut in its middle to a row and the link last: a 900-character key
                // printed whole took the rows, and at 80×24 the link showed 4 of its 13 rows,
                // at 60×20 none (the link holds the key whole anyway).
                body: vec![
                    format!("GET {}", crate::text::middle(&crate::text::key(key), 56)),
                    format!(
                        "works until {} UTC",
                        request.expires_at.format("%Y-%m-%d %H:%M:%S")
                    ),
                    "Sent to the clipboard (OSC 52, where the terminal allows it); select it below otherwise.".into(),
                    "Anyone holding it can read the object until then; the link is in the audit log.".into(),
                    String::new(),
                    request.url.clone(),
                ],
                fields: Vec::new(),
                problem: None,
                hint: "any key closes".into(),
                edge_to_edge: true,
            },
            Popup::Prompt(p) => match &p.kind {
                PromptKind::Download { bucket, key } => FormView {
                    title: "Download".into(),
                    body: vec![format!(
                        "s3://{bucket}/{} to a local file (a folder keeps its name):",
                        crate::text::key(key.as_str())
                    )],
                    fields: vec![FieldView {
                        label: "save as",
                        input: &p.path,
                        focused: true,
                    }],
                    problem: p.problem.as_deref(),
                    hint: "enter download · esc cancel · ctrl-u clear".into(),
                    edge_to_edge: false,
                },
                PromptKind::Upload { bucket } => FormView {
                    title: "Upload".into(),
                    body: vec![format!(
                        "A local file into bucket {bucket}, under the key below:"
                    )],
                    fields: vec![
                        FieldView {
                            label: "local file",
                            input: &p.path,
                            focused: !p.on_key,
                        },
                        FieldView {
                            label: "key",
                            input: &p.key,
                            focused: p.on_key,
                        },
                    ],
                    problem: p.problem.as_deref(),
                    hint: "tab path ↔ key · enter next (a reason, then confirm) · esc cancel"
                        .into(),
                    edge_to_edge: false,
                },
            },
        }
    }
}

impl StoragePane {
    /// The field being typed into.
    pub(super) fn prompt_input(&mut self) -> Option<&mut TextInput> {
        match &mut self.popup {
            Some(Popup::Prompt(p)) => Some(if p.on_key { &mut p.key } else { &mut p.path }),
            _ => None,
        }
    }

    pub(super) fn on_popup_key(&mut self, key: FormKey, ids: &mut Ids) -> Outcome {
        let Some(popup) = self.popup.take() else {
            return Outcome::None;
        };
        let Popup::Prompt(mut p) = popup else {
            // Any key closes a link; a link still on its way is dropped.
            return Outcome::None;
        };
        let uploading = matches!(p.kind, PromptKind::Upload { .. });
        match key {
            FormKey::Cancel => return Outcome::Message("cancelled; nothing was changed".into()),
            FormKey::Submit => return self.submit(p, ids),
            FormKey::Other(k)
                if uploading
                    && matches!(
                        k.code,
                        KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down
                    ) =>
            {
                p.on_key = !p.on_key;
                if p.on_key {
                    p.fill_key();
                }
            }
            FormKey::Other(_) => {}
        }
        self.popup = Some(Popup::Prompt(p));
        Outcome::None
    }

    fn refuse(&mut self, mut p: Prompt, problem: String) -> Outcome {
        p.problem = Some(problem);
        self.popup = Some(Popup::Prompt(p));
        Outcome::None
    }

    fn submit(&mut self, mut p: Prompt, ids: &mut Ids) -> Outcome {
        let path = p.path.text().trim().to_string();
        if path.is_empty() {
            return self.refuse(p, "type a local path".into());
        }
        // `enter` straight from the path: a key still naming the folder takes the file's name,
        // as `tab` to the key would have made it.
        if matches!(p.kind, PromptKind::Upload { .. }) {
            p.fill_key();
        }
        match p.kind.clone() {
            PromptKind::Download { bucket, key } => {
                let request = ids.issue();
                let path = expand_home(&path);
                self.transfer = Some(Transfer {
                    request,
                    bucket: bucket.clone(),
                    key: key.clone(),
                    path: path.clone(),
                    done: 0,
                    total: 0,
                    state: TransferState::Running,
                });
                vec![crate::app::Command::Storage(StorageCommand::Download {
                    request,
                    bucket,
                    key,
                    path,
                })]
                .into()
            }
            PromptKind::Upload { bucket } => {
                if p.key.text().trim().is_empty() {
                    let problem = match p.folder.as_str() {
                        "" => "key: empty; type where the object goes".to_string(),
                        folder => format!(
                            "key: empty; type where the object goes (the prompt opened in {})",
                            crate::text::one_line(folder)
                        ),
                    };
                    return self.refuse(p, problem);
                }
                let typed = p.key.text();
                let typed = typed.trim();
                let typed =
                    crate::text::from_identifier(typed).unwrap_or_else(|| typed.to_string());
                let key = match ObjectKey::parse(&typed) {
                    Ok(k) if !k.as_str().ends_with('/') => k,
                    Ok(_) => return self.refuse(p, "key: name the object, not a folder".into()),
                    Err(e) => return self.refuse(p, format!("key {}", e.message)),
                };
                // A new key is not given what the console shows named (`<U+202E>`) everywhere after.
                if let Some(why) = crate::text::hostile_in(key.as_str()) {
                    return self.refuse(p, format!("key: {why}"));
                }
                let existing = self.entries.items.iter().find_map(|e| match e {
                    ListingEntry::Object(o) if o.key == key.as_str() => Some(o),
                    _ => None,
                });
                // Known absent where the listing reaches past where the key sorts (S3 lists
                // in key order); further down a listing not read yet, it is not known. Nor is
                // it for a key the listing does not hold: one in a folder under this one (the
                // listing folds it into the folder's row: `weird/plain7.jpg` typed at the top
                // was called new, and its upload refused as a race), or outside a narrowing.
                let listed = match &self.location {
                    Some(Location::Folder { prefix, .. }) => {
                        format!("{prefix}{}", self.filter_text)
                    }
                    _ => String::new(),
                };
                // S3 folds what follows a delimiter after the whole prefix asked for.
                let in_listing = key.as_str().starts_with(&listed)
                    && !key.as_str()[listed.len()..].contains('/');
                // The furthest key read (the rows may be sorted by size or date on screen).
                let listed_past = in_listing
                    && (self.entries.next.is_none()
                        || self
                            .entries
                            .items
                            .iter()
                            .map(ListingEntry::name)
                            .max()
                            .is_some_and(|furthest| furthest >= key.as_str()));
                let expected = match existing {
                    Some(o) => Expected::Object(Seen::of(o)),
                    None if listed_past => Expected::Absent,
                    None => Expected::Any,
                };
                let existing = existing.map(|o| o.size);
                // The file is looked at here, where a wrong path is fixed in place: a missing
                // file or a folder never reaches the reason and the confirmation. The dialog
                // names it absolute, so a relative path says where it was read from.
                let source = expand_home(&path);
                let source = std::path::absolute(&source).unwrap_or(source);
                match std::fs::metadata(&source) {
                    Ok(m) if m.is_dir() => {
                        return self
                            .refuse(p, "local file: a folder; upload one file at a time".into());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        return self.refuse(
                            p,
                            format!("local file: {}: {}", source.display(), io_reason(&e)),
                        );
                    }
                }
                let change = match existing {
                    Some(size) => format!(
                        "s3://{bucket}/{}: replaced ({} now) by {}",
                        crate::text::key(key.as_str()),
                        human_size(size),
                        source.display()
                    ),
                    None if listed_past => format!(
                        "s3://{bucket}/{}: new object from {}",
                        crate::text::key(key.as_str()),
                        source.display()
                    ),
                    // Not read that far: whether one is there is not known.
                    None => format!(
                        "s3://{bucket}/{}: written from {} (one of that key, if any, is replaced)",
                        crate::text::key(key.as_str()),
                        source.display()
                    ),
                };
                Outcome::Propose(Proposal {
                    verb: format!("upload {key}"),
                    title: "Upload an object".into(),
                    changes: vec![change],
                    form: Form::Ready(Operation::Upload {
                        bucket,
                        key,
                        source,
                        expected,
                    }),
                    type_to_confirm: None,
                    after: Vec::new(),
                    reasons: STORAGE_REASONS,
                })
            }
        }
    }
}

/// The file name a download is offered under: the key's last part with every character that
/// would change how a terminal prints it (an escape, a direction override, an invisible
/// letter) as `_`, so a later `ls` shows what it is; `download` when nothing is left.
pub fn local_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if crate::text::is_hostile(c) || backoffice_domain::model::is_invisible_format(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if safe.is_empty() || safe == "." || safe == ".." {
        return "download".into();
    }
    // A file name holds at most 255 bytes (with `.part` while it downloads): a longer key's
    // name is cut in its middle, its extension kept (`./zzz….txt.part is unavailable` said
    // nothing of why).
    const MOST: usize = 255 - ".part".len();
    if safe.len() <= MOST {
        return safe;
    }
    let ext = safe
        .rfind('.')
        .filter(|&at| at > 0 && safe.len() - at <= 16)
        .map_or("", |at| &safe[at..]);
    let mut head = String::new();
    for c in safe.chars() {
        if head.len() + c.len_utf8() + "…".len() + ext.len() > MOST {
            break;
        }
        head.push(c);
    }
    format!("{head}…{ext}")
}

/// What went wrong with a local file, in words (`no such file`), without the OS's error number.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "not readable (permission denied)".into(),
        _ => e.to_string(),
    }
}
