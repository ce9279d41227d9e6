//! `config.toml`: the environments the console can open, and the console's own settings.
//!
//! Every mistake is reported with the file, the line and the key, and nothing panics on a bad
//! file. Secrets never live in the file in plain text by default: a database URL may carry
//! `${VAR}` placeholders, or leave the password out and have it come from
//! `BACKOFFICE_DB_PASSWORD` (or the variable the environment's `database_password_env` names).

use backoffice_domain::model::{BucketName, LogGroupName};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The variable that holds the database password when the URL has none.
pub const DB_PASSWORD_VAR: &str = "BACKOFFICE_DB_PASSWORD";
/// The name of the embedded sandbox, always available.
pub const SANDBOX: &str = "sandbox";

/// One mistake in the config file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// 1-based; 0 when the mistake has no place in the file (e.g. a missing variable).
    pub line: usize,
    /// The dotted key, e.g. `environments.prod.region`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key.is_empty()) {
            (0, true) => write!(f, "{}: {}", self.file.display(), self.message),
            (0, false) => write!(f, "{}: {}: {}", self.file.display(), self.key, self.message),
            (line, true) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            (line, false) => write!(
                f,
                "{}:{line}: {}: {}",
                self.file.display(),
                self.key,
                self.message
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_environment: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    #[serde(default)]
    keys: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    logs: RawLogs,
    #[serde(default)]
    environments: BTreeMap<String, Spanned<RawEnvironment>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogs {
    buffer_lines: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    profile: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    endpoint_url: Option<Spanned<String>>,
    user_pool_id: Option<Spanned<String>>,
    app_client_id: Option<Spanned<String>>,
    bucket: Option<Spanned<String>>,
    database_url: Option<Spanned<String>>,
    database_password_env: Option<Spanned<String>>,
    #[serde(default)]
    log_groups: Vec<Spanned<String>>,
    #[serde(default)]
    functions: Vec<Spanned<String>>,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    production: bool,
    theme: Option<Spanned<String>>,
    color: Option<Spanned<String>>,
}

/// An environment as the file describes it (secrets still unresolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub user_pool_id: Option<String>,
    /// The apps' public app client, for ResendConfirmationCode.
    pub app_client_id: Option<String>,
    pub bucket: Option<BucketName>,
    /// As written, `${VAR}` placeholders included.
    pub database_url: Option<String>,
    pub database_password_env: String,
    pub log_groups: Vec<LogGroupName>,
    /// Lambda functions the Metrics pane shows besides those of `/aws/lambda/` log groups.
    pub functions: Vec<String>,
    pub read_only: bool,
    pub production: bool,
    pub theme: Option<String>,
    pub color: Option<String>,
}

/// The whole file, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    pub file: Option<PathBuf>,
    pub default_environment: Option<String>,
    pub theme: Option<String>,
    /// Action name → key, as written; the keymap checks them.
    pub keys: BTreeMap<String, String>,
    /// Action name → the line of `file` it is written on, so the keymap's complaints say
    /// where.
    pub key_lines: BTreeMap<String, usize>,
    pub log_buffer_lines: Option<usize>,
    pub environments: BTreeMap<String, Environment>,
}

/// Largest log buffer the console accepts (lines).
pub const MAX_LOG_BUFFER_LINES: usize = 5_000_000;

/// What a key of the file holds.
#[derive(Clone, Copy)]
enum Holds {
    Text,
    Flag,
    Whole,
    Texts,
}

impl Holds {
    fn fits(self, value: &toml::de::DeValue<'_>) -> bool {
        use toml::de::DeValue;
        match (self, value) {
            (Holds::Text, DeValue::String(_))
            | (Holds::Flag, DeValue::Boolean(_))
            | (Holds::Whole, DeValue::Integer(_)) => true,
            (Holds::Texts, DeValue::Array(items)) => items
                .iter()
                .all(|i| matches!(i.get_ref(), DeValue::String(_))),
            _ => false,
        }
    }

    fn said(self) -> &'static str {
        match self {
            Holds::Text => "text in quotes",
            Holds::Flag => "true or false",
            Holds::Whole => "a whole number",
            Holds::Texts => "a list of texts in quotes, [\"a\", \"b\"]",
        }
    }
}

/// What each environment key holds.
fn environment_key(key: &str) -> Option<Holds> {
    Some(match key {
        "profile"
        | "region"
        | "endpoint_url"
        | "user_pool_id"
        | "app_client_id"
        | "bucket"
        | "database_url"
        | "database_password_env"
        | "theme"
        | "color" => Holds::Text,
        "log_groups" | "functions" => Holds::Texts,
        "read_only" | "production" => Holds::Flag,
        _ => return None,
    })
}

/// The keys each part of the file takes, for a misspelt one's suggestion.
const TOP_KEYS: [&str; 5] = [
    "default_environment",
    "theme",
    "keys",
    "logs",
    "environments",
];
const LOGS_KEYS: [&str; 1] = ["buffer_lines"];
const ENVIRONMENT_KEYS: [&str; 14] = [
    "profile",
    "region",
    "endpoint_url",
    "user_pool_id",
    "app_client_id",
    "bucket",
    "database_url",
    "database_password_env",
    "log_groups",
    "functions",
    "read_only",
    "production",
    "theme",
    "color",
];

/// What an unknown key is told: the known key it is closest to, where one is near.
fn unknown_key(key: &str, known: &[&str]) -> String {
    match crate::text::nearest(key, known) {
        Some(near) => format!("unknown field; did you mean `{near}`?"),
        None => format!("unknown field; the keys here are {}", known.join(", ")),
    }
}

/// An unknown key at the top of the file: one of an environment's keys written outside its
/// table (`color` above any `[environments.NAME]`) is said to belong there.
fn unknown_top_key(key: &str) -> String {
    match (
        crate::text::nearest(key, &TOP_KEYS),
        crate::text::nearest(key, &ENVIRONMENT_KEYS),
    ) {
        (None, Some(env_key)) => format!(
            "unknown field here; did you mean an environment's `{env_key}`, under \
             [environments.NAME]?"
        ),
        _ => unknown_key(key, &TOP_KEYS),
    }
}

/// What the typed reading cannot say all at once: every value whose type is not its key's and
/// every unknown key, each with its line and key, in the file's order (the reading stopped at
/// one of them, and the file was mended a line a run). With them, the byte ranges of those
/// entries: blanked, the rest of the file is read and checked as usual, so its other mistakes
/// are said in the same run; `None` where an entry cannot be blanked (a whole table).
fn shape_mistakes(
    path: &Path,
    text: &str,
) -> (Vec<ConfigError>, Option<Vec<std::ops::Range<usize>>>) {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return (Vec::new(), Some(Vec::new()));
    };
    let mut out = Vec::new();
    let mut blanks = Some(Vec::new());
    let mut note = |key: String,
                    name: &toml::Spanned<toml::de::DeString<'_>>,
                    value: &toml::Spanned<DeValue<'_>>,
                    message: String| {
        out.push(ConfigError {
            file: path.to_path_buf(),
            line: locate(text, name.span().start).0,
            key,
            message,
        });
        // An entry written on its own lines (`key = value`) is blanked; a table is not.
        let (start, end) = (name.span().start, value.span().end);
        match (&mut blanks, value.get_ref()) {
            (Some(b), v) if !matches!(v, DeValue::Table(_)) && start < end && end <= text.len() => {
                b.push(start..end)
            }
            _ => blanks = None,
        }
    };
    let wrong = |value: &toml::Spanned<DeValue<'_>>, holds: Holds| -> Option<String> {
        (!holds.fits(value.get_ref())).then(|| {
            format!(
                "must be {}, not {}",
                holds.said(),
                match value.get_ref() {
                    DeValue::Array(_) if matches!(holds, Holds::Texts) =>
                        "a list holding other things",
                    other => other.type_str(),
                }
            )
        })
    };
    for (name, value) in doc.get_ref() {
        let top = name.get_ref().as_ref();
        match (top, value.get_ref()) {
            ("default_environment" | "theme", _) => {
                if let Some(m) = wrong(value, Holds::Text) {
                    note(top.to_string(), name, value, m);
                }
            }
            ("keys", DeValue::Table(keys)) => {
                for (action, key) in keys {
                    if let Some(m) = wrong(key, Holds::Text) {
                        note(format!("keys.{}", action.get_ref()), action, key, m);
                    }
                }
            }
            ("logs", DeValue::Table(logs)) => {
                for (k, v) in logs {
                    let key = format!("logs.{}", k.get_ref());
                    if k.get_ref().as_ref() != "buffer_lines" {
                        note(key, k, v, unknown_key(k.get_ref(), &LOGS_KEYS));
                    } else if let Some(m) = wrong(v, Holds::Whole) {
                        note(key, k, v, m);
                    }
                }
            }
            ("environments", DeValue::Table(envs)) => {
                for (env, body) in envs {
                    let DeValue::Table(body) = body.get_ref() else {
                        continue;
                    };
                    for (k, v) in body {
                        let key = format!("environments.{}.{}", env.get_ref(), k.get_ref());
                        match environment_key(k.get_ref()) {
                            None => note(key, k, v, unknown_key(k.get_ref(), &ENVIRONMENT_KEYS)),
                            Some(holds) => {
                                if let Some(m) = wrong(v, holds) {
                                    note(key, k, v, m);
                                }
                            }
                        }
                    }
                }
            }
            ("keys" | "logs" | "environments", _) => {}
            (other, _) => note(other.to_string(), name, value, unknown_top_key(other)),
        }
    }
    out.sort_by_key(|e| e.line);
    (out, blanks)
}

/// `text` with each of `ranges` written over with spaces (line breaks kept), so every other
/// byte keeps its offset and line.
fn blanked(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        for b in &mut bytes[r.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole characters were written over (a range starts at a key and ends after a
    // value), but a multi-byte one cut in two would not be text: said as it was, then.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Where a byte offset falls: its 1-based line, and the dotted key written on that line under
/// the nearest table header above it.
fn locate(text: &str, offset: usize) -> (usize, String) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_no = before.matches('\n').count() + 1;
    let mut table = String::new();
    for line in before.lines() {
        let t = line.trim();
        if t.starts_with('[') && !t.starts_with("[[") {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
    }
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let trimmed = line_text.trim();
    let key = if trimmed.starts_with('[') {
        trimmed
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string()
    } else {
        let k = trimmed
            .split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"').to_string())
            .unwrap_or_default();
        match (table.is_empty(), k.is_empty()) {
            (_, true) => table,
            (true, false) => k,
            (false, false) => format!("{table}.{k}"),
        }
    };
    (line_no, key)
}

struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    errors: Vec<ConfigError>,
}

impl Checker<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, key: &str, message: impl Into<String>) {
        let (line, found) = locate(self.text, span.start);
        self.errors.push(ConfigError {
            file: self.file.to_path_buf(),
            line,
            key: if key.is_empty() {
                found
            } else {
                key.to_string()
            },
            message: message.into(),
        });
    }

    fn string(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let value = value?;
        let span = value.span();
        let inner = value.into_inner();
        match check(&inner) {
            Ok(()) => Some(inner),
            Err(message) => {
                self.at(span, key, message);
                None
            }
        }
    }
}

fn not_blank(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

/// AWS's shape of a region: a partition's area, a direction and a number, lower case
/// (`eu-west-1`, `us-gov-west-1`, `ap-southeast-4`). `us-east1` passed, and every call failed
/// later with an answer that did not name the region.
fn check_region(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.split('-').collect();
    let ok = value.len() <= 32
        && parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if ok {
        Ok(())
    } else {
        Err(format!("'{value}' is not an AWS region such as eu-west-1"))
    }
}

fn check_endpoint(value: &str) -> Result<(), String> {
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(format!(
            "'{value}' is not an http:// or https:// URL (e.g. http://127.0.0.1:4566)"
        )),
    }
}

/// Cognito's rule for an app client id: 1 to 128 letters and digits.
fn check_client(value: &str) -> Result<(), String> {
    if !value.is_empty() && value.len() <= 128 && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(format!(
            "'{value}' is not an app client id (letters and digits, such as 1example23456789)"
        ))
    }
}

fn check_pool(value: &str) -> Result<(), String> {
    match value.split_once('_') {
        Some((region, id))
            if check_region(region).is_ok()
                && !id.is_empty()
                && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "'{value}' is not a user pool id such as eu-west-1_AbCdEf123"
        )),
    }
}

fn check_env_var_name(value: &str) -> Result<(), String> {
    let ok = !value.is_empty()
        && !value.starts_with(|c: char| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("'{value}' is not an environment variable name"))
    }
}

/// `${VAR}` placeholders in `text`, in order; `Err` on an unclosed or empty one.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| "has a '${' without its closing '}'".to_string())?;
        let name = &after[..end];
        check_env_var_name(name).map_err(|e| format!("placeholder: {e}"))?;
        out.push(name);
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// The password part of a `mysql://user:password@host/db` URL, if written.
fn written_password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p)
}

fn check_database_url(value: &str) -> Result<(), String> {
    if !value.starts_with("mysql://") && !value.starts_with("mariadb://") {
        return Err("must be a mysql:// URL, e.g. mysql://admin@db.example.com:3306/app".into());
    }
    placeholders(value)?;
    if let Some(password) = written_password(value)
        && !password.is_empty()
        && !(password.starts_with("${") && password.ends_with('}'))
    {
        return Err(format!(
            "holds a password in plain text: leave it out and set {DB_PASSWORD_VAR}, or write a ${{VAR}} placeholder"
        ));
    }
    // The query's options, checked here with the file's line rather than when the database is
    // first used (a bad `ssl-mode` passed the check and failed later without a line).
    let query = value.split_once('?').map_or("", |(_, q)| q);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, option) = pair.split_once('=').unwrap_or((pair, ""));
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "password" => {
                return Err(format!(
                    "holds a password in plain text (?password=): leave it out and set {DB_PASSWORD_VAR}, or write a ${{VAR}} placeholder"
                ));
            }
            "ssl-mode" | "sslmode" => {
                let mode = option.to_ascii_lowercase().replace('-', "_");
                if !matches!(
                    mode.as_str(),
                    "disabled" | "preferred" | "required" | "verify_ca" | "verify_identity"
                ) {
                    return Err(format!(
                        "ssl-mode '{option}' is not one of disabled, preferred, required, verify_ca, verify_identity"
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_color(value: &str) -> Result<(), String> {
    use std::str::FromStr;
    ratatui::style::Color::from_str(value)
        .map(|_| ())
        .map_err(|_| format!("'{value}' is not a colour name or #rrggbb"))
}

fn check_environment_name(name: &str) -> Result<(), String> {
    if name == SANDBOX {
        return Err("'sandbox' is the embedded sandbox's name; pick another".into());
    }
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "environment name '{name}' must be letters, digits, '-' or '_' (at most 32)"
        ))
    }
}

impl Config {
    /// A keymap complaint about `keys.NAME` located in the file (`…/config.toml:12: keys.reload:
    /// 'ctrl-zz' is not a key`); others as they are.
    pub fn locate_key_problem(&self, problem: String) -> String {
        let name = problem
            .strip_prefix("keys.")
            .and_then(|rest| rest.split(':').next());
        match (&self.file, name.and_then(|n| self.key_lines.get(n))) {
            (Some(file), Some(line)) => format!("{}:{line}: {problem}", file.display()),
            _ => problem,
        }
    }

    /// Reads the file at `path`. A missing file is an empty config (the sandbox only).
    pub fn load(path: &Path) -> Result<Self, Vec<ConfigError>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(vec![ConfigError {
                file: path.to_path_buf(),
                line: 0,
                key: String::new(),
                message: format!("cannot be read: {e}"),
            }]),
        }
    }

    /// Parses and checks a config file's text. Every mistake found is returned, not only the
    /// first; `themes` lists the theme names that exist.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Vec<ConfigError>> {
        // Values of the wrong type and unknown keys, every one (the reading below stops at
        // one of them); the rest of the file is then read without them, for its other
        // mistakes in the same run.
        let (mistakes, blanks) = shape_mistakes(path, text);
        if mistakes.is_empty() {
            return Self::parse_shaped(path, text);
        }
        let Some(blanks) = blanks else {
            return Err(mistakes);
        };
        let rest = blanked(text, &blanks);
        let mut all = mistakes;
        if let Err(more) = Self::parse_shaped(path, &rest) {
            all.extend(more);
        }
        all.sort_by_key(|e| e.line);
        Err(all)
    }

    /// Reads and checks a file whose keys are known and of the right types.
    fn parse_shaped(path: &Path, text: &str) -> Result<Self, Vec<ConfigError>> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, key) = e
                .span()
                .map(|s| locate(text, s.start))
                .unwrap_or((0, String::new()));
            vec![ConfigError {
                file: path.to_path_buf(),
                line,
                key,
                message: e.message().trim().to_string(),
            }]
        })?;
        let mut c = Checker {
            file: path,
            text,
            errors: Vec::new(),
        };
        let theme = c.string(raw.theme, "theme", not_blank);
        let mut keys = BTreeMap::new();
        let mut key_lines = BTreeMap::new();
        for (action, key) in raw.keys {
            let span = key.span();
            key_lines.insert(action.clone(), locate(text, span.start).0);
            let key = key.into_inner();
            if key.trim().is_empty() {
                c.at(span, &format!("keys.{action}"), "must name a key");
            } else {
                keys.insert(action, key);
            }
        }
        let log_buffer_lines = raw.logs.buffer_lines.and_then(|v| {
            let span = v.span();
            let n = *v.get_ref();
            if n < 1_000 || n as u128 > MAX_LOG_BUFFER_LINES as u128 {
                c.at(
                    span,
                    "logs.buffer_lines",
                    format!("must be between 1000 and {MAX_LOG_BUFFER_LINES}"),
                );
                None
            } else {
                Some(n as usize)
            }
        });
        let mut environments = BTreeMap::new();
        for (name, env) in raw.environments {
            let env_span = env.span();
            let key = |k: &str| format!("environments.{name}.{k}");
            if let Err(message) = check_environment_name(&name) {
                c.at(env_span.clone(), &format!("environments.{name}"), message);
                continue;
            }
            let e = env.into_inner();
            let bucket = e.bucket.and_then(|b| {
                let span = b.span();
                match BucketName::parse(b.get_ref()) {
                    Ok(v) => Some(v),
                    Err(err) => {
                        c.at(span, &key("bucket"), err.message);
                        None
                    }
                }
            });
            let mut log_groups = Vec::new();
            for g in e.log_groups {
                let span = g.span();
                match LogGroupName::parse(g.get_ref()) {
                    Ok(v) => log_groups.push(v),
                    // Which of the list, by its place and as written.
                    Err(err) => c.at(
                        span,
                        &key("log_groups"),
                        format!(
                            "item {} ('{}'): {}",
                            log_groups.len() + 1,
                            crate::text::one_line(g.get_ref()),
                            err.message
                        ),
                    ),
                }
            }
            let mut functions = Vec::new();
            for f in e.functions {
                let span = f.span();
                let name = f.into_inner();
                // Lambda's rule for a function name (1 to 64 of letters, digits, - and _).
                let valid = !name.is_empty()
                    && name.len() <= 64
                    && name
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
                if valid {
                    functions.push(name);
                } else {
                    c.at(
                        span,
                        &key("functions"),
                        "a Lambda function name: 1 to 64 letters, digits, - or _".to_string(),
                    );
                }
            }
            // A pool lives in one region: an id of another than the environment's was
            // "not found" at run time, with nothing to say why.
            let pool_region = e
                .user_pool_id
                .as_ref()
                .and_then(|p| p.get_ref().split_once('_').map(|(r, _)| r.to_string()));
            if let (Some(region), Some(pool), Some(pool_region)) =
                (&e.region, &e.user_pool_id, &pool_region)
                && check_region(region.get_ref()).is_ok()
                && check_region(pool_region).is_ok()
                && region.get_ref() != pool_region
            {
                c.at(
                    pool.span(),
                    &key("user_pool_id"),
                    format!(
                        "the pool is in {pool_region} (its id's prefix), but region is {}: give the environment the pool's region",
                        region.get_ref()
                    ),
                );
            }
            let environment = Environment {
                profile: c.string(e.profile, &key("profile"), not_blank),
                region: c.string(e.region, &key("region"), check_region),
                endpoint_url: c.string(e.endpoint_url, &key("endpoint_url"), check_endpoint),
                user_pool_id: c.string(e.user_pool_id, &key("user_pool_id"), check_pool),
                app_client_id: c.string(e.app_client_id, &key("app_client_id"), check_client),
                bucket,
                database_url: c.string(e.database_url, &key("database_url"), check_database_url),
                database_password_env: c
                    .string(
                        e.database_password_env,
                        &key("database_password_env"),
                        check_env_var_name,
                    )
                    .unwrap_or_else(|| DB_PASSWORD_VAR.to_string()),
                log_groups,
                functions,
                read_only: e.read_only,
                production: e.production,
                theme: c.string(e.theme, &key("theme"), not_blank),
                color: c.string(e.color, &key("color"), check_color),
                name: name.clone(),
            };
            environments.insert(name, environment);
        }
        let known: Vec<&str> = std::iter::once(SANDBOX)
            .chain(environments.keys().map(String::as_str))
            .collect();
        let default_environment = raw.default_environment.and_then(|d| {
            let span = d.span();
            let d = d.into_inner();
            if d == SANDBOX || environments.contains_key(&d) {
                Some(d)
            } else {
                c.at(
                    span,
                    "default_environment",
                    match crate::text::nearest(&d, &known) {
                        Some(near) => format!(
                            "names '{d}', which is not under [environments]; did you mean {near}?"
                        ),
                        None => format!("names '{d}', which is not under [environments]"),
                    },
                );
                None
            }
        });
        if c.errors.is_empty() {
            Ok(Self {
                file: Some(path.to_path_buf()),
                default_environment,
                theme,
                keys,
                key_lines,
                log_buffer_lines,
                environments,
            })
        } else {
            // In the file's order, as an editor walks it (they came in the order of the checks).
            let mut errors = c.errors;
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }

    /// The environment to open: `--sandbox` wins, then `--env`, then the file's default, then
    /// the sandbox.
    pub fn select(&self, sandbox: bool, env: Option<&str>) -> Result<Option<&Environment>, String> {
        if sandbox {
            return Ok(None);
        }
        let name = env.or(self.default_environment.as_deref());
        match name {
            None | Some(SANDBOX) => Ok(None),
            Some(n) => self.environments.get(n).map(Some).ok_or_else(|| {
                let known: Vec<&str> = std::iter::once(SANDBOX)
                    .chain(self.environments.keys().map(String::as_str))
                    .collect();
                // With no file at all, where the environments would be written is the news.
                let file = if self.file.is_none() {
                    "; there is no config file yet: `backoffice info` shows where it goes \
                     (docs/configuration.md)"
                } else {
                    ""
                };
                let near = crate::text::nearest(n, &known)
                    .map(|near| format!(" (did you mean {near}?)"))
                    .unwrap_or_default();
                // A look-alike name is named (`m<U+043E>to` beside `moto`), and its nearest
                // offered: `no environment 'mото'; known: moto` read as a contradiction.
                let shown = crate::text::identifier(n);
                let near = if near.is_empty() && shown != *n {
                    crate::text::nearest(&crate::text::plain_latin(n), &known)
                        .map(|near| format!(" (did you mean {near}?)"))
                        .unwrap_or_default()
                } else {
                    near
                };
                format!(
                    "no environment '{shown}'{near}; known: {}{file}",
                    known.join(", ")
                )
            }),
        }
    }
}

impl Environment {
    /// The database URL with placeholders filled and the password added from its variable,
    /// read through `var` (the process environment in the binary).
    pub fn resolve_database_url(
        &self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, String> {
        let Some(url) = &self.database_url else {
            return Ok(None);
        };
        let mut out = url.clone();
        let mut unset = Vec::new();
        for name in placeholders(url)? {
            match var(name) {
                Some(value) => {
                    out = out.replace(&format!("${{{name}}}"), &percent_encode_userinfo(&value));
                }
                None => unset.push(format!("${{{name}}}")),
            }
        }
        // Every one unset, at once: named one at a time, the next was learned only after a
        // restart with the first set.
        match unset.as_slice() {
            [] => {}
            [one] => {
                // The variable first: a message cut to fit kept the environment and lost it.
                return Err(format!(
                    "{one} is not set, and environment '{}' needs it in its database URL",
                    self.name
                ));
            }
            [most @ .., last] => {
                return Err(format!(
                    "{} and {last} are not set, and environment '{}' needs them in its database URL",
                    most.join(", "),
                    self.name
                ));
            }
        }
        // A variable the file names on purpose is meant to be there: unset, the login failed
        // "using password: NO" and the console said only that the database refused it.
        if written_password(url).is_none()
            && self.database_password_env != DB_PASSWORD_VAR
            && var(&self.database_password_env).is_none()
        {
            return Err(format!(
                "{} is not set, and environment '{}' names it as its database_password_env",
                self.database_password_env, self.name
            ));
        }
        if written_password(url).is_none()
            && let Some(password) = var(&self.database_password_env)
        {
            out = insert_password(&out, &percent_encode_userinfo(&password)).ok_or_else(|| {
                "the database URL has no user to attach the password to".to_string()
            })?;
        }
        Ok(Some(out))
    }
}

/// Encodes what may not appear raw in a URL's user-info part.
fn percent_encode_userinfo(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn insert_password(url: &str, password: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let at = rest.split(['/', '?']).next()?.rfind('@')?;
    let (user, host) = rest.split_at(at);
    Some(format!("{scheme}://{user}:{password}{host}"))
}

/// The URL with any password replaced by `****`, for display.
pub fn mask_url(url: &str) -> String {
    match written_password(url) {
        Some(p) if !p.is_empty() => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
            let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            let (userinfo, host) = authority.rsplit_once('@').unwrap_or(("", authority));
            let user = userinfo.split_once(':').map(|(u, _)| u).unwrap_or(userinfo);
            format!("{scheme}://{user}:****@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../docs/config.example.toml");

    fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
        Config::parse(Path::new("/etc/bo/config.toml"), text)
    }

    fn one_error(text: &str) -> ConfigError {
        let mut errs = parse(text).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs.remove(0)
    }

    /// A region not of AWS's shape (`us-east1`) is refused where it is written, and so is a
    /// pool whose id names another region than the environment's.
    #[test]
    fn a_region_of_the_wrong_shape_or_a_pool_of_another_region_is_refused() {
        for bad in [
            "us-east1",
            "useast-1",
            "us-east-",
            "US-EAST-1",
            "eu-west-1a",
        ] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-4",
            "eu-isoe-west-1",
        ] {
            assert!(check_region(good).is_ok(), "{good}");
        }
        let e = one_error(
            "[environments.d]\nregion = \"us-east-1\"\nuser_pool_id = \"eu-west-1_AbC123\"\n",
        );
        assert_eq!(e.key, "environments.d.user_pool_id");
        assert_eq!(e.line, 3);
        assert!(
            e.message
                .starts_with("the pool is in eu-west-1 (its id's prefix), but region is us-east-1"),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_shipped_example_parses() {
        let config = parse(EXAMPLE).unwrap();
        assert!(config.environments.contains_key("staging"));
        assert!(config.environments["production"].production);
        assert_eq!(config.default_environment.as_deref(), Some("staging"));
    }

    #[test]
    fn a_missing_file_is_the_sandbox_only() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(&dir.path().join("config.toml")).unwrap();
        assert!(config.environments.is_empty());
        assert_eq!(config.select(false, None), Ok(None));
        // Asked for an environment, it says there is no file yet, not only what is known.
        let err = config.select(false, Some("nope")).unwrap_err();
        assert!(
            err.starts_with("no environment 'nope'; known: sandbox; there is no config file yet"),
            "{err}"
        );
    }

    /// An environment asked for by a look-alike name (`mото`, Cyrillic о) is named as such
    /// and the name it passes for offered; a list's bad item says which; a key joined with `+`
    /// is offered with `-`.
    #[test]
    fn mistakes_say_which_and_what_was_meant() {
        let config = parse("[environments.moto]\nregion = \"us-east-1\"\n").unwrap();
        let err = config.select(false, Some("m\u{43e}to")).unwrap_err();
        assert!(
            err.starts_with(
                "no environment 'm<U+043E>to' (did you mean moto?); known: sandbox, moto"
            ),
            "{err}"
        );
        let e = one_error("[environments.d]\nlog_groups = [\"/aws/lambda/api\", \"\"]\n");
        assert!(e.message.starts_with("item 2 (''): "), "{}", e.message);
        assert_eq!(
            crate::keymap::Key::parse("ctrl+q").unwrap_err(),
            "'ctrl+q' is not a key; did you mean ctrl-q?"
        );
        assert_eq!(
            crate::keymap::Key::parse("ctrl-zz").unwrap_err(),
            "'ctrl-zz' is not a key"
        );
    }

    #[test]
    fn a_typo_in_a_key_names_file_line_and_key() {
        let e = one_error("[environments.dev]\nregin = \"eu-west-1\"\n");
        assert_eq!(e.line, 2);
        assert_eq!(e.key, "environments.dev.regin");
        assert!(e.message.contains("unknown field"), "{}", e.message);
        assert!(
            e.to_string()
                .starts_with("/etc/bo/config.toml:2: environments.dev.regin:")
        );
    }

    #[test]
    fn a_wrong_type_is_located() {
        let e = one_error("[environments.dev]\nread_only = \"yes\"\n");
        assert_eq!((e.line, e.key.as_str()), (2, "environments.dev.read_only"));
    }

    #[test]
    fn broken_toml_is_located() {
        let e = one_error("theme = \"light\"\n[environments.dev\nregion = 1\n");
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        let text = "\
[environments.dev]
region = \"Europe\"
endpoint_url = \"localhost:4566\"
user_pool_id = \"pool\"
bucket = \"Bad_Bucket\"
database_url = \"mysql://admin:hunter2@db/app\"
log_groups = [\"/aws/lambda/ok\", \"\"]
color = \"mauve-ish\"
";
        let errs = parse(text).unwrap_err();
        let keys: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(
            keys,
            vec![
                (2, "environments.dev.region"),
                (3, "environments.dev.endpoint_url"),
                (4, "environments.dev.user_pool_id"),
                (5, "environments.dev.bucket"),
                (6, "environments.dev.database_url"),
                (7, "environments.dev.log_groups"),
                (8, "environments.dev.color"),
            ]
        );
        let db = errs
            .iter()
            .find(|e| e.key.ends_with("database_url"))
            .unwrap();
        assert!(db.message.contains("plain text"), "{}", db.message);
        assert!(
            !db.to_string().contains("hunter2"),
            "the password is not echoed"
        );
    }

    /// A URL's options are checked with the file's line: a bad `ssl-mode` passed and failed
    /// when first used, and `?password=` kept a password in the file.
    #[test]
    fn a_database_url_s_options_are_checked() {
        let base = "[environments.d]\nregion = \"us-east-1\"\ndatabase_url = ";
        for (url, said) in [
            ("mysql://app@db/x?ssl-mode=bogus", "ssl-mode 'bogus'"),
            ("mysql://app@db/x?password=hunter2", "plain text"),
        ] {
            let e = one_error(&format!("{base}\"{url}\"\n"));
            assert_eq!((e.line, e.key.as_str()), (3, "environments.d.database_url"));
            assert!(e.message.contains(said), "{}", e.message);
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
        assert!(
            parse(&format!(
                "{base}\"mysql://app@db/x?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/rds.pem\"\n"
            ))
            .is_ok()
        );
    }

    /// Every value of the wrong type is said at once, in the file's order (the reading
    /// stopped at one, the last, and the file was mended a line a run).
    #[test]
    fn every_wrong_type_is_said_at_once_in_order() {
        let errs = parse(
            "[environments.s]\nregion = 5\nread_only = \"yes\"\nproduction = 1\nlog_groups = \"/aws/lambda/api\"\n[logs]\nbuffer_lines = \"many\"\n",
        )
        .unwrap_err();
        let said: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(
            said,
            [
                (2, "environments.s.region"),
                (3, "environments.s.read_only"),
                (4, "environments.s.production"),
                (5, "environments.s.log_groups"),
                (7, "logs.buffer_lines"),
            ]
        );
        assert_eq!(errs[0].message, "must be text in quotes, not integer");
        assert_eq!(errs[1].message, "must be true or false, not string");
    }

    /// Unknown keys and wrong types are said with the file's other mistakes in one run, in
    /// line order (they came in three rounds, each with its own count).
    #[test]
    fn every_kind_of_mistake_is_said_in_one_run() {
        let errs = parse(
            "colour = \"blue\"\n[logs]\nbuffer_lines = 5\n[environments.s]\nregion = \"Frankfurt\"\nread_only = \"yes\"\nregoin = \"eu-west-1\"\n[keys]\nhide = 5\n",
        )
        .unwrap_err();
        let said: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.key.as_str())).collect();
        assert_eq!(
            said,
            [
                (1, "colour"),
                (3, "logs.buffer_lines"),
                (5, "environments.s.region"),
                (6, "environments.s.read_only"),
                (7, "environments.s.regoin"),
                (9, "keys.hide"),
            ],
            "{errs:?}"
        );
        assert_eq!(
            errs[0].message,
            "unknown field here; did you mean an environment's `color`, under [environments.NAME]?"
        );
        assert_eq!(errs[4].message, "unknown field; did you mean `region`?");
        assert!(
            errs[1].message.contains("between 1000"),
            "{}",
            errs[1].message
        );
    }

    #[test]
    fn default_environment_must_exist() {
        let e = one_error("default_environment = \"prod\"\n");
        assert_eq!((e.line, e.key.as_str()), (1, "default_environment"));
    }

    #[test]
    fn sandbox_is_a_reserved_name() {
        let e = one_error("[environments.sandbox]\nregion = \"eu-west-1\"\n");
        assert_eq!(e.key, "environments.sandbox");
    }

    #[test]
    fn selection_order_is_flag_then_env_then_default() {
        let config = parse(EXAMPLE).unwrap();
        assert_eq!(config.select(true, Some("production")), Ok(None));
        assert_eq!(
            config
                .select(false, Some("production"))
                .unwrap()
                .unwrap()
                .name,
            "production"
        );
        assert_eq!(config.select(false, None).unwrap().unwrap().name, "staging");
        assert_eq!(config.select(false, Some("sandbox")), Ok(None));
        let err = config.select(false, Some("qa")).unwrap_err();
        assert!(
            err.contains("no environment 'qa'") && err.contains("staging"),
            "{err}"
        );
        // A typo is pointed at the name it missed.
        let err = config.select(false, Some("stagin")).unwrap_err();
        assert!(
            err.starts_with("no environment 'stagin' (did you mean staging?); known: "),
            "{err}"
        );
    }

    #[test]
    fn a_default_environment_typo_is_pointed_at_its_name() {
        let e = one_error("default_environment = \"stagng\"\n[environments.staging]\n");
        assert_eq!(e.key, "default_environment");
        assert!(
            e.message.ends_with("did you mean staging?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn password_comes_from_its_variable_or_placeholders() {
        let config = parse(
            "[environments.a]\ndatabase_url = \"mysql://admin@db:3306/app\"\n\
             [environments.b]\ndatabase_url = \"mysql://${DB_USER}:${DB_PASS}@db/app\"\n\
             [environments.c]\ndatabase_url = \"mysql://admin@db/app\"\ndatabase_password_env = \"C_PW\"\n",
        )
        .unwrap();
        let vars = |name: &str| match name {
            "BACKOFFICE_DB_PASSWORD" => Some("p@ss:word/1".to_string()),
            "DB_USER" => Some("app".to_string()),
            "DB_PASS" => Some("s3cret".to_string()),
            _ => None,
        };
        assert_eq!(
            config.environments["a"]
                .resolve_database_url(vars)
                .unwrap()
                .unwrap(),
            "mysql://admin:p%40ss%3Aword%2F1@db:3306/app"
        );
        assert_eq!(
            config.environments["b"]
                .resolve_database_url(vars)
                .unwrap()
                .unwrap(),
            "mysql://app:s3cret@db/app"
        );
        // A variable the file names is meant to be set: unset, it is said by name (it
        // connected with no password, and the login was refused without a word of why).
        let unset = config.environments["c"]
            .resolve_database_url(vars)
            .unwrap_err();
        assert!(
            unset.contains("C_PW is not set, and environment"),
            "{unset}"
        );
        let set = |name: &str| (name == "C_PW").then(|| "pw".to_string());
        assert_eq!(
            config.environments["c"]
                .resolve_database_url(set)
                .unwrap()
                .unwrap(),
            "mysql://admin:pw@db/app"
        );
        let missing = config.environments["b"]
            .resolve_database_url(|_| None)
            .unwrap_err();
        // Every one unset is named at once.
        assert!(
            missing.starts_with("${DB_USER} and ${DB_PASS} are not set, and environment"),
            "{missing}"
        );
    }

    #[test]
    fn masking_hides_only_the_password() {
        assert_eq!(
            mask_url("mysql://admin:s3cret@db:3306/app?ssl-mode=required"),
            "mysql://admin:****@db:3306/app?ssl-mode=required"
        );
        assert_eq!(mask_url("mysql://admin@db/app"), "mysql://admin@db/app");
    }

    /// A keymap complaint names the file and the line of the override it is about.
    #[test]
    fn a_key_problem_is_located_in_the_file() {
        let config = Config::parse(
            Path::new("/etc/bo/config.toml"),
            "theme = \"default-dark\"\n\n[keys]\nhide = \"H\"\nreload = \"ctrl-zz\"\n",
        )
        .unwrap();
        assert_eq!(
            config.locate_key_problem("keys.reload: 'ctrl-zz' is not a key".into()),
            "/etc/bo/config.toml:5: keys.reload: 'ctrl-zz' is not a key"
        );
        assert_eq!(
            config.locate_key_problem("keys: log-query has no key left".into()),
            "keys: log-query has no key left"
        );
    }

    /// The JSON schema in docs names exactly the keys the loader accepts.
    #[test]
    fn the_schema_matches_the_loader() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../docs/config.schema.json")).unwrap();
        let props = |v: &serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = v["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(
            props(&schema),
            [
                "default_environment",
                "environments",
                "keys",
                "logs",
                "theme"
            ]
        );
        assert_eq!(schema["additionalProperties"], false);
        let env = &schema["properties"]["environments"]["additionalProperties"];
        assert_eq!(env["additionalProperties"], false);
        let env_keys = props(env);
        // Every documented key is accepted, and an unknown one is refused.
        for key in &env_keys {
            let value = match env["properties"][key]["type"].as_str() {
                Some("boolean") => "true".to_string(),
                Some("array") if key == "functions" => "[\"api\"]".to_string(),
                Some("array") => "[\"/aws/lambda/x\"]".to_string(),
                _ => match key.as_str() {
                    "region" => "\"eu-west-1\"".into(),
                    "endpoint_url" => "\"http://127.0.0.1:4566\"".into(),
                    "user_pool_id" => "\"eu-west-1_Abc123\"".into(),
                    "app_client_id" => "\"1example23456789\"".into(),
                    "bucket" => "\"media-bucket\"".into(),
                    "database_url" => "\"mysql://admin@db/app\"".into(),
                    "database_password_env" => "\"PW\"".into(),
                    "color" => "\"yellow\"".into(),
                    _ => "\"x\"".into(),
                },
            };
            let text = format!("[environments.e]\n{key} = {value}\n");
            assert!(
                parse(&text).is_ok(),
                "schema key {key} refused: {:?}",
                parse(&text)
            );
        }
        assert_eq!(
            env_keys.len(),
            14,
            "a key was added to the loader or the schema only: {env_keys:?}"
        );
        assert!(parse("[environments.e]\nnot_a_key = 1\n").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text, including mangled real configs: the loader answers with a config or with
        /// mistakes, each placed within the file, and never panics.
        #[test]
        fn any_text_gives_a_config_or_located_mistakes(
            text in proptest::prop_oneof![
                proptest::string::string_regex("(?s).{0,300}").unwrap(),
                proptest::string::string_regex(
                    "(default_environment = \"[a-z]{0,6}\"\n)?(\\[environments\\.[a-z.]{0,8}\\]\n([a-z_]{1,20} = (\"[^\"\\n]{0,20}\"|[0-9]{1,4}|true|\\[\"[^\"\\n]{0,10}\"\\])\n){0,6}){0,3}"
                ).unwrap(),
            ]
        ) {
            let lines = text.lines().count().max(1);
            if let Err(mistakes) = Config::parse(Path::new("config.toml"), &text) {
                proptest::prop_assert!(!mistakes.is_empty());
                for m in mistakes {
                    proptest::prop_assert!(m.line <= lines + 1, "{m}");
                    proptest::prop_assert!(!m.message.is_empty());
                }
            }
        }
    }
}
