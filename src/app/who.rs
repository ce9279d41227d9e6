//! `:who`: one user from every service at once (the directory, the database, storage and the
//! logs), in a popup over the pane you were on; `esc` returns to it.

use super::RequestId;
use backoffice_domain::services::user360::User360;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhoState {
    Loading,
    Loaded(Vec<String>),
    Failed(crate::app::Failure),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoView {
    pub who: String,
    pub request: RequestId,
    pub state: WhoState,
    pub scroll: u16,
}

impl WhoView {
    pub fn lines(&self) -> Vec<String> {
        match &self.state {
            WhoState::Loading => vec![format!("Looking up {} in every service…", self.who)],
            WhoState::Loaded(lines) => lines.clone(),
            // The failure names whom it looked for (`user ghost not found`): said once.
            WhoState::Failed(why) if why.cause == crate::app::Cause::Gone => {
                vec![format!("{why}.")]
            }
            WhoState::Failed(why) => vec![format!("Could not open {}: {why}", self.who)],
        }
    }
}

fn part<T>(
    label: &str,
    part: &Result<T, String>,
    show: impl FnOnce(&T) -> Vec<String>,
) -> Vec<String> {
    let mut out = vec![String::new(), label.to_string()];
    match part {
        Ok(value) => {
            let lines = show(value);
            if lines.is_empty() {
                out.push("  (none)".into());
            } else {
                out.extend(lines.into_iter().map(|l| format!("  {l}")));
            }
        }
        Err(why) => out.push(format!("  unavailable: {why}")),
    }
    out
}

/// The view as text lines, each part under its heading; a part that failed says why.
pub fn render(view: &User360) -> Vec<String> {
    let mut lines = vec![
        match &view.user {
            // The e-mail, or the phone of an account without one (it said only `(no e-mail)`,
            // for an account found by that phone).
            Ok(u) => format!(
                "{}  {}  {}  {}",
                crate::text::identifier(u.username.as_str()),
                match (&u.email, u.attribute("phone_number")) {
                    (Some(email), _) => crate::text::identifier(email),
                    (None, Some(phone)) =>
                        format!("(no e-mail) {}", crate::text::identifier(phone)),
                    (None, None) => "(no e-mail, no phone)".to_string(),
                },
                u.status,
                if u.enabled { "enabled" } else { "DISABLED" }
            ),
            Err(why) => format!("no account read from the directory: {why}"),
        },
        format!(
            "sub {}",
            view.sub
                .as_ref()
                .map_or("(none)".to_string(), |s| s.to_string())
        ),
    ];
    // Banned or blocked first: support enabling someone reads it before anything else.
    let enabled = view.user.as_ref().ok().map(|u| u.enabled);
    lines.extend(part("Standing", &view.standing, |s| {
        vec![s.describe(enabled)]
    }));
    lines.extend(part("Groups", &view.groups, |g| {
        vec![
            g.iter()
                .map(|g| g.name.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
    }));
    lines.extend(part("Profile row", &view.profile, |p| match p {
        None => vec!["no profile row".into()],
        Some(p) => vec![format!(
            "{} · {} · image {}",
            p.display_name
                .as_deref()
                .map_or("(no name)".into(), crate::text::look_alikes_named),
            // An empty bio is said so ("bio of 0 characters").
            match p.bio.as_deref().map_or(0, |b| b.chars().count()) {
                0 => "no bio".to_string(),
                n => format!("bio of {}", crate::text::plural(n, "character")),
            },
            p.profile_image_key.as_deref().unwrap_or("none")
        )],
    }));
    lines.extend(part("Activity", &view.counts, |c| {
        let n = |v: i64| usize::try_from(v).unwrap_or(0);
        vec![format!(
            "{} · {} · {} filed · {} against them or their content",
            crate::text::plural(n(c.posts), "post"),
            crate::text::plural(n(c.comments), "comment"),
            crate::text::plural(n(c.reports_filed), "report"),
            crate::text::plural(n(c.reports_against), "report"),
        )]
    }));
    lines.extend(part("Latest posts", &view.posts, |posts| {
        posts
            .iter()
            .map(|p| {
                let text = crate::app::posts::excerpt_of(&p.body, 60);
                format!(
                    "#{} {} {} {}",
                    p.id,
                    p.created_at.format("%Y-%m-%d %H:%M"),
                    p.status.as_str(),
                    text
                )
            })
            .collect()
    }));
    lines.extend(part("Latest comments", &view.comments, |comments| {
        comments
            .iter()
            .map(|c| {
                let text = crate::app::posts::excerpt_of(&c.body, 60);
                format!(
                    "#{} on post #{} {} {}",
                    c.id,
                    c.post_id,
                    c.status.as_str(),
                    text
                )
            })
            .collect()
    }));
    // Reports they filed and reports against them (the person, and their latest posts and
    // comments), each said.
    lines.extend(part("Reports", &view.reports, |reports| {
        reports
            .iter()
            .map(|r| {
                // The target first, the report's own number last (`against #11 post:5` read
                // as post 11).
                format!(
                    "{} {} {} · {} · {}{} (report #{})",
                    if view.sub.as_ref() == Some(&r.reporter_sub) {
                        "filed  "
                    } else {
                        "against"
                    },
                    r.target.kind().as_str(),
                    r.target.id_text(),
                    r.status.as_str(),
                    r.reason,
                    // The reporter's note, where there is one (it was left out).
                    r.note
                        .as_deref()
                        .map(|n| format!(" — \"{}\"", crate::app::posts::excerpt_of(n, 60)))
                        .unwrap_or_default(),
                    r.id
                )
            })
            .collect()
    }));
    for (prefix, objects) in &view.objects {
        lines.extend(part(&format!("Objects under {prefix}"), objects, |o| {
            let mut l = vec![format!(
                "{}{}, {}",
                if o.truncated { "at least " } else { "" },
                crate::text::plural(usize::try_from(o.count).unwrap_or(usize::MAX), "object"),
                crate::text::human_size(o.bytes)
            )];
            l.extend(o.first.iter().map(|k| crate::text::key(k)));
            // The keys listed are the first few: the rest said, not left to be guessed.
            let more = o.count.saturating_sub(o.first.len() as u64);
            if more > 0 {
                l.push(format!(
                    "… {}{more} more (:storage {prefix} lists them)",
                    if o.truncated { "at least " } else { "" }
                ));
            }
            l
        }));
    }
    lines.extend(part(
        "Recent log lines mentioning the sub",
        &view.log_lines,
        |read| {
            let mut shown: Vec<String> = read
                .lines
                .iter()
                .map(|e| {
                    // The request id whole, before the line: cut with the line at 100
                    // characters, a JSON line's id lost its end (it is what the operator
                    // looks for next, with `logs request`).
                    let info = backoffice_domain::services::log_analysis::classify(&e.message);
                    let id = info
                        .request_id
                        .map(|id| format!(" request {}", crate::text::one_line(&id)))
                        .unwrap_or_default();
                    let text = crate::app::posts::excerpt_of(&said(&e.message), 100);
                    format!(
                        "{} {}{id} {}",
                        e.timestamp.format("%m-%d %H:%M:%S"),
                        e.group,
                        text
                    )
                })
                .collect();
            // What was read, so a "(none)" over a group that is not there is not taken for
            // a user with no lines (it said "(none)" and nothing else).
            let read_groups = read.groups - read.missing.len();
            if shown.is_empty() && read_groups == 0 {
                shown.push("(no log group could be read)".to_string());
            } else if shown.is_empty() {
                shown.push(format!(
                    "(none in the last {} of {})",
                    crate::text::duration_words(read.window),
                    crate::text::plural(read_groups, "group")
                ));
            }
            if !read.missing.is_empty() {
                let missing: Vec<&str> = read.missing.iter().map(|g| g.as_str()).collect();
                shown.push(crate::text::groups_not_read(&missing));
            }
            shown
        },
    ));
    lines
}

/// What a log line says: a JSON line's `message` (with its level), any other line as it is.
fn said(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.starts_with('{')
        && let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(trimmed)
        && let Some(message) = fields.get("message").and_then(|m| m.as_str())
    {
        return match fields.get("level").and_then(|l| l.as_str()) {
            Some(level) => format!("{level} {message}"),
            None => message.to_string(),
        };
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use backoffice_domain::model::{
        DirectoryUser, Report, ReportId, ReportStatus, Target, UserStatus, UserSub, Username,
    };
    use backoffice_domain::services::user360::Objects;

    /// Reports the person filed and reports against them read apart; counts read as words.
    #[test]
    fn reports_say_whether_they_were_filed_or_against_and_counts_read_as_words() {
        let me = UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap();
        let other = UserSub::parse("00000000-0000-4000-8000-000000000002").unwrap();
        let report = |id: i64, target: Target, by: &UserSub| Report {
            id: ReportId::new(id).unwrap(),
            target,
            reporter_sub: by.clone(),
            reason: "spam".into(),
            note: None,
            status: ReportStatus::Open,
            created_at: chrono::Utc::now(),
            resolved_by: None,
            resolved_at: None,
        };
        let view = User360 {
            user: Ok(DirectoryUser {
                username: Username::parse("ann").unwrap(),
                sub: Some(me.clone()),
                email: Some("ann@example.com".into()),
                status: UserStatus::Confirmed,
                enabled: true,
                attributes: vec![],
                created_at: None,
                modified_at: None,
                mfa: vec![],
            }),
            sub: Some(me.clone()),
            groups: Ok(vec![]),
            profile: Ok(Some(backoffice_domain::model::UserProfile {
                sub: me.clone(),
                email: None,
                display_name: Some("\u{410}nn Lee".into()),
                bio: None,
                profile_image_key: None,
                created_at: chrono::Utc::now(),
                updated_at: chrono::Utc::now(),
            })),
            counts: Err("not asked".into()),
            standing: Ok(backoffice_domain::services::ban::Standing {
                blocked: true,
                ban: Some(backoffice_domain::services::ban::EarlierBan {
                    row: 42,
                    at: chrono::DateTime::from_timestamp(1_765_000_000, 0).unwrap(),
                    actor: "mod@example.com".into(),
                }),
            }),
            posts: Ok(vec![backoffice_domain::model::Post {
                id: backoffice_domain::model::PostId::new(7).unwrap(),
                author_sub: me.clone(),
                body: format!("{} tail-of-the-post", "word ".repeat(20)),
                image_key: None,
                status: backoffice_domain::model::ContentStatus::Visible,
                created_at: chrono::Utc::now(),
                updated_at: chrono::Utc::now(),
            }]),
            comments: Err("not asked".into()),
            reports: Ok(vec![
                report(125, Target::User(other.clone()), &me),
                report(126, Target::User(me.clone()), &other),
            ]),
            objects: vec![(
                "profiles/x/".into(),
                Ok(Objects {
                    count: 2301,
                    bytes: 62_643,
                    truncated: false,
                    first: (0..5).map(|i| format!("profiles/x/{i}.png")).collect(),
                }),
            )],
            log_lines: Ok(backoffice_domain::services::user360::WhoLines {
                groups: 3,
                missing: vec![
                    backoffice_domain::model::LogGroupName::parse("/aws/lambda/does-not-exist")
                        .unwrap(),
                ],
                window: chrono::Duration::hours(24),
                lines: vec![
                    backoffice_domain::model::LogEvent {
                        group: "/aws/lambda/api".into(),
                        stream: "s".into(),
                        timestamp: chrono::Utc::now(),
                        ingested_at: None,
                        message: format!("{} tail-of-the-line", "x".repeat(120)),
                        event_id: "1".into(),
                    },
                    backoffice_domain::model::LogEvent {
                        group: "/aws/lambda/api-v2".into(),
                        stream: "s".into(),
                        timestamp: chrono::Utc::now(),
                        ingested_at: None,
                        message: format!(
                            r#"{{"level": "WARN", "message": "handled request 115 {}", "requestId": "54eab683-2a59-4720-89dc-9eaa358ace01"}}"#,
                            "y".repeat(120)
                        ),
                        event_id: "2".into(),
                    },
                ],
            }),
        };
        let text = render(&view).join("\n");
        // The ban in force is said under its own heading, before the groups.
        assert!(
            text.contains(
                "Standing\n  banned 2025-12-06 05:46 UTC by mod@example.com (audit row 42); \
                 blocked in the API\n"
            ),
            "{text}"
        );
        assert!(text.find("Standing") < text.find("Groups"), "{text}");
        // A display name that passes for another is marked, as lists mark it.
        assert!(text.contains("  <U+0410>nn Lee · no bio"), "{text}");
        assert!(text.contains("  filed   user "), "{text}");
        assert!(text.contains("(report #125)"), "{text}");
        assert!(text.contains("  against user "), "{text}");
        assert!(text.contains("(report #126)"), "{text}");
        assert!(text.contains("  2301 objects, 61.2 KiB"), "{text}");
        assert!(text.contains("profiles/x/4.png"), "{text}");
        assert!(
            text.contains("… 2296 more (:storage profiles/x/ lists them)"),
            "the keys listed are not all: {text}"
        );
        // A post's text and a log line cut to their room say so.
        let post = text.lines().find(|l| l.contains("#7 ")).unwrap_or_default();
        assert!(post.ends_with('…'), "{post}");
        assert!(!text.contains("tail-of-the-"), "{text}");
        let line = text
            .lines()
            .find(|l| l.contains("/aws/lambda/api"))
            .unwrap_or_default();
        assert!(line.ends_with("xxx…"), "{line}");
        // A JSON line's request id is named whole before its message, whatever the cut.
        let json = text
            .lines()
            .find(|l| l.contains("/aws/lambda/api-v2"))
            .unwrap_or_default();
        assert!(
            json.contains("/aws/lambda/api-v2 request 54eab683-2a59-4720-89dc-9eaa358ace01 WARN handled request 115 yyy"),
            "{json}"
        );
        // A configured group that is not there is said under the lines (it said nothing, and
        // "(none)" read as a user with no lines).
        assert!(
            text.contains(
                "  ⚠ not read: /aws/lambda/does-not-exist does not exist (mistyped in the \
                 settings, or deleted)"
            ),
            "{text}"
        );
        let mut none = view.clone();
        if let Ok(read) = &mut none.log_lines {
            read.lines.clear();
        }
        let text = render(&none).join("\n");
        assert!(
            text.contains("Recent log lines mentioning the sub\n  (none in the last 1 day of 2 groups)\n  ⚠ not read: /aws/lambda/does-not-exist"),
            "{text}"
        );
        // No group read at all is not "none of 0 groups".
        if let Ok(read) = &mut none.log_lines {
            read.groups = 1;
        }
        let text = render(&none).join("\n");
        assert!(
            text.contains("  (no log group could be read)\n  ⚠ not read"),
            "{text}"
        );
    }
}
