//! `backoffice objects …`: the environment's bucket.

use super::{ObjectsCommand, Session, domain, each_item, reason, records};
use crate::ops::{self, Operation};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Keys per listing request: S3's own page.
const PAGE: u32 = 1000;

/// A key as typed, or as `objects ls` printed it (`odd/tab<U+0009>here.txt`): each named
/// character turned back into itself, unless `raw` (`--raw-key`: a key from `--json`, taken
/// as it is). A key that itself holds such text, given without `--raw-key`: where the bucket
/// has it and not the key its text names, it is the key; where it has both, the command is
/// refused naming both (a scripted `rm` of a key taken from `--json` deleted the other).
async fn typed_key(
    store: &dyn backoffice_domain::ports::ObjectStore,
    bucket: &backoffice_domain::model::BucketName,
    given: String,
    raw: bool,
) -> Result<String> {
    // An empty key reached S3's client, which refused to build the request ("unexpected
    // error: s3:GetObject request could not be built").
    if given.is_empty() {
        bail!("key: give one, as `objects ls` shows it");
    }
    if raw {
        return Ok(given);
    }
    let Some(named) = crate::text::from_identifier(&given) else {
        return Ok(given);
    };
    let exists = |key: String| async move {
        match store.head(bucket, &key).await {
            Ok(_) => Ok(true),
            Err(backoffice_domain::DomainError::NotFound(_)) => Ok(false),
            Err(e) => Err(domain(e)),
        }
    };
    match (exists(given.clone()).await?, exists(named.clone()).await?) {
        (true, true) => bail!(
            "key: '{given}' is how `objects ls` names {} and also a key as written, {}: pass \
             --raw-key for the one as written; nothing was done",
            crate::text::key(&named),
            crate::text::key(&given),
        ),
        (true, false) => Ok(given),
        _ => Ok(named),
    }
}

pub(super) async fn run(cmd: ObjectsCommand, s: &Session<'_>) -> Result<()> {
    let store = s.b.objects().map_err(domain)?;
    let bucket = s.b.bucket().map_err(domain)?;
    match cmd {
        ObjectsCommand::Ls { prefix, limit } => {
            // The folder as `ls` printed it, its hidden characters named `<U+XXXX>`.
            let prefix = crate::text::from_identifier(&prefix).unwrap_or(prefix);
            each_item(
                limit,
                PAGE,
                |page| store.list(bucket, &prefix, Some('/'), page),
                |e| {
                    // Keys as the console shows them, a hidden character (a tab, an escape, a
                    // direction override) named `<U+XXXX>`, which the other commands take back:
                    // printed as pictures (`␛`) or spaces they could not be named again.
                    s.print(&records::listing(&e), || match &e {
                        backoffice_domain::model::ListingEntry::Prefix(p) => crate::text::key(p),
                        backoffice_domain::model::ListingEntry::Object(o) => {
                            format!("{}\t{}", crate::text::key(&o.key), o.size)
                        }
                    })
                },
            )
            .await
            .map(drop)
        }
        ObjectsCommand::Get {
            key,
            raw_key,
            output,
        } => {
            let key = typed_key(store, bucket, key, raw_key).await?;
            // `-` is standard output, as for other tools (it made a file named `-`); never a
            // terminal's, which would obey what the object holds (an escape set its title).
            if output.as_os_str() == "-" {
                if std::io::stdout().is_terminal() {
                    bail!(
                        "-o - writes the object's bytes to standard output, which is a terminal here: pipe it (| less, > file) or give a file"
                    );
                }
                let bytes = store.get(bucket, &key, None).await.map_err(domain)?;
                return match std::io::stdout().lock().write_all(&bytes.bytes) {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                    _ => Ok(()),
                };
            }
            if output.exists() {
                bail!("{} exists; not overwriting it", output.display());
            }
            let bytes = store.get(bucket, &key, None).await.map_err(domain)?;
            std::fs::write(&output, &bytes.bytes)
                .wrap_err_with(|| format!("writing {}", output.display()))?;
            s.print(
                &json!({"type": "downloaded", "key": key, "bytes": bytes.bytes.len(), "path": output.display().to_string()}),
                || {
                    format!(
                        "{}: {} bytes to {}",
                        crate::text::key(&key),
                        bytes.bytes.len(),
                        output.display()
                    )
                },
            )
        }
        ObjectsCommand::Rm {
            key,
            raw_key,
            reason: why,
            unaudited,
        } => {
            let key = typed_key(store, bucket, key, raw_key).await?;
            let why = reason(&why)?;
            let mut operation = Operation::DeleteObjects {
                bucket: bucket.clone(),
                keys: vec![key.clone()],
                unaudited,
                seen: Default::default(),
            };
            if !unaudited {
                ops::admit_operation(s.context, &operation).map_err(super::failed)?;
            }
            // What the key is, above a terminal's question (it read only `delete KEY`): its
            // size, its type and whether the bucket keeps a version. A key that is not there
            // is refused before the question (the delete would refuse it after).
            let shown = if s.will_ask() {
                let entry = store.head(bucket, &key).await.map_err(|e| match e {
                    backoffice_domain::DomainError::NotFound(_) => eyre!(
                        "{} is not there (s3://{bucket}); nothing was done",
                        crate::text::key(&key)
                    ),
                    other => domain(other),
                })?;
                // The object asked about is the one deleted: one put there while the question
                // waited is not.
                if let Operation::DeleteObjects { seen, .. } = &mut operation {
                    seen.insert(
                        key.clone(),
                        backoffice_domain::services::storage::Seen::of(&entry),
                    );
                }
                let versioning = store.versioning(bucket).await.map_err(|e| e.to_string());
                vec![
                    format!(
                        "s3://{bucket}/{} ({}{})",
                        crate::text::key(&key),
                        crate::text::human_size(entry.size),
                        entry
                            .content_type
                            .as_deref()
                            .map(|t| format!(", {t}"))
                            .unwrap_or_default()
                    ),
                    crate::app::storage::after_delete(versioning),
                ]
            } else {
                Vec::new()
            };
            s.write_shown(operation, &why, &shown).await
        }
        ObjectsCommand::Presign {
            key,
            raw_key,
            expires,
        } => {
            let key = typed_key(store, bucket, key, raw_key).await?;
            let signed = ops::share(s.b, s.context, bucket, &key, Duration::from_secs(expires))
                .await
                .map_err(super::failed)?;
            s.print(
                &json!({"type": "link", "key": key, "url": signed.url, "expires_at": super::records::time(&signed.expires_at)}),
                || signed.url.clone(),
            )
        }
    }
}
