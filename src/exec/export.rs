//! Writes an export: the view's source read page after page (each page written, then its
//! progress sent), into a file created for it (never one that exists). A cancelled or failed
//! export removes what it wrote, so a file that is there is whole.

use super::{Backends, find_users};
use crate::app::export::{
    ExportEvent, ExportFormat, ExportJob, ExportSource, columns, csv_cell, csv_line,
};
use crate::app::{AppEvent, Failure};
use crate::script::records;
use backoffice_domain::DomainError;
use backoffice_domain::model::{Cursor, Page, PageRequest};
use backoffice_domain::services::moderation;
use serde_json::Value;
use std::io::Write;
use tokio::sync::mpsc;

/// Rows asked for per page (each source caps it at what its service allows).
const EXPORT_PAGE: u32 = 1_000;

pub(super) async fn run(
    job: ExportJob,
    b: &Backends,
    events: &mpsc::Sender<AppEvent>,
) -> ExportEvent {
    let request = job.request;
    ExportEvent::Done {
        request,
        result: write(job, b, events).await,
    }
}

/// Removes what an export to `path` wrote so far, where it is stopped by the console
/// quitting (the task is not waited for): a quit left `NAME.part` behind.
pub fn remove_part(path: &std::path::Path) {
    let _ = std::fs::remove_file(part_of(path));
}

/// The file an export writes before it is whole: `NAME.part` beside it.
fn part_of(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    name.into()
}

struct Sink {
    out: std::io::BufWriter<std::fs::File>,
    format: ExportFormat,
    columns: Option<Vec<String>>,
    rows: u64,
}

impl Sink {
    fn write(&mut self, rows: &[Value]) -> std::io::Result<()> {
        for r in rows {
            match self.format {
                ExportFormat::JsonLines => writeln!(self.out, "{}", crate::text::json_line(r))?,
                ExportFormat::Csv => {
                    let columns = self
                        .columns
                        .get_or_insert_with(|| columns(std::slice::from_ref(r)));
                    if self.rows == 0 {
                        // Column names are cells too: an Insights alias may hold a comma or
                        // start like a formula.
                        let header: Vec<String> = columns
                            .iter()
                            .map(|c| csv_cell(&Value::String(c.clone())))
                            .collect();
                        writeln!(self.out, "{}", header.join(","))?;
                    }
                    writeln!(self.out, "{}", csv_line(r, columns))?;
                }
            }
            self.rows += 1;
        }
        self.out.flush()
    }
}

/// The columns every row of `source` has, where its rows differ in shape (a folder lists
/// prefixes and objects); `None` where the first row says it.
fn fixed_columns(source: &ExportSource) -> Option<Vec<String>> {
    match source {
        ExportSource::Objects { .. } => Some(
            [
                "type",
                "prefix",
                "key",
                "size",
                "last_modified",
                "etag",
                "storage_class",
            ]
            .map(String::from)
            .to_vec(),
        ),
        _ => None,
    }
}

/// Writes the view into `PATH.part`, then gives it its name (never over a file that appeared
/// meanwhile). Anything that stops it removes the part.
async fn write(
    job: ExportJob,
    b: &Backends,
    events: &mpsc::Sender<AppEvent>,
) -> Result<u64, Failure> {
    let ExportJob {
        request,
        source,
        path,
        format,
        stop,
    } = job;
    let shown = path.display().to_string();
    // Asked again: a file may have appeared since the name was typed.
    if let Some(why) = crate::app::export::refused_path(&path) {
        return Err(Failure::new(why));
    }
    let part = part_of(&path);
    // Exports hold people's e-mails and phone numbers, log lines and audit rows: readable by
    // the operator alone, as the deletion's export is.
    let file = crate::paths::create_private(&part).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::new(format!(
                    "{} exists (an export to {shown} is running or was interrupted): remove it or give another name",
                    part.display()
                ))
            } else {
                Failure::new(format!("cannot create {}: {e}", part.display()))
            }
        })?;
    let mut sink = Sink {
        out: std::io::BufWriter::new(file),
        format,
        columns: fixed_columns(&source),
        rows: 0,
    };
    let written = fill(&mut sink, request, &source, b, events, &stop, &shown).await;
    let finished = written.and_then(|rows| {
        sink.out
            .get_ref()
            .sync_all()
            .and_then(|()| std::fs::hard_link(&part, &path))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Failure::new(format!(
                        "{shown} appeared while the export ran; it was left alone and the export removed"
                    ))
                } else {
                    Failure::new(format!("writing {shown}: {e}"))
                }
            })
            .map(|()| rows)
    });
    // The part goes either way: renamed (linked) into place, or not the view.
    let _ = std::fs::remove_file(&part);
    finished
}

async fn fill(
    sink: &mut Sink,
    request: crate::app::RequestId,
    source: &ExportSource,
    b: &Backends,
    events: &mpsc::Sender<AppEvent>,
    stop: &crate::app::logs::FeedStop,
    shown: &str,
) -> Result<u64, Failure> {
    let io = |e: std::io::Error| Failure::new(format!("writing {shown}: {e}"));
    if let ExportSource::Rows {
        rows,
        columns: shown,
        ..
    } = source
    {
        // The pane's columns, in its order; else those of every row (an Insights result's
        // rows differ).
        if sink.format == ExportFormat::Csv {
            sink.columns = Some(shown.clone().unwrap_or_else(|| columns(rows)));
        }
        sink.write(rows).map_err(io)?;
        return Ok(sink.rows);
    }
    let mut cursor: Option<Cursor> = None;
    loop {
        if stop.is_stopped() {
            return Err(Failure::new(format!(
                "export cancelled after {} rows; nothing was written to {shown}",
                sink.rows
            )));
        }
        let page = PageRequest {
            cursor: cursor.take(),
            limit: Some(EXPORT_PAGE),
        };
        let (rows, next) = fetch(b, source, page).await.map_err(|e| Failure {
            message: format!(
                "export stopped after {} rows: {e}; nothing was written to {shown}",
                sink.rows
            ),
            chain: e.chain(),
            refused: false,
            cause: crate::app::Cause::Other,
            said: false,
        })?;
        sink.write(&rows).map_err(io)?;
        // Progress is news, not work: a full queue skips it rather than slow the export.
        let _ = events.try_send(AppEvent::Export(ExportEvent::Progress {
            request,
            rows: sink.rows,
        }));
        match next {
            Some(c) => cursor = Some(c),
            None => return Ok(sink.rows),
        }
    }
}

/// An export is whole or refused: a page with rows left out stops it.
fn rows_of<T>(
    page: Page<T>,
    record: impl Fn(&T) -> Value,
) -> Result<(Vec<Value>, Option<Cursor>), DomainError> {
    let page = page.whole()?;
    Ok((page.items.iter().map(record).collect(), page.next))
}

async fn fetch(
    b: &Backends,
    source: &ExportSource,
    page: PageRequest,
) -> Result<(Vec<Value>, Option<Cursor>), DomainError> {
    Ok(match source {
        // An export is whole or refused: without the profile rows it would leave out those
        // found by their profile name.
        ExportSource::Users(search) => {
            let found = find_users(b, search, page).await?;
            if let Some(e) = found.unsearched {
                return Err(e);
            }
            rows_of(found.page, records::found_user)?
        }
        ExportSource::Posts(filter) => {
            rows_of(b.content()?.list_posts(filter, page).await?, records::post)?
        }
        ExportSource::Queue(filter) => rows_of(
            moderation::queue(b.content()?, filter, page).await?,
            records::queue_item,
        )?,
        ExportSource::Audit(filter) => {
            let filter = b.audit_filter(filter).await;
            rows_of(
                b.content()?.list_audit(&filter, page).await?,
                records::audit,
            )?
        }
        ExportSource::Objects { bucket, prefix } => rows_of(
            b.objects()?.list(bucket, prefix, Some('/'), page).await?,
            records::listing,
        )?,
        ExportSource::Rows { .. } => (Vec::new(), None),
    })
}

/// A line of the reports queue.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::RequestId;
    use crate::app::logs::feed_channel;
    use backoffice_domain::model::{Actor, PostFilter};
    use backoffice_domain::ports::ContentStore;
    use backoffice_domain::sandbox::{Sandbox, SeedOptions};

    async fn seeded() -> (tempfile::TempDir, Sandbox, Backends) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let options = SeedOptions {
            users: 8,
            posts: 2_345,
            comments: 10,
            reports: 4,
            post_images: 1,
            profile_images: 1,
            invocations: 10,
            ..SeedOptions::default()
        };
        sandbox.seed(&options, &|_| {}).await.unwrap();
        let backends = Backends::sandbox(&sandbox, Actor::parse("sandbox:ops").unwrap());
        (dir, sandbox, backends)
    }

    fn job(
        source: ExportSource,
        path: &std::path::Path,
        format: ExportFormat,
    ) -> (ExportJob, crate::app::logs::FeedHandle) {
        let (handle, stop) = feed_channel();
        (
            ExportJob {
                request: RequestId(1),
                source,
                path: path.to_path_buf(),
                format,
                stop,
            },
            handle,
        )
    }

    /// Every page of the posts, as CSV and as JSON lines, row for row what the store lists;
    /// a file that exists is left as it was.
    #[tokio::test]
    async fn an_export_writes_every_page_and_never_overwrites() {
        let (dir, sandbox, b) = seeded().await;
        let mut total = 0;
        let mut page = PageRequest::first(500);
        loop {
            let p = sandbox
                .content
                .list_posts(&PostFilter::default(), page)
                .await
                .unwrap();
            total += p.items.len();
            match p.next {
                Some(c) => page = PageRequest::after(c, 500),
                None => break,
            }
        }
        assert!(total > 2_000, "several pages: {total}");
        let (tx, mut rx) = mpsc::channel(64);
        let csv = dir.path().join("posts.csv");
        let (j, _handle) = job(
            ExportSource::Posts(PostFilter::default()),
            &csv,
            ExportFormat::Csv,
        );
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        assert_eq!(result.unwrap(), total as u64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&csv).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "readable by the operator alone");
        }
        let text = std::fs::read_to_string(&csv).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(
            header.contains("author_sub") && header.contains("body"),
            "{header}"
        );
        // Records start with their type (bodies with line breaks are quoted, their lines do not).
        assert_eq!(
            text.lines().filter(|l| l.starts_with("post,")).count(),
            total
        );
        let mut progress = Vec::new();
        while let Ok(AppEvent::Export(ExportEvent::Progress { rows, .. })) = rx.try_recv() {
            progress.push(rows);
        }
        assert!(
            progress.len() >= 3 && progress.windows(2).all(|w| w[0] < w[1]),
            "{progress:?}"
        );

        let jsonl = dir.path().join("posts.jsonl");
        let (j, _handle) = job(
            ExportSource::Posts(PostFilter::default()),
            &jsonl,
            ExportFormat::JsonLines,
        );
        run(j, &b, &tx).await;
        let records: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records.len(), total);
        let mut ids: Vec<i64> = records.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), total, "each post once");

        let (j, _handle) = job(
            ExportSource::Queue(Default::default()),
            &csv,
            ExportFormat::Csv,
        );
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        assert!(result.unwrap_err().message.contains("never overwrites"));
        assert_eq!(
            std::fs::read_to_string(&csv).unwrap(),
            text,
            "the file is as it was"
        );
    }

    /// Dropping the handle (ctrl-e again) stops the export and removes the part written.
    #[tokio::test]
    async fn a_cancelled_export_leaves_no_file() {
        let (dir, _sandbox, b) = seeded().await;
        let (tx, _rx) = mpsc::channel(64);
        let path = dir.path().join("cancelled.jsonl");
        let (j, handle) = job(
            ExportSource::Posts(PostFilter::default()),
            &path,
            ExportFormat::JsonLines,
        );
        drop(handle);
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        assert!(result.unwrap_err().message.contains("cancelled"));
        assert!(!path.exists());
        assert!(!part_of(&path).exists(), "no part left either");
    }

    /// A text search's export says where each user matched, as `users list` prints it (the
    /// CSV had no `matched` column).
    #[tokio::test]
    async fn a_searched_users_export_says_where_each_matched() {
        use backoffice_domain::ports::UserDirectory;
        let (dir, sandbox, b) = seeded().await;
        let first = sandbox
            .directory
            .list_users(&Default::default(), PageRequest::first(1))
            .await
            .unwrap()
            .items
            .remove(0);
        let text: String = first.email.unwrap().chars().take(4).collect();
        let (tx, _rx) = mpsc::channel(64);
        let path = dir.path().join("users.csv");
        let (j, _handle) = job(
            ExportSource::Users(crate::app::UserSearch::Text(text)),
            &path,
            ExportFormat::Csv,
        );
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        result.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(header.split(',').any(|c| c == "matched"), "{header}");
        let rows: Vec<&str> = lines.collect();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r.contains("e-mail")), "{rows:?}");
    }

    /// A folder lists prefixes and objects: in CSV every row has the same columns, whichever
    /// came first.
    #[tokio::test]
    async fn a_folder_exports_prefixes_and_objects_under_one_header() {
        let (dir, _sandbox, b) = seeded().await;
        let (tx, _rx) = mpsc::channel(64);
        let path = dir.path().join("root.csv");
        let (j, _handle) = job(
            ExportSource::Objects {
                bucket: Sandbox::bucket(),
                prefix: String::new(),
            },
            &path,
            ExportFormat::Csv,
        );
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        assert!(result.unwrap() > 0);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "type,prefix,key,size,last_modified,etag,storage_class"
        );
        let rows: Vec<&str> = lines.collect();
        assert!(
            rows.iter().any(|l| l.starts_with("prefix,posts/,")),
            "{text}"
        );
        assert!(rows.iter().all(|l| l.matches(',').count() == 6), "{text}");
    }

    /// An Insights result exports in the table's column order (the query's), not the
    /// records' sorted keys, and without the records' `type` column.
    #[tokio::test]
    async fn held_rows_export_in_the_columns_given() {
        let (dir, _sandbox, b) = seeded().await;
        let (tx, _rx) = mpsc::channel(64);
        let path = dir.path().join("insights.csv");
        let rows = vec![
            serde_json::json!({"type": "result", "@timestamp": "t1", "level": "ERROR", "@message": "a,b"}),
            serde_json::json!({"type": "result", "@timestamp": "t2", "field.type": "x"}),
        ];
        let columns = ["@timestamp", "@message", "level", "field.type"].map(String::from);
        let (j, _handle) = job(
            ExportSource::Rows {
                name: "insights",
                rows,
                columns: Some(columns.to_vec()),
            },
            &path,
            ExportFormat::Csv,
        );
        let ExportEvent::Done { result, .. } = run(j, &b, &tx).await else {
            panic!("a done event");
        };
        assert_eq!(result.unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "'@timestamp,'@message,level,field.type\nt1,\"a,b\",ERROR,\nt2,,,x\n"
        );
    }
}
