//! The scriptable commands' JSON: one flat object per line, snake_case fields, a `type` field on
//! every record (several kinds share one stream: a listing's folders and objects, `who`'s
//! parts, a tail's events and markers). Built here field by field rather than from the domain's
//! serde forms, which follow the service API's camelCase and tag enums the Rust way.
//! `docs/operations.md` lists every field; the tests pin each shape.

use backoffice_domain::model::{
    ActivityCounts, AuditEntry, Comment, DirectoryUser, ImageOwner, ListingEntry, LogEvent, Post,
    Report, TailItem, UserProfile,
};
use backoffice_domain::services::moderation::QueueItem;
use backoffice_domain::services::reconcile::Finding;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

pub(crate) fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn opt_time(t: &Option<DateTime<Utc>>) -> Value {
    t.as_ref().map_or(Value::Null, |t| Value::String(time(t)))
}

/// A queue item's open reasons with their counts, count first as the console shows them
/// (`12× spam · 3× harassment`), most given first.
pub fn reasons_text(reasons: &[backoffice_domain::model::ReasonCount]) -> String {
    reasons
        .iter()
        .map(|r| format!("{}× {}", r.count, r.reason))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A user a search found: [`user`], and where the text matched (`matched`, absent for a
/// Cognito filter, a sub or no filter), as `users list` prints it and `ctrl-e` exports it.
pub fn found_user(found: &backoffice_domain::services::people::Found) -> Value {
    let mut record = user(&found.user);
    let matched: Vec<&str> = found.matched.iter().map(|m| m.label()).collect();
    if !matched.is_empty() {
        record["matched"] = serde_json::json!(matched);
    }
    record
}

pub fn user(u: &DirectoryUser) -> Value {
    let attributes: Map<String, Value> = u
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "type": "user",
        "username": u.username.as_str(),
        "sub": u.sub.as_ref().map(|s| s.to_string()),
        "email": u.email,
        "name": u.attribute("name"),
        "phone_number": u.attribute("phone_number"),
        "status": u.status.as_str(),
        "enabled": u.enabled,
        "created_at": opt_time(&u.created_at),
        "modified_at": opt_time(&u.modified_at),
        "mfa": u.mfa,
        "attributes": attributes,
    })
}

pub fn group(name: &str) -> Value {
    json!({"type": "group", "name": name})
}

pub fn post(p: &Post) -> Value {
    json!({
        "type": "post",
        "id": p.id.get(),
        "author_sub": p.author_sub.as_str(),
        "status": p.status.as_str(),
        "body": p.body,
        "image_key": p.image_key,
        "created_at": time(&p.created_at),
        "updated_at": time(&p.updated_at),
    })
}

pub fn comment(c: &Comment) -> Value {
    json!({
        "type": "comment",
        "id": c.id.get(),
        "post_id": c.post_id.get(),
        "author_sub": c.author_sub.as_str(),
        "status": c.status.as_str(),
        "body": c.body,
        "created_at": time(&c.created_at),
    })
}

pub fn report(r: &Report) -> Value {
    json!({
        "type": "report",
        "id": r.id.get(),
        "target_kind": r.target.kind().as_str(),
        "target_id": r.target.id_text(),
        "reporter_sub": r.reporter_sub.as_str(),
        "reason": r.reason,
        "note": r.note,
        "status": r.status.as_str(),
        "created_at": time(&r.created_at),
        "resolved_by": r.resolved_by,
        "resolved_at": opt_time(&r.resolved_at),
    })
}

pub fn profile(p: &UserProfile) -> Value {
    json!({
        "type": "profile",
        "sub": p.sub.as_str(),
        "email": p.email,
        "display_name": p.display_name,
        "bio": p.bio,
        "profile_image_key": p.profile_image_key,
        "created_at": time(&p.created_at),
        "updated_at": time(&p.updated_at),
    })
}

/// Where an account stands: blocked in the API, and the ban in force (`null` when none).
pub fn standing(s: &backoffice_domain::services::ban::Standing) -> Value {
    json!({
        "type": "standing",
        "blocked": s.blocked,
        "ban": s.ban.as_ref().map(|b| json!({ "audit_row": b.row, "at": b.at, "actor": b.actor })),
    })
}

pub fn counts(c: &ActivityCounts) -> Value {
    json!({
        "type": "counts",
        "posts": c.posts,
        "comments": c.comments,
        "reports_filed": c.reports_filed,
        "reports_against": c.reports_against,
    })
}

pub fn listing(e: &ListingEntry) -> Value {
    match e {
        ListingEntry::Prefix(p) => json!({"type": "prefix", "prefix": p}),
        ListingEntry::Object(o) => json!({
            "type": "object",
            "key": o.key,
            "size": o.size,
            "last_modified": opt_time(&o.last_modified),
            "etag": o.etag,
            "storage_class": o.storage_class,
        }),
    }
}

pub fn event(e: &LogEvent) -> Value {
    json!({
        "type": "event",
        "timestamp": time(&e.timestamp),
        "group": e.group,
        "stream": e.stream,
        "message": e.message,
        "event_id": e.event_id,
    })
}

/// A tail's marker (sampling, a gap, a reconnection); `None` for events.
pub fn marker(item: &TailItem) -> Option<Value> {
    Some(match item {
        TailItem::Events(_) => return None,
        TailItem::Sampled => json!({"type": "sampled"}),
        TailItem::Gap { from, to, reason } => {
            json!({"type": "gap", "from": time(from), "to": time(to), "reason": reason})
        }
        TailItem::Reconnected { at, group } => {
            json!({"type": "reconnected", "at": time(at), "group": group})
        }
        TailItem::GroupGone { group, at, .. } => {
            json!({"type": "group_gone", "at": time(at), "group": group})
        }
        TailItem::GroupMissing { group } => json!({"type": "group_missing", "group": group}),
    })
}

pub fn audit(a: &AuditEntry) -> Value {
    json!({
        "type": "audit",
        "id": a.id.get(),
        "created_at": time(&a.created_at),
        "actor": a.actor,
        "action": a.action.as_str(),
        "target_kind": a.target_kind.as_str(),
        "target_id": a.target_id,
        "reason": a.reason,
        "before": a.before,
        "after": a.after,
    })
}

pub fn finding(f: &Finding) -> Value {
    match f {
        Finding::OrphanObject { key, size } => {
            json!({"type": "orphan_object", "key": key, "size": size})
        }
        Finding::MissingObject { owner, key } => {
            let (kind, id) = match owner {
                ImageOwner::Post(id) => ("post", id.to_string()),
                ImageOwner::Profile(sub) => ("profile", sub.to_string()),
            };
            json!({"type": "missing_object", "owner_kind": kind, "owner_id": id, "key": key})
        }
        Finding::AuthorWithoutUser { sub } => {
            json!({"type": "author_without_user", "sub": sub.as_str()})
        }
        Finding::UserWithoutProfile {
            username,
            sub,
            email,
        } => json!({
            "type": "user_without_profile",
            "username": username.as_str(),
            "sub": sub.as_str(),
            "email": email,
        }),
    }
}

/// A part of `who` that could not be loaded.
pub fn unavailable(part: &str, why: &str) -> Value {
    json!({"type": "unavailable", "part": part, "why": why})
}

/// An Insights result row: its fields by name (`@ptr` left out).
pub fn result_row(row: &[backoffice_domain::model::ResultField]) -> Value {
    let mut fields = Map::new();
    fields.insert("type".into(), Value::String("result".into()));
    for f in row.iter().filter(|f| f.field != "@ptr") {
        fields.insert(result_field_name(&f.field), Value::String(f.value.clone()));
    }
    Value::Object(fields)
}

/// A result field's name in its record: a field of the logs named `type` would hide the
/// record's own, so it is `field.type`.
pub fn result_field_name(field: &str) -> String {
    if field == "type" {
        "field.type".to_string()
    } else {
        field.to_string()
    }
}

/// One metric of one function over the window.
pub fn metric_series(
    s: &backoffice_domain::model::MetricSeries,
    period: chrono::Duration,
) -> Value {
    json!({
        "type": "metric",
        "function": s.function,
        "metric": s.metric.label(),
        "period_seconds": period.num_seconds(),
        "total": s.total(),
        "points": s.points.iter().map(|(t, v)| json!([time(t), v])).collect::<Vec<_>>(),
    })
}

pub fn alarm(a: &backoffice_domain::model::Alarm) -> Value {
    json!({
        "type": "alarm",
        "name": a.name,
        "state": a.state.as_str(),
        "since": opt_time(&a.since),
        "reason": a.reason,
        "function": a.metric.as_ref().and_then(|m| m.function()),
        "metric": a.metric.as_ref().map(|m| format!("{}/{}", m.namespace, m.name)),
        "threshold": a.threshold,
        "comparison": a.comparison,
    })
}

/// A line of the reports queue: a target with its open reports counted, their reasons, and
/// what the target is.
/// A queue item's target status as the lines say it: `visible`…, `unknown` for a post or a
/// comment whose status no release writes (it read as `-`, a person's), `None` for a person
/// or a target gone.
pub fn queue_status(q: &QueueItem) -> Option<&'static str> {
    let s = q.summary.as_ref()?;
    match (s.status, &q.group.target) {
        (Some(st), _) => Some(st.as_str()),
        (None, backoffice_domain::model::Target::User(_)) => None,
        (None, _) => Some("unknown"),
    }
}

pub fn queue_item(q: &QueueItem) -> Value {
    let s = q.summary.as_ref();
    json!({
        "type": "queue_item",
        "target_kind": q.group.target.kind().as_str(),
        "target_id": q.group.target.id_text(),
        "open_reports": q.group.open_reports,
        "reasons": reasons_text(&q.reasons),
        "author_sub": s.and_then(|s| s.author_sub.as_ref()).map(|a| a.to_string()),
        "status": queue_status(q),
        "excerpt": s.map(|s| s.excerpt.clone()),
        "oldest_open_at": time(&q.group.oldest_open_at),
        "latest_open_at": time(&q.group.latest_open_at),
    })
}

#[cfg(test)]
mod tests {
    //! Each record's shape: flat (no nested enum tags), snake_case, a `type`.
    use super::*;
    use backoffice_domain::model::{
        AuditAction, AuditId, AuditKind, ContentStatus, ObjectEntry, PostId, UserStatus, UserSub,
        Username,
    };

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    fn flat_and_snake(v: &Value) {
        for (k, val) in v.as_object().unwrap() {
            assert!(
                k.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{k} is not snake_case"
            );
            assert!(
                !val.is_object() || k == "attributes",
                "{k} nests an object: {v}"
            );
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_listing_says_prefix_or_object_in_a_type_field() {
        let folder = listing(&ListingEntry::Prefix("posts/".into()));
        assert_eq!(folder, json!({"type": "prefix", "prefix": "posts/"}));
        let object = listing(&ListingEntry::Object(ObjectEntry {
            key: "posts/a.png".into(),
            size: 5,
            last_modified: Some(at()),
            etag: Some("\"e\"".into()),
            storage_class: None,
            content_type: None,
            metadata: Default::default(),
            version_id: None,
        }));
        assert_eq!(
            keys(&object),
            [
                "etag",
                "key",
                "last_modified",
                "size",
                "storage_class",
                "type"
            ]
        );
        assert_eq!(object["type"], "object");
        assert_eq!(object["last_modified"], "2026-11-30T10:00:00.000Z");
        flat_and_snake(&object);
    }

    #[test]
    fn users_posts_and_audit_rows_are_flat_records() {
        let sub = UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap();
        let u = user(&DirectoryUser {
            username: Username::parse("ann").unwrap(),
            sub: Some(sub.clone()),
            email: Some("ann@example.com".into()),
            status: UserStatus::ForceChangePassword,
            enabled: true,
            attributes: vec![("name".into(), "Ann \"Q\" Lee".into())],
            created_at: Some(at()),
            modified_at: None,
            mfa: vec![],
        });
        assert_eq!(
            keys(&u),
            [
                "attributes",
                "created_at",
                "email",
                "enabled",
                "mfa",
                "modified_at",
                "name",
                "phone_number",
                "status",
                "sub",
                "type",
                "username"
            ]
        );
        assert_eq!(u["status"], "FORCE_CHANGE_PASSWORD");
        assert_eq!(u["name"], "Ann \"Q\" Lee");
        flat_and_snake(&u);
        let p = post(&Post {
            id: PostId::new(10380).unwrap(),
            author_sub: sub.clone(),
            body: "hi".into(),
            image_key: None,
            status: ContentStatus::Hidden,
            created_at: at(),
            updated_at: at(),
        });
        assert_eq!(
            keys(&p),
            [
                "author_sub",
                "body",
                "created_at",
                "id",
                "image_key",
                "status",
                "type",
                "updated_at"
            ]
        );
        assert_eq!(p["id"], 10380);
        flat_and_snake(&p);
        let a = audit(&AuditEntry {
            id: AuditId::new(7).unwrap(),
            actor: "sandbox:ops".into(),
            action: AuditAction::PostHide,
            target_kind: AuditKind::Post,
            target_id: "10380".into(),
            reason: Some("spam".into()),
            before: None,
            after: None,
            created_at: at(),
        });
        assert_eq!(a["action"], "post.hide");
        assert_eq!(a["target_kind"], "post");
        flat_and_snake(&a);
    }

    #[test]
    fn a_tail_marks_gaps_beside_its_events() {
        let gap = marker(&TailItem::Gap {
            from: at(),
            to: at(),
            reason: "connection lost".into(),
        })
        .unwrap();
        assert_eq!(keys(&gap), ["from", "reason", "to", "type"]);
        assert!(marker(&TailItem::Events(vec![])).is_none());
        // Every marker's time is written as the events' are (milliseconds, `Z`).
        let precise = at() + chrono::Duration::nanoseconds(662_006_189);
        let gone = marker(&TailItem::GroupGone {
            group: "/aws/lambda/api".into(),
            at: precise,
            retrying: false,
        })
        .unwrap();
        assert_eq!(gone["type"], "group_gone");
        assert_eq!(gone["at"], time(&precise));
        let back = marker(&TailItem::Reconnected {
            at: precise,
            group: None,
        })
        .unwrap();
        assert_eq!(back["at"], time(&precise));
        assert!(time(&precise).ends_with(".662Z"), "{}", time(&precise));
        let f = finding(&Finding::AuthorWithoutUser {
            sub: UserSub::parse("00000000-0000-4000-8000-000000000002").unwrap(),
        });
        assert_eq!(f["type"], "author_without_user");
        flat_and_snake(&f);
    }
}
