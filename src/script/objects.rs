//! `backoffice objects …`: the environment's bucket.

use super::{ObjectsCommand, Session, domain, each_item, reason, records};
use crate::ops::{self, Operation};
use crate::text::one_line;
use color_eyre::eyre::{Result, WrapErr, bail};
use serde_json::json;
use std::time::Duration;

/// Keys per listing request: S3's own page.
const PAGE: u32 = 1000;

pub(super) async fn run(cmd: ObjectsCommand, s: &Session<'_>) -> Result<()> {
    let store = s.b.objects().map_err(domain)?;
    let bucket = s.b.bucket().map_err(domain)?;
    match cmd {
        ObjectsCommand::Ls { prefix, limit } => each_item(
            limit,
            PAGE,
            |page| store.list(bucket, &prefix, Some('/'), page),
            |e| {
                s.print(&records::listing(&e), || match &e {
                    backoffice_domain::model::ListingEntry::Prefix(p) => one_line(p),
                    backoffice_domain::model::ListingEntry::Object(o) => {
                        format!("{}\t{}", one_line(&o.key), o.size)
                    }
                })
            },
        )
        .await
        .map(drop),
        ObjectsCommand::Get { key, output } => {
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
                        one_line(&key),
                        bytes.bytes.len(),
                        output.display()
                    )
                },
            )
        }
        ObjectsCommand::Rm {
            key,
            reason: why,
            unaudited,
        } => {
            let operation = Operation::DeleteObjects {
                bucket: bucket.clone(),
                keys: vec![key],
                unaudited,
            };
            if !unaudited {
                ops::admit_operation(s.context, &operation).map_err(super::failed)?;
            }
            s.write(operation, &reason(&why)?).await
        }
        ObjectsCommand::Presign { key, expires } => {
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
