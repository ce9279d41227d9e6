//! One user seen from every service at once ("user 360"): the Cognito state and groups, the
//! profile row and activity counts, the latest posts, comments and reports, the objects under
//! their prefixes with their total size, and recent log lines that mention their sub. Each part
//! is loaded on its own: one service failing leaves the others shown, with the failure said.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    ActivityCounts, BucketName, Comment, CommentFilter, DirectoryUser, FilterAttribute, FilterOp,
    FilterPattern, Group, ListingEntry, LogEvent, LogGroupName, PageRequest, Post, PostFilter,
    Report, ReportFilter, Target, TimeWindow, UserFilter, UserProfile, UserSub, Username,
};
use crate::ports::{ContentStore, LogSource, ObjectStore, UserDirectory, UserQuery};

/// How many of each list the view shows.
pub const LATEST: u32 = 5;
/// Objects summed per prefix before the total is reported as "at least".
pub const MAX_OBJECTS_COUNTED: u64 = 10_000;

/// How the user was named: `:who` takes any of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Sub(UserSub),
    Email(String),
    /// A phone number as Cognito keeps it (`+821012345678`): a phone-only account has no
    /// e-mail to be found by.
    Phone(String),
    Username(Username),
}

impl Who {
    /// A sub if it looks like one, an e-mail if it has an `@`, a username otherwise.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DomainError::invalid(
                "user",
                "give an e-mail, a sub or a username",
            ));
        }
        if let Ok(sub) = UserSub::parse(raw) {
            return Ok(Self::Sub(sub));
        }
        if raw.contains('@') {
            return Ok(Self::Email(raw.to_string()));
        }
        // `+82 10-1234-5678` as said on the phone: E.164, as Cognito stores it.
        if let Some(digits) = raw.strip_prefix('+') {
            let digits: String = digits
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                .collect();
            if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Self::Phone(format!("+{digits}")));
            }
        }
        Ok(Self::Username(Username::parse(raw)?))
    }
}

impl std::fmt::Display for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sub(sub) => write!(f, "{sub}"),
            Self::Email(email) | Self::Phone(email) => f.write_str(email),
            Self::Username(name) => write!(f, "{name}"),
        }
    }
}

/// A part of the view that could not be loaded, with why.
pub type Part<T> = Result<T, String>;

/// Objects under one of the user's prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Objects {
    pub count: u64,
    pub bytes: u64,
    /// The count stopped at [`MAX_OBJECTS_COUNTED`]; the totals are lower bounds.
    pub truncated: bool,
    pub first: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct User360 {
    /// The account; asked by sub, a sub the directory cannot answer for (no such account, or
    /// the pool unreadable) still shows what the other services hold.
    pub user: Part<DirectoryUser>,
    pub sub: Option<UserSub>,
    pub groups: Part<Vec<Group>>,
    pub profile: Part<Option<UserProfile>>,
    pub counts: Part<ActivityCounts>,
    /// Whether the API refuses them, and the ban in force.
    pub standing: Part<super::ban::Standing>,
    pub posts: Part<Vec<Post>>,
    pub comments: Part<Vec<Comment>>,
    /// Reports filed by them, then reports against their profile, then against their latest
    /// posts and comments.
    pub reports: Part<Vec<Report>>,
    pub objects: Vec<(String, Part<Objects>)>,
    pub log_lines: Part<WhoLines>,
}

/// `:who`'s log lines, and what they were read from: a "(none)" over groups that are not there
/// read as a user with no lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhoLines {
    /// Newest first, at most [`WHO_LINES`].
    pub lines: Vec<LogEvent>,
    /// The groups read.
    pub groups: usize,
    /// Groups named in the settings that are not there, left out.
    pub missing: Vec<LogGroupName>,
    /// How far back they were read.
    pub window: chrono::Duration,
}

/// Where the view reads from.
pub struct Sources<'a> {
    pub directory: &'a dyn UserDirectory,
    pub content: &'a dyn ContentStore,
    pub objects: Option<(&'a dyn ObjectStore, &'a BucketName)>,
    pub logs: Option<(&'a dyn LogSource, &'a [LogGroupName])>,
    /// How far back log lines are searched.
    pub log_window: chrono::Duration,
}

/// Finds the user in the directory. An e-mail that matches no one as typed is tried again in
/// lower case: Cognito compares attribute values exactly, and sign-up forms mostly keep
/// addresses in lower case, while support is told `Ann@Example.com`.
pub async fn resolve(directory: &dyn UserDirectory, who: &Who) -> DomainResult<DirectoryUser> {
    let found = resolve_cased(directory, who).await;
    // A pool whose usernames may hold `@` (`ann.lee+test@example.com` signed up as a username):
    // what reads as an e-mail and matches none is tried as a username.
    match (found, who) {
        (Err(DomainError::NotFound(what)), Who::Email(text)) => {
            let Ok(name) = Username::from_directory(text.clone()) else {
                return Err(DomainError::NotFound(what));
            };
            match directory.get_user(&name).await {
                Err(DomainError::NotFound(_)) => Err(DomainError::NotFound(format!(
                    "{what}, or a user named {text},"
                ))),
                other => other,
            }
        }
        // A pool whose users sign up with their phone number as username.
        (Err(DomainError::NotFound(what)), Who::Phone(phone)) => {
            let Ok(name) = Username::from_directory(phone.clone()) else {
                return Err(DomainError::NotFound(what));
            };
            match directory.get_user(&name).await {
                Err(DomainError::NotFound(_)) => Err(DomainError::NotFound(format!(
                    "{what}, or a user named {phone},"
                ))),
                other => other,
            }
        }
        (other, _) => other,
    }
}

/// [`resolve`] without the username fallback: as typed, then in lower case.
async fn resolve_cased(directory: &dyn UserDirectory, who: &Who) -> DomainResult<DirectoryUser> {
    match (resolve_exactly(directory, who).await, who) {
        (Err(DomainError::NotFound(what)), Who::Email(email)) if email.to_lowercase() != *email => {
            let lower = email.to_lowercase();
            match resolve_exactly(directory, &Who::Email(lower.clone())).await {
                // Both forms named: the e-mail is compared exactly, in the case it was stored.
                Err(DomainError::NotFound(_)) => {
                    Err(DomainError::NotFound(format!("{what} or {lower}")))
                }
                other => other,
            }
        }
        // A pool created case-sensitive holds `layla` apart from `Layla`; names are mostly
        // signed up in lower case, while support is told `Layla`.
        (Err(DomainError::NotFound(what)), Who::Username(name))
            if name.as_str().to_lowercase() != name.as_str() =>
        {
            let Ok(lower) = Username::parse(name.as_str().to_lowercase()) else {
                return Err(DomainError::NotFound(what));
            };
            match resolve_exactly(directory, &Who::Username(lower.clone())).await {
                Err(DomainError::NotFound(_)) => {
                    Err(DomainError::NotFound(format!("{what} or {lower}")))
                }
                other => other,
            }
        }
        (other, _) => other,
    }
}

/// As [`resolve`], and an e-mail the directory holds in neither form is looked for in the
/// profile rows, which compare without case (`MiXeD.CaSe@Example.COM` kept as signed up with,
/// `mixed.case@example.com` typed): each profile found is read back from the directory by its
/// sub and kept when its e-mail there is the one typed, in any case.
pub async fn find(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    who: &Who,
) -> DomainResult<DirectoryUser> {
    let found = resolve(directory, who).await;
    let (Err(DomainError::NotFound(what)), Who::Email(email)) = (&found, who) else {
        return found;
    };
    let mut holders = holders_by_profile(directory, content, email, 2)
        .await?
        .into_iter();
    match (holders.next(), holders.next()) {
        (Some(user), None) => Ok(user),
        (Some(_), Some(_)) => Err(DomainError::Conflict(format!(
            "more than one user has {email} in some case; open them by username"
        ))),
        (None, _) => Err(DomainError::NotFound(what.clone())),
    }
}

/// The accounts whose e-mail is `email` in any case (at most `limit`): the directory asked for
/// it as typed, then in lower case, then the profile rows for the other cases.
pub async fn email_holders(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    email: &str,
    limit: u32,
) -> DomainResult<Vec<DirectoryUser>> {
    let found = directory_email_holders(directory, email, limit).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    holders_by_profile(directory, content, email, limit).await
}

/// The accounts whose e-mail is `email` as typed, else in lower case, as the directory finds
/// them (up to `limit`).
pub async fn directory_email_holders(
    directory: &dyn UserDirectory,
    email: &str,
    limit: u32,
) -> DomainResult<Vec<DirectoryUser>> {
    let mut forms = vec![email.to_string()];
    if email.to_lowercase() != email {
        forms.push(email.to_lowercase());
    }
    for form in forms {
        let query = UserQuery {
            filter: Some(UserFilter::new(
                FilterAttribute::Email,
                FilterOp::Equals,
                form,
            )?),
        };
        let found = directory
            .list_users(&query, PageRequest::first(limit))
            .await?;
        if !found.items.is_empty() {
            return Ok(found.items);
        }
    }
    Ok(Vec::new())
}

/// The accounts of the profiles whose e-mail is `email` in any case, read from the directory
/// by sub; a profile whose account has another e-mail now (changed since the row was written,
/// or equal only under the database's collation, `é` as `e`) is left out.
async fn holders_by_profile(
    directory: &dyn UserDirectory,
    content: &dyn ContentStore,
    email: &str,
    limit: u32,
) -> DomainResult<Vec<DirectoryUser>> {
    let subs = content.subs_with_email(email, limit).await?;
    let typed = email.to_lowercase();
    let mut holders = Vec::new();
    for sub in subs {
        let user = match resolve_exactly(directory, &Who::Sub(sub)).await {
            Ok(user) => user,
            // A profile left behind by a deleted account.
            Err(DomainError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        if user.email.as_deref().map(str::to_lowercase).as_deref() == Some(typed.as_str()) {
            holders.push(user);
        }
    }
    Ok(holders)
}

async fn resolve_exactly(directory: &dyn UserDirectory, who: &Who) -> DomainResult<DirectoryUser> {
    let (attribute, value) = match who {
        Who::Username(name) => return directory.get_user(name).await,
        Who::Sub(sub) => (FilterAttribute::Sub, sub.as_str().to_string()),
        Who::Email(email) => (FilterAttribute::Email, email.clone()),
        Who::Phone(phone) => (FilterAttribute::PhoneNumber, phone.clone()),
    };
    let query = UserQuery {
        filter: Some(UserFilter::new(attribute, FilterOp::Equals, value.clone())?),
    };
    let found = directory.list_users(&query, PageRequest::first(2)).await?;
    let mut users = found.items.into_iter();
    match (users.next(), users.next()) {
        (Some(user), None) => Ok(user),
        // Named, so that support can open each (it said only "open them by username").
        (Some(a), Some(b)) => Err(DomainError::Conflict(format!(
            "more than one user has {value} ({}, {}{}); open one by username",
            a.username,
            b.username,
            if found.next.is_some() { ", …" } else { "" }
        ))),
        // "{what} not found": "user with e-mail nobody@nowhere not found".
        (None, _) => Err(DomainError::not_found(format!(
            "user with {} {value}",
            match attribute {
                FilterAttribute::Sub => "sub",
                FilterAttribute::Email => "e-mail",
                FilterAttribute::PhoneNumber => "phone number",
                _ => "attribute",
            }
        ))),
    }
}

fn part<T>(r: DomainResult<T>) -> Part<T> {
    r.map_err(|e| e.to_string())
}

/// Loads every part of the view for one user.
pub async fn load(sources: &Sources<'_>, who: &Who) -> DomainResult<User360> {
    let (user, sub) = match (find(sources.directory, sources.content, who).await, who) {
        (Ok(user), _) => {
            let sub = user.sub.clone();
            (Ok(user), sub)
        }
        // The sub is all the rest needs: a profile, posts and objects left by an account the
        // pool no longer has, or read while Cognito fails, are shown with why it is missing.
        (Err(e), Who::Sub(sub)) => (Err(e.to_string()), Some(sub.clone())),
        (Err(e), _) => return Err(e),
    };
    let groups = async {
        match &user {
            Ok(user) => part(sources.directory.groups_of(&user.username).await),
            Err(_) => Err("no account read from the directory".to_string()),
        }
    };
    let Some(sub_value) = sub.clone() else {
        fn none<T>() -> Part<T> {
            Err("the user has no sub attribute".to_string())
        }
        let groups = groups.await;
        return Ok(User360 {
            user,
            sub,
            groups,
            profile: none(),
            counts: none(),
            standing: none(),
            posts: none(),
            comments: none(),
            reports: none(),
            objects: Vec::new(),
            log_lines: none(),
        });
    };
    // Every part needs only the user found above, so they are asked for together: the view
    // costs its slowest part, not their sum.
    let content = sources.content;
    let profile = async {
        part(match content.get_profile(&sub_value).await {
            Ok(p) => Ok(Some(p)),
            Err(DomainError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        })
    };
    let counts = async { part(content.activity_counts(&sub_value).await) };
    let standing = async { part(super::ban::standing(content, &sub_value).await) };
    let posts = async {
        part(
            content
                .list_posts(
                    &PostFilter {
                        author: Some(sub_value.clone()),
                        ..PostFilter::default()
                    },
                    PageRequest::first(LATEST),
                )
                .await
                .map(|p| p.items),
        )
    };
    let comments = async {
        part(
            content
                .list_comments(
                    &CommentFilter {
                        author: Some(sub_value.clone()),
                        ..CommentFilter::default()
                    },
                    PageRequest::first(LATEST),
                )
                .await
                .map(|p| p.items),
        )
    };
    let reports = async { part(reports_of(content, &sub_value).await) };
    let objects = async {
        match sources.objects {
            Some((store, bucket)) => {
                let prefixes = [
                    format!("profiles/{sub_value}/"),
                    format!("posts/{sub_value}/"),
                ];
                let summaries = futures::future::join_all(
                    prefixes
                        .iter()
                        .map(|prefix| objects_under(store, bucket, prefix)),
                )
                .await;
                prefixes
                    .into_iter()
                    .zip(summaries.into_iter().map(part))
                    .collect()
            }
            None => Vec::new(),
        }
    };
    let log_lines = async {
        match sources.logs {
            Some((logs, groups)) => {
                part(log_lines(logs, groups, &sub_value, sources.log_window).await)
            }
            None => Err("no log source in this environment".to_string()),
        }
    };
    let (groups, profile, counts, standing, posts, comments, reports, objects, log_lines) = futures::join!(
        groups, profile, counts, standing, posts, comments, reports, objects, log_lines
    );
    // Reports against their latest posts and comments too (the counts took them in, the list
    // named only those against the person: "2 reports against them", one listed).
    let reports = match reports {
        Ok(mut reports) => {
            let targets: Vec<Target> = posts
                .iter()
                .flatten()
                .map(|p| Target::Post(p.id))
                .chain(comments.iter().flatten().map(|c| Target::Comment(c.id)))
                .collect();
            let pages = futures::future::join_all(targets.into_iter().map(|target| {
                let filter = ReportFilter {
                    target: Some(target),
                    ..ReportFilter::default()
                };
                async move {
                    content
                        .list_reports(&filter, PageRequest::first(LATEST))
                        .await
                }
            }))
            .await;
            let mut failed = None;
            for page in pages {
                match page {
                    Ok(page) => {
                        for r in page.items {
                            if !reports_contains(&reports, r.id) {
                                reports.push(r);
                            }
                        }
                    }
                    Err(e) => failed = Some(e.to_string()),
                }
            }
            match failed {
                Some(why) => Err(why),
                None => Ok(reports),
            }
        }
        Err(why) => Err(why),
    };
    Ok(User360 {
        user,
        sub,
        groups,
        profile,
        counts,
        standing,
        posts,
        comments,
        reports,
        objects,
        log_lines,
    })
}

fn reports_contains(reports: &[Report], id: crate::model::ReportId) -> bool {
    reports.iter().any(|r| r.id == id)
}

async fn reports_of(content: &dyn ContentStore, sub: &UserSub) -> DomainResult<Vec<Report>> {
    let filed = ReportFilter {
        reporter: Some(sub.clone()),
        ..ReportFilter::default()
    };
    let against = ReportFilter {
        target: Some(Target::User(sub.clone())),
        ..ReportFilter::default()
    };
    let (filed, against) = futures::try_join!(
        content.list_reports(&filed, PageRequest::first(LATEST)),
        content.list_reports(&against, PageRequest::first(LATEST)),
    )?;
    Ok(filed.items.into_iter().chain(against.items).collect())
}

async fn objects_under(
    store: &dyn ObjectStore,
    bucket: &BucketName,
    prefix: &str,
) -> DomainResult<Objects> {
    let mut summary = Objects::default();
    let mut page = PageRequest::first(1000);
    loop {
        let listed = store.list(bucket, prefix, None, page).await?;
        for entry in listed.items {
            if let ListingEntry::Object(o) = entry {
                summary.count += 1;
                summary.bytes += o.size;
                if summary.first.len() < LATEST as usize {
                    summary.first.push(o.key);
                }
            }
        }
        if summary.count >= MAX_OBJECTS_COUNTED {
            summary.truncated = listed.next.is_some();
            return Ok(summary);
        }
        match listed.next {
            Some(c) => page = PageRequest::after(c, 1000),
            None => return Ok(summary),
        }
    }
}

/// The most lines `:who` shows, the newest of every group's.
const WHO_LINES: usize = 50;

/// The newest lines mentioning the sub in each group within the window. FilterLogEvents
/// answers oldest first, so its first page over a day was the day's oldest lines (the last
/// minutes, which support needs most, were left out): each group is read back from now in
/// slices (the last 15 minutes, the hour, six hours, the rest of the window), until a slice
/// brings enough. The groups are read at once.
async fn log_lines(
    logs: &dyn LogSource,
    groups: &[LogGroupName],
    sub: &UserSub,
    window: chrono::Duration,
) -> DomainResult<WhoLines> {
    let pattern = FilterPattern::parse(format!("\"{sub}\""))?;
    let now = chrono::Utc::now();
    let read = futures::future::try_join_all(
        groups
            .iter()
            .map(|group| newest_in(logs, group, &pattern, now, window)),
    )
    .await?;
    let mut missing = Vec::new();
    let mut lines = Vec::new();
    for (group, found) in groups.iter().zip(read) {
        match found {
            Some(found) => lines.extend(found),
            None => missing.push(group.clone()),
        }
    }
    lines.sort_by_key(|l| std::cmp::Reverse(l.timestamp));
    lines.truncate(WHO_LINES);
    Ok(WhoLines {
        lines,
        groups: groups.len(),
        missing,
        window,
    })
}

/// One group's newest lines matching `pattern` in the `window` before `now` ([`log_lines`]).
/// A slice is read oldest first to its end, keeping its newest lines (a busy user's last
/// minutes were past the pages read); the first slice is the last minute. A group that is not
/// there (a name mistyped in the settings) is `None`: one such group emptied the whole part.
async fn newest_in(
    logs: &dyn LogSource,
    group: &LogGroupName,
    pattern: &FilterPattern,
    now: chrono::DateTime<chrono::Utc>,
    window: chrono::Duration,
) -> DomainResult<Option<Vec<LogEvent>>> {
    /// Pages read of one slice: a slice with more lines than these keeps the newest read.
    const PAGES: usize = 20;
    let start = now - window;
    let mut found: std::collections::VecDeque<LogEvent> = std::collections::VecDeque::new();
    let mut end = now;
    for back in [
        chrono::Duration::minutes(1),
        chrono::Duration::minutes(15),
        chrono::Duration::hours(1),
        chrono::Duration::hours(6),
        window,
    ] {
        let from = (now - back).max(start);
        if from >= end {
            continue;
        }
        let Ok(slice) = TimeWindow::new(from, end) else {
            break;
        };
        // This slice's newest, as many as are still wanted: they go before what newer
        // slices found.
        let room = WHO_LINES - found.len();
        let mut newest: std::collections::VecDeque<LogEvent> = std::collections::VecDeque::new();
        let mut page = PageRequest::first(WHO_LINES as u32 * 2);
        for _ in 0..PAGES {
            let got = match logs.filter_events(group, slice, Some(pattern), page).await {
                Ok(got) => got,
                Err(DomainError::NotFound(what)) => {
                    tracing::warn!("{what} not found: :who reads the other groups");
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            for event in got.items {
                if newest.len() == room {
                    newest.pop_front();
                }
                newest.push_back(event);
            }
            match got.next {
                Some(cursor) => page = PageRequest::after(cursor, WHO_LINES as u32 * 2),
                None => break,
            }
        }
        for event in newest.into_iter().rev() {
            found.push_front(event);
        }
        end = from;
        if found.len() >= WHO_LINES || from <= start {
            break;
        }
    }
    Ok(Some(found.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_tells_a_sub_an_email_and_a_username_apart() {
        assert!(matches!(
            Who::parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Ok(Who::Sub(_))
        ));
        assert!(
            matches!(Who::parse(" ann@example.com "), Ok(Who::Email(e)) if e == "ann@example.com")
        );
        assert!(matches!(Who::parse("ann"), Ok(Who::Username(_))));
        assert!(Who::parse("  ").is_err());
        // A phone number as said (`+82 10-1234-5678`), as Cognito keeps it.
        assert!(
            matches!(Who::parse("+82 10-1234-5678"), Ok(Who::Phone(p)) if p == "+821012345678")
        );
        assert!(matches!(Who::parse("+abc"), Ok(Who::Username(_))));
    }

    /// A phone-only account was "not found" by its number: it is found by it, and a number
    /// two accounts share names both.
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn a_phone_only_account_is_found_by_its_number() {
        use crate::model::AttributeName;
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        let phone = AttributeName::parse("phone_number").unwrap();
        for name in ["phoneonly", "phonetwin"] {
            crate::sandbox::test_user(
                &sandbox,
                name,
                None,
                vec![(
                    phone.clone(),
                    if name == "phoneonly" {
                        "+821012345678".into()
                    } else {
                        "+821099990000".into()
                    },
                )],
            )
            .await;
        }
        let found = resolve(&sandbox.directory, &Who::parse("+82 10-1234-5678").unwrap())
            .await
            .unwrap();
        assert_eq!(found.username.as_str(), "phoneonly");
        let missing = resolve(&sandbox.directory, &Who::parse("+10000000000").unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(&missing, DomainError::NotFound(m) if m.contains("phone number +10000000000")),
            "{missing}"
        );
        sandbox
            .directory
            .update_attributes(
                &Username::parse("phonetwin").unwrap(),
                &[(phone, "+821012345678".into())],
            )
            .await
            .unwrap();
        let both = resolve(&sandbox.directory, &Who::parse("+821012345678").unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(&both, DomainError::Conflict(m) if m.contains("phoneonly") && m.contains("phonetwin")),
            "{both}"
        );
    }

    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn an_e_mail_in_another_case_than_stored_finds_its_user_through_the_profile() {
        use crate::model::{Email, NewProfile};
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        let stored = "MiXeD.CaSe@Example.COM";
        let user = crate::sandbox::test_user(&sandbox, "mixed-case", Some(stored), vec![]).await;
        let typed = Who::parse("mixed.case@example.com").unwrap();
        let missed = find(&sandbox.directory, &sandbox.content, &typed)
            .await
            .unwrap_err();
        assert!(
            matches!(&missed, DomainError::NotFound(m) if m.contains("mixed.case@example.com")),
            "without a profile row only the directory is asked: {missed}"
        );
        sandbox
            .content
            .upsert_profile(&NewProfile {
                sub: user.sub.clone().unwrap(),
                email: Some(Email::parse(stored).unwrap()),
                display_name: None,
            })
            .await
            .unwrap();
        for typed in ["mixed.case@example.com", "MIXED.CASE@EXAMPLE.COM"] {
            let found = find(
                &sandbox.directory,
                &sandbox.content,
                &Who::parse(typed).unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(found.username.as_str(), "mixed-case", "{typed}");
        }
    }

    /// A username typed with capitals finds the user signed up in lower case, and one found
    /// in neither form names both.
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn a_username_with_capitals_finds_its_lower_case_user() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        crate::sandbox::test_user(&sandbox, "layla", None, vec![]).await;
        let found = resolve(&sandbox.directory, &Who::parse("Layla").unwrap())
            .await
            .unwrap();
        assert_eq!(found.username.as_str(), "layla");
        let missed = resolve(&sandbox.directory, &Who::parse("Nobody").unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(&missed, DomainError::NotFound(m) if m.ends_with(" or nobody")),
            "{missed}"
        );
    }

    /// A username with `@` is found when no e-mail matches it (`:who` said "not found"), and
    /// one holding a ZWJ emoji by its name as the list writes it.
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn a_username_that_reads_as_an_e_mail_or_holds_a_zwj_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        for name in ["ann.lee+test@example.com", "fam\u{1f469}\u{200d}\u{1f467}"] {
            crate::sandbox::test_user(&sandbox, name, None, vec![]).await;
            let who = match Who::parse(name) {
                Ok(who) => who,
                // Typed raw, a character that draws as nothing is refused (it could pass for
                // another name); the list's form of it is taken back.
                Err(_) => Who::Username(Username::from_directory(name).unwrap()),
            };
            let found = resolve(&sandbox.directory, &who).await.unwrap();
            assert_eq!(found.username.as_str(), name);
        }
        let missed = resolve(
            &sandbox.directory,
            &Who::parse("nobody@example.com").unwrap(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&missed, DomainError::NotFound(m) if m.ends_with("or a user named nobody@example.com,")),
            "{missed}"
        );
    }

    /// `:who`'s log lines are the newest of the window, across groups: FilterLogEvents
    /// answers oldest first, and the first page over a day was its oldest lines (the last
    /// minutes were left out).
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn the_log_lines_are_the_newest_of_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        let sub = UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let api = LogGroupName::parse("/aws/lambda/api").unwrap();
        let worker = LogGroupName::parse("/aws/lambda/api-worker").unwrap();
        let now = chrono::Utc::now();
        // 200 lines over the last 20 hours in one group, a few in the last minutes in the
        // other, and lines about someone else.
        let old: Vec<(chrono::DateTime<chrono::Utc>, String)> = (0..200)
            .map(|i| {
                (
                    now - chrono::Duration::minutes(6 * (200 - i) + 10),
                    format!("{{\"sub\":\"{sub}\",\"n\":{i}}}"),
                )
            })
            .collect();
        sandbox.logs.append(&api, "s1", &old).await.unwrap();
        let recent: Vec<(chrono::DateTime<chrono::Utc>, String)> = (0..5)
            .map(|i| {
                (
                    now - chrono::Duration::minutes(i + 1),
                    format!("recent {i} {sub}"),
                )
            })
            .chain(std::iter::once((
                now - chrono::Duration::seconds(30),
                "someone else 00000000-0000-4000-8000-000000000001".to_string(),
            )))
            .collect();
        sandbox.logs.append(&worker, "s2", &recent).await.unwrap();
        let lines = log_lines(
            &sandbox.logs,
            &[api, worker],
            &sub,
            chrono::Duration::hours(24),
        )
        .await
        .unwrap()
        .lines;
        assert_eq!(lines.len(), WHO_LINES);
        let times: Vec<_> = lines.iter().map(|l| l.timestamp).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
        assert!(lines[0].message.starts_with("recent 0"), "{:?}", lines[0]);
        // The newest 45 of the old group: its lines 155 to 199.
        assert!(
            lines[5..]
                .iter()
                .all(|l| l.message.contains(&format!("\"sub\":\"{sub}\""))),
            "{lines:?}"
        );
        assert!(lines[5].message.ends_with("\"n\":199}"), "{:?}", lines[5]);
        assert!(lines[49].message.ends_with("\"n\":155}"), "{:?}", lines[49]);
    }

    /// A busy user's newest lines are found past the pages of a slice (600 lines in ten
    /// minutes: the slice's oldest 400 were shown), and a group that is not there is left out
    /// rather than emptying the part.
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn a_busy_users_newest_lines_are_found_and_a_missing_group_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        let sub = UserSub::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let api = LogGroupName::parse("/aws/lambda/api").unwrap();
        let typo = LogGroupName::parse("/aws/lambda/apii").unwrap();
        let now = chrono::Utc::now();
        let mut lines: Vec<(chrono::DateTime<chrono::Utc>, String)> = (0..600)
            .map(|i| {
                (
                    now - chrono::Duration::seconds(720 - i),
                    format!("hit n={i} {sub}"),
                )
            })
            .collect();
        lines.extend((0..3).map(|i| {
            (
                now - chrono::Duration::seconds(30 - i),
                format!("NEWEST{i} {sub}"),
            )
        }));
        sandbox.logs.append(&api, "bot", &lines).await.unwrap();
        let read = log_lines(
            &sandbox.logs,
            &[typo.clone(), api],
            &sub,
            chrono::Duration::hours(24),
        )
        .await
        .unwrap();
        assert_eq!(
            (read.groups, read.missing),
            (2, vec![typo]),
            "said, not hidden"
        );
        let shown = read.lines;
        assert_eq!(shown.len(), WHO_LINES);
        assert!(shown[0].message.starts_with("NEWEST2"), "{:?}", shown[0]);
        assert!(shown[3].message.starts_with("hit n=599 "), "{:?}", shown[3]);
        assert!(
            shown[49].message.starts_with("hit n=553 "),
            "{:?}",
            shown[49]
        );
    }

    /// The reports listed are those the counts take in: against their content too (a report
    /// on their post was counted and not listed).
    #[cfg(feature = "sandbox")]
    #[tokio::test]
    async fn reports_against_their_latest_posts_are_listed() {
        use crate::model::{NewPost, NewReport, PostBody, Reason};
        let dir = tempfile::tempdir().unwrap();
        let sandbox = crate::sandbox::Sandbox::open(dir.path()).await.unwrap();
        let user =
            crate::sandbox::test_user(&sandbox, "maryam", Some("maryam@example.com"), vec![]).await;
        let sub = user.sub.clone().unwrap();
        let post = sandbox
            .content
            .create_post(&NewPost {
                author_sub: sub.clone(),
                body: PostBody::parse("hello").unwrap(),
                image_key: None,
            })
            .await
            .unwrap();
        let report = sandbox
            .content
            .file_report(&NewReport {
                target: Target::Post(post.id),
                reporter_sub: UserSub::parse("00000000-0000-4000-8000-000000000099").unwrap(),
                reason: Reason::parse("spam").unwrap(),
                note: None,
            })
            .await
            .unwrap();
        let sources = Sources {
            directory: &sandbox.directory,
            content: &sandbox.content,
            objects: None,
            logs: None,
            log_window: chrono::Duration::hours(1),
        };
        let view = load(&sources, &Who::Username(Username::parse("maryam").unwrap()))
            .await
            .unwrap();
        let listed = view.reports.unwrap();
        assert!(listed.iter().any(|r| r.id == report.id), "{listed:?}");
        assert_eq!(view.counts.unwrap().reports_against, 1);
    }
}
