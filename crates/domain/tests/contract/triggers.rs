//! The two triggers with real event JSON: thumbnails on the sandbox's objects and on moto's S3,
//! the users row on SQLite and MariaDB.

use crate::objects::moto;
use crate::support::{mysql_store, sqlite_store};
use backoffice_domain::model::*;
use backoffice_domain::ports::{ContentStore, ObjectStore};
use backoffice_domain::sandbox::Sandbox;
use backoffice_domain::sandbox::images::picture;
use backoffice_domain::triggers::post_confirmation;
use backoffice_domain::triggers::thumbnails::{RecordOutcome, ThumbnailLimits, handle_event};
use image::ImageFormat;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The S3 fixture pointed at `bucket`, one record per key (keys form-encoded as S3 sends them).
fn s3_event(bucket: &BucketName, keys: &[&str]) -> Value {
    let template = fixture("s3-object-created.json")["Records"][0].clone();
    let records: Vec<Value> = keys
        .iter()
        .map(|key| {
            let mut r = template.clone();
            r["s3"]["bucket"]["name"] = json!(bucket.as_str());
            r["s3"]["object"]["key"] = json!(key.replace(' ', "+"));
            r
        })
        .collect();
    json!({ "Records": records })
}

async fn put(objects: &dyn ObjectStore, bucket: &BucketName, key: &str, bytes: Vec<u8>, ty: &str) {
    objects
        .put(
            bucket,
            &ObjectKey::parse(key).unwrap(),
            bytes,
            ty,
            &BTreeMap::new(),
        )
        .await
        .unwrap();
}

async fn thumbnails_scenario(
    objects: &dyn ObjectStore,
    content: &dyn ContentStore,
    bucket: &BucketName,
) {
    let sub = "00000000-0000-4000-8000-000000000001";
    let photo = format!("posts/{sub}/summer photo.jpg");
    let avatar = format!("profiles/{sub}/me.png");
    put(
        objects,
        bucket,
        &photo,
        picture(3, 1200, 800, ImageFormat::Jpeg),
        "image/jpeg",
    )
    .await;
    put(
        objects,
        bucket,
        &avatar,
        picture(4, 300, 300, ImageFormat::Png),
        "image/png",
    )
    .await;
    // A bomb: 9000×2000 pixels (over the 8192 limit) in a few kilobytes of PNG.
    let bomb = format!("posts/{sub}/bomb.png");
    let mut big = Vec::new();
    {
        use image::ImageEncoder;
        let rows = vec![0u8; 9000 * 2000];
        image::codecs::png::PngEncoder::new(&mut big)
            .write_image(&rows, 9000, 2000, image::ExtendedColorType::L8)
            .unwrap();
    }
    assert!(big.len() < 200_000, "{} bytes", big.len());
    put(objects, bucket, &bomb, big, "image/png").await;

    let limits = ThumbnailLimits::default();
    let event = s3_event(
        bucket,
        &[
            &photo,
            &avatar,
            &bomb,
            "thumbs/128/posts/x.jpg",
            "exports/report.csv",
        ],
    );
    let outcomes = handle_event(&event, objects, content, &limits)
        .await
        .unwrap();
    assert!(
        matches!(&outcomes[0], RecordOutcome::Written { thumbnails, .. } if thumbnails.len() == 2),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[1], RecordOutcome::Written { .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[2], RecordOutcome::Refused { why, .. } if why.contains("limits")),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[3], RecordOutcome::Ignored { .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(&outcomes[4], RecordOutcome::Ignored { .. }),
        "{outcomes:?}"
    );

    let recorded = content.thumbnails(&photo).await.unwrap();
    assert_eq!(
        recorded.iter().map(|t| t.width).collect::<Vec<_>>(),
        [128, 512]
    );
    for t in &recorded {
        assert_eq!(t.key, format!("thumbs/{}/{photo}", t.width));
        let head = objects.head(bucket, &t.key).await.unwrap();
        assert_eq!(head.size, t.bytes);
        let bytes = objects.get(bucket, &t.key, None).await.unwrap();
        assert_eq!(bytes.content_type.as_deref(), Some("image/jpeg"));
        let img = image::load_from_memory(&bytes.bytes).unwrap();
        assert_eq!((img.width(), img.height()), (t.width, t.height));
        let (w, h) = (i64::from(img.width()), i64::from(img.height()));
        assert!((w * 2 - h * 3).abs() <= 3, "3:2 kept: {w}x{h}");
    }
    assert!(content.thumbnails(&bomb).await.unwrap().is_empty());
    assert!(
        objects
            .head(bucket, &format!("thumbs/128/{bomb}"))
            .await
            .is_err()
    );

    // Redelivered: nothing is written again.
    let again = handle_event(&s3_event(bucket, &[&photo]), objects, content, &limits)
        .await
        .unwrap();
    assert_eq!(again, [RecordOutcome::AlreadyDone { key: photo.clone() }]);
    let after = content.thumbnails(&photo).await.unwrap();
    assert_eq!(after, recorded, "the records are untouched");
}

#[tokio::test]
async fn sandbox_thumbnails_are_written_recorded_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path()).await.unwrap();
    thumbnails_scenario(&sandbox.objects, &sandbox.content, &Sandbox::bucket()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn moto_thumbnails_are_written_recorded_and_idempotent() {
    let m = moto().await;
    let db = mysql_store().await;
    thumbnails_scenario(&m.store, &db.store, &m.bucket).await;
    db.drop_database().await;
}

async fn post_confirmation_scenario(content: &dyn ContentStore) {
    let event = fixture("cognito-post-confirmation.json");
    let answer = post_confirmation::handle(event.clone(), content)
        .await
        .unwrap();
    assert_eq!(answer, event, "Cognito needs the event back unchanged");
    let sub = UserSub::parse("00000000-0000-4000-8000-000000000042").unwrap();
    let row = content.get_profile(&sub).await.unwrap();
    assert_eq!(row.email.as_deref(), Some("minji@example.com"));
    assert_eq!(row.display_name.as_deref(), Some("Kim Minji"));
    // Delivered again with a changed e-mail: one row, e-mail refreshed, the name kept.
    let mut again = event.clone();
    again["request"]["userAttributes"]["email"] = json!("minji@example.org");
    again["request"]["userAttributes"]["name"] = json!("Someone Else");
    post_confirmation::handle(again, content).await.unwrap();
    let row = content.get_profile(&sub).await.unwrap();
    assert_eq!(row.email.as_deref(), Some("minji@example.org"));
    assert_eq!(row.display_name.as_deref(), Some("Kim Minji"));
    let mut broken = event;
    broken["request"]["userAttributes"]
        .as_object_mut()
        .unwrap()
        .remove("sub");
    assert!(post_confirmation::handle(broken, content).await.is_err());
}

#[tokio::test]
async fn sqlite_post_confirmation_writes_one_row_and_returns_the_event() {
    let h = sqlite_store().await;
    post_confirmation_scenario(&h.store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn mariadb_post_confirmation_writes_one_row_and_returns_the_event() {
    let h = mysql_store().await;
    post_confirmation_scenario(&h.store).await;
    h.drop_database().await;
}
