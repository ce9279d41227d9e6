//! The Storage pane against a real seeded sandbox in a temporary folder: its commands run
//! through the executor, as in the console, and their events come back into the app.

use super::*;
use crate::app::tests::{app_on, code, key, typed};
use crate::app::users::DetailState;
use crate::app::{App, AppEvent, Overlay, PaneId, test_context};
use crate::exec::{Backends, execute};
use backoffice_domain::DomainResult;
use backoffice_domain::adapters::sandbox::SandboxObjectStore;
use backoffice_domain::model::{
    Actor, AuditFilter, BucketVersioning, ByteRange, DeleteOutcome, DeleteTarget, ObjectBytes,
    ObjectEntry, ObjectKey, ObjectVersion, Page, PageRequest, PresignedRequest, WriteCondition,
};
use backoffice_domain::ports::{ContentStore, ObjectStore};
use backoffice_domain::sandbox::{Sandbox, SeedOptions};
use crossterm::event::{KeyCode, KeyEvent};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// The sandbox's object store, counting listings and recording the ranges read.
pub(crate) struct Counting {
    pub inner: SandboxObjectStore,
    pub lists: AtomicUsize,
    pub gets: Mutex<Vec<(String, Option<ByteRange>)>>,
    /// Keys a bulk delete leaves, each named with an error as S3's quiet mode names them.
    pub refused: Mutex<Vec<String>>,
    /// A key someone else uploads again right after it is read, and what they upload: the
    /// race between a delete's last read and the delete itself.
    pub replaced_after_head: Mutex<Option<(String, Vec<u8>)>>,
}

impl Counting {
    pub fn new(inner: SandboxObjectStore) -> Self {
        Self {
            inner,
            lists: AtomicUsize::new(0),
            gets: Mutex::new(Vec::new()),
            refused: Mutex::new(Vec::new()),
            replaced_after_head: Mutex::new(None),
        }
    }
}

#[async_trait::async_trait]
impl ObjectStore for Counting {
    async fn list_buckets(&self) -> DomainResult<Vec<BucketInfo>> {
        self.inner.list_buckets().await
    }
    async fn list(
        &self,
        bucket: &BucketName,
        prefix: &str,
        delimiter: Option<char>,
        page: PageRequest,
    ) -> DomainResult<Page<ListingEntry>> {
        self.lists.fetch_add(1, Ordering::SeqCst);
        self.inner.list(bucket, prefix, delimiter, page).await
    }
    async fn head(&self, bucket: &BucketName, key: &str) -> DomainResult<ObjectEntry> {
        let read = self.inner.head(bucket, key).await;
        let replaced = {
            let mut r = self.replaced_after_head.lock().unwrap();
            match r.as_ref() {
                Some((k, _)) if k == key => r.take(),
                _ => None,
            }
        };
        if let Some((k, body)) = replaced {
            let k = ObjectKey::parse(k).expect("a test key");
            self.inner
                .put(bucket, &k, body, "text/plain", &BTreeMap::new())
                .await?;
        }
        read
    }
    async fn get(
        &self,
        bucket: &BucketName,
        key: &str,
        range: Option<ByteRange>,
    ) -> DomainResult<ObjectBytes> {
        self.gets.lock().unwrap().push((key.to_string(), range));
        self.inner.get(bucket, key, range).await
    }
    async fn put_if(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        body: Vec<u8>,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
        condition: &WriteCondition,
    ) -> DomainResult<ObjectEntry> {
        self.inner
            .put_if(bucket, key, body, content_type, metadata, condition)
            .await
    }
    async fn delete(&self, bucket: &BucketName, key: &str) -> DomainResult<()> {
        self.inner.delete(bucket, key).await
    }
    async fn delete_many(
        &self,
        bucket: &BucketName,
        targets: &[DeleteTarget],
    ) -> DomainResult<Vec<DeleteOutcome>> {
        let refused = self.refused.lock().unwrap().clone();
        let (kept, gone): (Vec<DeleteTarget>, Vec<DeleteTarget>) = targets
            .iter()
            .cloned()
            .partition(|t| refused.contains(&t.key));
        let mut outcomes = self.inner.delete_many(bucket, &gone).await?;
        outcomes.extend(
            kept.into_iter()
                .map(|t| DeleteOutcome::failed(t.key, "AccessDenied: Access Denied")),
        );
        Ok(outcomes)
    }
    async fn copy(
        &self,
        bucket: &BucketName,
        from: &str,
        to: &ObjectKey,
    ) -> DomainResult<ObjectEntry> {
        self.inner.copy(bucket, from, to).await
    }
    async fn presign_get(
        &self,
        bucket: &BucketName,
        key: &str,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        self.inner.presign_get(bucket, key, expires_in).await
    }
    async fn presign_put(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> DomainResult<PresignedRequest> {
        self.inner
            .presign_put(bucket, key, content_type, content_length, expires_in)
            .await
    }
    async fn list_versions(
        &self,
        bucket: &BucketName,
        prefix: &str,
        page: PageRequest,
    ) -> DomainResult<Page<ObjectVersion>> {
        self.inner.list_versions(bucket, prefix, page).await
    }
    async fn versioning(&self, bucket: &BucketName) -> DomainResult<BucketVersioning> {
        self.inner.versioning(bucket).await
    }
}

struct Harness {
    _dir: tempfile::TempDir,
    sandbox: Sandbox,
    store: Arc<Counting>,
    backends: Backends,
    app: App,
}

async fn harness(seeded: bool) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    if seeded {
        let options = SeedOptions {
            users: 12,
            posts: 30,
            comments: 10,
            reports: 3,
            post_images: 6,
            profile_images: 4,
            invocations: 5,
            ..SeedOptions::default()
        };
        sandbox.seed(&options, &|_| {}).await.unwrap();
    }
    let store = Arc::new(Counting::new(sandbox.objects.clone()));
    let backends = Backends {
        content: Some(Arc::new(sandbox.content.clone())),
        directory: Some(Arc::new(sandbox.directory.clone())),
        objects: Some(store.clone()),
        bucket: Some(Sandbox::bucket()),
        logs: None,
        log_groups: vec![],
        insights: None,
        metrics: None,
        functions: Vec::new(),
        identity: Actor::parse("sandbox:tester").unwrap().into(),
        database: None,
        environment: "sandbox".into(),
        throttles: None,
    };
    let (mut app, first) = app_on(PaneId::Users, test_context());
    app.storage.home = backends.bucket.clone();
    let mut h = Harness {
        _dir: dir,
        sandbox,
        store,
        backends,
        app,
    };
    // The Users pane the console starts on asks for its first page.
    h.settle(first).await;
    h
}

impl Harness {
    /// Runs `commands` and everything they lead to until nothing is pending; returns the
    /// events that came back.
    async fn settle(&mut self, commands: Vec<Command>) -> Vec<AppEvent> {
        let (tx, mut rx) = mpsc::channel::<AppEvent>(64);
        for c in commands {
            execute(
                c,
                self.backends.clone(),
                self.app.context.clone(),
                tx.clone(),
            );
        }
        let mut seen = Vec::new();
        while self.app.pending() > 0 {
            let event = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await
                .expect("an answer within 30 s")
                .expect("the executor is running");
            seen.push(event.clone());
            for c in self.app.on_event(event) {
                execute(
                    c,
                    self.backends.clone(),
                    self.app.context.clone(),
                    tx.clone(),
                );
            }
        }
        seen
    }

    async fn press(&mut self, k: KeyEvent) -> Vec<AppEvent> {
        let c = self.app.on_key(k);
        self.settle(c).await
    }

    /// Moves the selection to the row named `name` and opens it.
    async fn open(&mut self, name: &str) {
        let i = self
            .app
            .storage
            .entries
            .items
            .iter()
            .position(|e| e.name() == name)
            .unwrap_or_else(|| panic!("{name} is not listed"));
        self.app.storage.entries.select(i);
        self.press(code(KeyCode::Enter)).await;
    }

    fn names(&self) -> Vec<String> {
        self.app
            .storage
            .entries
            .items
            .iter()
            .map(|e| e.name().to_string())
            .collect()
    }

    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) {
        self.sandbox
            .objects
            .put(
                &Sandbox::bucket(),
                &ObjectKey::parse(key).unwrap(),
                body,
                content_type,
                &BTreeMap::new(),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn browse_the_seeded_bucket_to_an_avatar_preview_it_and_open_its_user() {
    let mut h = harness(true).await;
    let first = h.app.open_pane(PaneId::Storage);
    h.settle(first).await;
    assert_eq!(h.names(), ["posts/", "profiles/"]);
    h.open("profiles/").await;
    let folders = h.names();
    assert_eq!(
        folders.len(),
        4,
        "one folder per profile image: {folders:?}"
    );
    let user_folder = folders[0].clone();
    h.open(&user_folder).await;
    let avatar = format!("{user_folder}avatar.png");
    assert_eq!(h.names(), std::slice::from_ref(&avatar));
    h.open(&avatar).await;
    let d = h.app.storage.detail.as_ref().unwrap();
    let Part::Ready(info) = &d.info else {
        panic!("{:?}", d.info);
    };
    assert_eq!(info.entry.content_type.as_deref(), Some("image/png"));
    assert!(info.entry.etag.is_some());
    assert_eq!(
        info.versions,
        Versions::Unavailable("the sandbox keeps no object versions".into())
    );
    // The seed's profile points at its avatar: the delete dialog will say so.
    assert_eq!(info.uses.referenced, Some(true), "{:?}", info.uses);
    match &d.preview {
        Part::Ready(Preview::Image {
            source,
            width,
            height,
            ..
        }) => assert_eq!((source.as_str(), *width, *height), ("original", 96, 96)),
        other => panic!("an image preview: {other:?}"),
    }
    h.press(key('U')).await;
    assert_eq!(h.app.pane, PaneId::Users);
    let sub = owner_of(&avatar).unwrap();
    match &h.app.users.detail {
        Some(DetailState::Loaded(u)) => assert_eq!(u.user.sub.as_ref(), Some(&sub)),
        other => panic!("the avatar's user opens: {other:?}"),
    }
}

#[tokio::test]
async fn a_post_image_opens_from_the_posts_pane() {
    let mut h = harness(true).await;
    let with_image = h
        .sandbox
        .content
        .list_posts(&Default::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.image_key.is_some())
        .expect("the seed has posts with images");
    let image_key = with_image.image_key.clone().unwrap();
    let c = h.app.open_pane(PaneId::Posts);
    h.settle(c).await;
    let c = h.app.on_key(key('v'));
    h.settle(c).await;
    let i = h
        .app
        .posts
        .posts
        .items
        .iter()
        .position(|p| p.id == with_image.id)
        .unwrap();
    h.app.posts.posts.select(i);
    h.press(key('i')).await;
    assert_eq!(h.app.pane, PaneId::Storage);
    assert!(h.names().contains(&image_key), "its folder is listed");
    let d = h.app.storage.detail.as_ref().unwrap();
    assert_eq!(d.key, image_key);
    assert!(matches!(
        &d.preview,
        Part::Ready(Preview::Image {
            width: 640,
            height: 480,
            ..
        })
    ));
}

#[tokio::test]
async fn a_thumbnail_is_preferred_and_text_reads_only_its_first_bytes() {
    let mut h = harness(false).await;
    let png = |w, h| {
        let mut out = Vec::new();
        image::DynamicImage::new_rgb8(w, h)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    h.put("posts/u/1.png", png(1200, 800), "image/png").await;
    h.put("thumbs/256/posts/u/1.png", png(256, 171), "image/png")
        .await;
    h.put(
        "notes/big.txt",
        "line\n".repeat(20_000).into_bytes(),
        "text/plain",
    )
    .await;
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    h.open("posts/").await;
    h.open("posts/u/").await;
    h.open("posts/u/1.png").await;
    match &h.app.storage.detail.as_ref().unwrap().preview {
        Part::Ready(Preview::Image { source, width, .. }) => {
            assert_eq!((source.as_str(), *width), ("thumbnail 256 px", 256))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        h.store.gets.lock().unwrap().last().unwrap().0,
        "thumbs/256/posts/u/1.png",
        "the original is never fetched"
    );
    h.press(code(KeyCode::Esc)).await;
    h.press(code(KeyCode::Esc)).await;
    h.press(code(KeyCode::Esc)).await;
    h.open("notes/").await;
    h.open("notes/big.txt").await;
    match &h.app.storage.detail.as_ref().unwrap().preview {
        Part::Ready(Preview::Text {
            shown, total, json, ..
        }) => assert_eq!(
            (*shown, *total, *json),
            (TEXT_PREVIEW_BYTES, 100_000, false)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        h.store.gets.lock().unwrap().last().unwrap().1,
        Some(ByteRange::first(TEXT_PREVIEW_BYTES))
    );
}

#[tokio::test]
async fn upload_share_and_delete_write_the_bucket_and_the_audit_log() {
    let mut h = harness(false).await;
    let local = tempfile::tempdir().unwrap();
    let source = local.path().join("notes.txt");
    std::fs::write(&source, "hello from the console").unwrap();
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    h.app.on_key(key('u'));
    typed(&mut h.app, source.to_str().unwrap());
    h.app.on_key(code(KeyCode::Tab));
    h.app.on_key(code(KeyCode::Enter));
    assert!(matches!(h.app.overlay, Some(Overlay::Dialog(_))));
    h.app.on_key(code(KeyCode::Down));
    h.press(code(KeyCode::Enter)).await;
    assert_eq!(
        h.app.toasts.back().unwrap().text,
        "uploaded notes.txt (22 B), audited"
    );
    assert_eq!(h.names(), ["notes.txt"], "the folder was listed again");

    h.press(key('L')).await;
    let Some(Popup::Link { request, .. }) = &h.app.storage.popup else {
        panic!("{:?}", h.app.storage.popup);
    };
    assert!(request.url.starts_with("file://"), "{}", request.url);
    assert!(request.url.ends_with("/sandbox-media/notes.txt"));
    h.press(key('q')).await;
    assert!(!h.app.quit, "the key closed the popup and did nothing else");

    h.press(key('X')).await;
    let Some(Overlay::Dialog(d)) = &h.app.overlay else {
        panic!("delete asks");
    };
    assert!(
        d.proposal
            .after
            .iter()
            .any(|c| c.contains("the sandbox keeps no object versions")),
        "{:?}",
        d.proposal.changes
    );
    h.app.on_key(code(KeyCode::Down));
    h.press(code(KeyCode::Enter)).await;
    assert_eq!(
        h.app.toasts.back().unwrap().text,
        "deleted 1 object, audited"
    );
    assert!(h.names().is_empty());
    let rows = h
        .sandbox
        .content
        .list_audit(
            &AuditFilter {
                target_kind: Some("object".into()),
                ..AuditFilter::default()
            },
            PageRequest::first(10),
        )
        .await
        .unwrap()
        .items;
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["object.delete", "object.presign_get", "object.upload"]
    );
    assert!(rows.iter().all(|r| r.actor == "sandbox:tester"));
    // The link's row keeps the object it opens (size and ETag), as the others do.
    let link = rows[1].before.as_deref().unwrap_or_default();
    assert!(
        link.contains(r#""size":22"#) && link.contains(r#""etag""#),
        "{link}"
    );
}

#[tokio::test]
async fn a_download_arrives_whole_in_chunks_with_progress() {
    let mut h = harness(false).await;
    let body: Vec<u8> = (0..9 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    h.put("exports/dump.bin", body.clone(), "application/octet-stream")
        .await;
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    h.open("exports/").await;
    let local = tempfile::tempdir().unwrap();
    h.app.on_key(key('w'));
    for _ in 0.."./dump.bin".len() {
        h.app.on_key(code(KeyCode::Backspace));
    }
    // A folder: the file keeps its name inside it.
    typed(&mut h.app, local.path().to_str().unwrap());
    let events = h.press(code(KeyCode::Enter)).await;
    let progress: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            AppEvent::Storage(StorageEvent::Progress { done, .. }) => Some(*done),
            _ => None,
        })
        .collect();
    assert_eq!(progress, [4 << 20, 8 << 20, 9 << 20]);
    let saved = local.path().join("dump.bin");
    assert_eq!(std::fs::read(&saved).unwrap(), body);
    let t = h.app.storage.transfer.as_ref().unwrap();
    assert_eq!(t.state, TransferState::Finished);
    assert_eq!(
        t.path, saved,
        "the bar names the file, not the folder typed"
    );
    // Never over an existing file.
    h.app.on_key(key('w'));
    for _ in 0.."./dump.bin".len() {
        h.app.on_key(code(KeyCode::Backspace));
    }
    typed(&mut h.app, saved.to_str().unwrap());
    h.press(code(KeyCode::Enter)).await;
    let problem = |h: &Harness| match &h.app.storage.popup {
        Some(Popup::Prompt(p)) => p.problem.clone().unwrap_or_default(),
        other => panic!("the prompt is back: {other:?}"),
    };
    assert!(problem(&h).contains("exists"), "{}", problem(&h));
    assert_eq!(std::fs::read(&saved).unwrap(), body, "left as it was");
    // Into a folder that does not exist: the folder is named, and the file asked for.
    h.app.storage.popup = None;
    h.app.on_key(key('w'));
    for _ in 0.."./dump.bin".len() {
        h.app.on_key(code(KeyCode::Backspace));
    }
    let missing = local.path().join("nope").join("x.bin");
    typed(&mut h.app, missing.to_str().unwrap());
    h.press(code(KeyCode::Enter)).await;
    let want = format!(
        "could not write {}: the folder {} does not exist",
        missing.display(),
        local.path().join("nope").display()
    );
    assert!(problem(&h).ends_with(&want), "{}", problem(&h));
    assert!(h.app.storage.transfer.is_none(), "said in the prompt alone");
}

#[tokio::test]
async fn the_first_screen_of_a_large_folder_costs_one_listing_and_scrolling_pages_on() {
    let mut h = harness(false).await;
    for i in 0..1500 {
        h.put(&format!("big/{i:05}.txt"), vec![b'x'], "text/plain")
            .await;
    }
    h.app.on_key(key(':'));
    typed(&mut h.app, "storage big/");
    let c = h.app.on_key(code(KeyCode::Enter));
    assert_eq!(h.app.pane, PaneId::Storage);
    h.settle(c).await;
    assert_eq!(h.store.lists.load(Ordering::SeqCst), 1);
    assert_eq!(h.app.storage.entries.items.len(), LIST_PAGE as usize);
    let theme = crate::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 12)).unwrap();
    terminal
        .draw(|f| crate::ui::draw(f, &mut h.app, &theme, 0))
        .unwrap();
    let screen = format!("{}", terminal.backend());
    assert!(
        screen.contains("s3://sandbox-media/big/ · 1000+ loaded"),
        "{screen}"
    );
    assert!(screen.contains("00000.txt"), "{screen}");
    h.press(key('G')).await;
    assert_eq!(h.store.lists.load(Ordering::SeqCst), 2);
    assert_eq!(h.app.storage.entries.items.len(), 1500);
    assert!(h.app.storage.entries.next.is_none());
}

#[tokio::test]
async fn a_bulk_delete_that_leaves_objects_names_the_first_kept_and_why() {
    let mut h = harness(false).await;
    for name in ["a.txt", "b.txt", "c.txt", "d.txt"] {
        h.put(name, b"x".to_vec(), "text/plain").await;
    }
    h.store
        .refused
        .lock()
        .unwrap()
        .extend(["b.txt".to_string(), "d.txt".to_string()]);
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    for _ in 0..4 {
        h.app.on_key(key(' '));
    }
    h.press(key('X')).await;
    let Some(Overlay::Dialog(d)) = &h.app.overlay else {
        panic!("it asks");
    };
    assert_eq!(
        d.proposal.after.last().map(String::as_str),
        Some("the bucket keeps no versions: this cannot be undone"),
        "the sandbox's folder keeps none"
    );
    h.app.on_key(code(KeyCode::Down));
    h.press(code(KeyCode::Enter)).await;
    let said = h.app.last_error.clone().unwrap_or_default();
    assert!(
        said.starts_with(
            "write partly done: deleted 2 objects, audited; 2 not deleted: b.txt \
             (AccessDenied: Access Denied) and 1 more"
        ),
        "{said}"
    );
    let (_, logged) = h.app.errors.front().expect("in the error log");
    assert!(
        logged.chain.contains("d.txt: not deleted: AccessDenied"),
        "{}",
        logged.chain
    );
    assert_eq!(h.names(), ["b.txt", "d.txt"], "the folder was listed again");
}

/// An object uploaded again between the delete's last read and the delete itself is kept:
/// the delete names the ETag it read (S3's `If-Match`), so only that object goes. The others
/// are deleted, the kept one is said as replaced, and the folder is read again.
#[tokio::test]
async fn an_object_replaced_after_the_last_read_is_not_deleted() {
    let mut h = harness(false).await;
    for name in ["a.txt", "b.txt"] {
        h.put(name, b"x".to_vec(), "text/plain").await;
    }
    *h.store.replaced_after_head.lock().unwrap() =
        Some(("a.txt".to_string(), b"someone else's upload".to_vec()));
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    for _ in 0..2 {
        h.app.on_key(key(' '));
    }
    h.press(key('X')).await;
    assert!(matches!(h.app.overlay, Some(Overlay::Dialog(_))), "it asks");
    h.app.on_key(code(KeyCode::Down));
    h.press(code(KeyCode::Enter)).await;
    let said = h.app.last_error.clone().unwrap_or_default();
    assert_eq!(
        said,
        "write partly done: deleted 1 object, audited; 1 kept (replaced since shown)"
    );
    let (_, logged) = h.app.errors.front().expect("in the error log");
    assert_eq!(
        logged.chain,
        "a.txt: kept: replaced since it was read (another ETag)"
    );
    let kept = h
        .store
        .inner
        .head(&Sandbox::bucket(), "a.txt")
        .await
        .unwrap();
    assert_eq!(kept.size, 21, "the newer upload is there");
    assert_eq!(h.names(), ["a.txt"], "the folder was listed again");
    // The newer object is not the one marked: it is not marked again for the next `X`.
    assert!(h.app.storage.entries.marked.is_empty());
}

/// An upload whose key gets an object between the upload's last read and its write does not
/// replace it: the write asks for no object there (`If-None-Match: *`), and the refusal says
/// what was found and that nothing was written.
#[tokio::test]
async fn an_object_put_there_after_the_last_read_is_not_replaced_by_an_upload() {
    let mut h = harness(false).await;
    let local = tempfile::tempdir().unwrap();
    let source = local.path().join("notes.txt");
    std::fs::write(&source, "mine").unwrap();
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    h.app.on_key(key('u'));
    typed(&mut h.app, source.to_str().unwrap());
    h.app.on_key(code(KeyCode::Tab));
    h.app.on_key(code(KeyCode::Enter));
    assert!(matches!(h.app.overlay, Some(Overlay::Dialog(_))), "it asks");
    *h.store.replaced_after_head.lock().unwrap() = Some((
        "notes.txt".to_string(),
        b"theirs, put there meanwhile".to_vec(),
    ));
    h.app.on_key(code(KeyCode::Down));
    h.press(code(KeyCode::Enter)).await;
    let said = h.app.last_error.clone().unwrap_or_default();
    assert!(
        said.contains(
            "nothing was written: s3://sandbox-media/notes.txt: an object was put there since it \
             was read"
        ),
        "{said}"
    );
    let kept = h
        .store
        .inner
        .get(&Sandbox::bucket(), "notes.txt", None)
        .await
        .unwrap();
    assert_eq!(kept.bytes, b"theirs, put there meanwhile");
    assert_eq!(h.names(), ["notes.txt"], "the folder was listed again");
}

/// Marking a post's image among other objects and pressing `X`: the dialog names the one a
/// post points at, read from the database beside the bucket's versioning (several objects'
/// dialog said nothing of it).
#[tokio::test]
async fn a_bulk_delete_names_the_object_a_post_points_at() {
    let mut h = harness(true).await;
    let image_key = h
        .sandbox
        .content
        .list_posts(&Default::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .find_map(|p| p.image_key)
        .expect("the seed has posts with images");
    let (folder, _) = image_key.rsplit_once('/').unwrap();
    let unused = format!("{folder}/zz-unused.txt");
    h.put(&unused, b"x".to_vec(), "text/plain").await;
    let c = h.app.open_pane(PaneId::Storage);
    h.settle(c).await;
    let mut c = typed(&mut h.app, &format!(":storage {folder}/"));
    c.extend(h.app.on_key(code(KeyCode::Enter)));
    h.settle(c).await;
    let names = h.names();
    assert!(names.contains(&image_key), "{names:?}");
    let pointed_at = h.sandbox.content.referenced_keys(&names).await.unwrap();
    for _ in &names {
        h.app.on_key(key(' '));
    }
    h.press(key('X')).await;
    let Some(Overlay::Dialog(d)) = &h.app.overlay else {
        panic!("it asks: {:?}", h.app.last_error);
    };
    let marked: Vec<&String> = d
        .proposal
        .changes
        .iter()
        .filter(|l| l.ends_with("; a post or a profile points at it"))
        .collect();
    assert_eq!(marked.len(), pointed_at.len(), "{:?}", d.proposal.changes);
    assert!(
        marked.iter().any(|l| l.contains(&image_key))
            && !marked.iter().any(|l| l.contains(&unused)),
        "{:?}",
        d.proposal.changes
    );
    assert!(
        d.proposal.after[0].starts_with(&format!("{} of {} ", pointed_at.len(), names.len())),
        "{:?}",
        d.proposal.after
    );
}
