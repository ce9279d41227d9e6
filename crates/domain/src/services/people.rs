//! Finding a person the way support staff ask for one: by whatever they were told (a name, a
//! phone number, part of an e-mail). Plain text runs Cognito's prefix search on e-mail, name,
//! username, phone number and preferred username together, and looks for the text inside the
//! profile rows' display names (and a whole e-mail in their e-mails, in any case); the answers
//! are merged, each user once, saying where they matched. A page holds one page of every search that still has more, so paging stays a
//! request per source, never a scan.

use crate::error::{DomainError, DomainResult};
use crate::model::{
    Cursor, DirectoryUser, FilterAttribute, FilterOp, Page, PageRequest, UserFilter, UserSub,
};
use crate::ports::{ContentStore, DIRECTORY_MAX_PAGE, UserDirectory, UserQuery};
use serde::{Deserialize, Serialize};

/// Where a user matched plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Matched {
    Email,
    Name,
    Username,
    Phone,
    PreferredUsername,
    /// The profile row's display name holds the text.
    ProfileName,
}

impl Matched {
    pub fn label(self) -> &'static str {
        match self {
            Matched::Email => "e-mail",
            Matched::Name => "name",
            Matched::Username => "username",
            Matched::Phone => "phone",
            Matched::PreferredUsername => "preferred username",
            Matched::ProfileName => "profile name",
        }
    }
}

/// A user found by a search, and where the text matched (empty for Cognito's own filters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub user: DirectoryUser,
    pub matched: Vec<Matched>,
}

impl Found {
    /// A user found by a directory filter, which says nothing about where it matched.
    pub fn plain(user: DirectoryUser) -> Self {
        Self {
            user,
            matched: Vec::new(),
        }
    }
}

/// The directory's prefix searches, in the order results are shown.
const DIRECTORY_SEARCHES: [(Matched, FilterAttribute); 5] = [
    (Matched::Email, FilterAttribute::Email),
    (Matched::Name, FilterAttribute::Name),
    (Matched::Username, FilterAttribute::Username),
    (
        Matched::PreferredUsername,
        FilterAttribute::PreferredUsername,
    ),
    (Matched::Phone, FilterAttribute::PhoneNumber),
];

/// Where each source of a merged search stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Source {
    Start,
    Next(Cursor),
    Done,
}

impl Source {
    fn request(&self, limit: u32) -> Option<PageRequest> {
        match self {
            Source::Start => Some(PageRequest::first(limit)),
            Source::Next(c) => Some(PageRequest::after(c.clone(), limit)),
            Source::Done => None,
        }
    }

    fn after(next: Option<Cursor>) -> Self {
        next.map_or(Source::Done, Source::Next)
    }
}

/// A phone number as Cognito stores it (`+821012345678`): the separators people type dropped.
/// `None` when the text is not a phone number.
fn phone_digits(text: &str) -> Option<String> {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = kept.strip_prefix('+').unwrap_or(&kept);
    (digits.len() >= 3 && digits.chars().all(|c| c.is_ascii_digit())).then_some(kept)
}

/// The directory searches plain `text` calls for. Text with capitals is looked for in
/// e-mails in lower case too: Cognito compares exactly, and addresses are mostly kept in lower
/// case while support is told `Ann@Example.com`.
fn searches(text: &str) -> Vec<(Matched, UserFilter)> {
    let lower = text.to_lowercase();
    let mut out: Vec<(Matched, UserFilter)> = DIRECTORY_SEARCHES
        .iter()
        .filter_map(|(m, attribute)| {
            let value = match m {
                Matched::Phone => phone_digits(text)?,
                _ => text.to_string(),
            };
            UserFilter::new(*attribute, FilterOp::StartsWith, &value)
                .ok()
                .map(|f| (*m, f))
        })
        .collect();
    if lower != text
        && let Ok(f) = UserFilter::new(FilterAttribute::Email, FilterOp::StartsWith, &lower)
    {
        out.push((Matched::Email, f));
    }
    out
}

/// A page of a search, and why the profile rows could not be searched (the database down): the
/// directory's matches are still found.
#[derive(Debug)]
pub struct Searched {
    pub page: Page<Found>,
    pub unsearched: Option<DomainError>,
}

/// One page of a plain-text search: the next page of every source that has one, merged. The
/// profile rows failing leaves their part out, said in [`Searched::unsearched`]; the
/// directory failing fails the search.
pub async fn search(
    directory: &dyn UserDirectory,
    content: Option<&dyn ContentStore>,
    text: &str,
    page: PageRequest,
) -> DomainResult<Searched> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("search", "type something to look for"));
    }
    let searches = searches(text);
    let scope = crate::model::scope_of("people", &text);
    // One state per directory search, then the profile names.
    let mut sources: Vec<Source> = match &page.cursor {
        Some(c) => c.decode(&scope)?,
        None => vec![Source::Start; searches.len() + 1],
    };
    if sources.len() != searches.len() + 1 {
        return Err(DomainError::invalid("cursor", "is not this search's"));
    }
    let limit = page.limit_or(DIRECTORY_MAX_PAGE, DIRECTORY_MAX_PAGE);

    let directory_pages = futures::future::join_all(searches.iter().zip(&sources).map(
        |((_, filter), source)| async move {
            match source.request(limit) {
                Some(request) => {
                    let query = UserQuery {
                        filter: Some(filter.clone()),
                    };
                    directory.list_users(&query, request).await.map(Some)
                }
                None => Ok(None),
            }
        },
    ));
    let profile_page = async {
        match (content, sources.last().and_then(|s| s.request(limit))) {
            (Some(content), Some(request)) => {
                content.search_profiles(text, request).await.map(Some)
            }
            _ => Ok(None),
        }
    };
    let (directory_pages, profile_page) = futures::join!(directory_pages, profile_page);

    let mut found: Vec<Found> = Vec::new();
    fn add(found: &mut Vec<Found>, user: DirectoryUser, how: Matched) {
        match found.iter_mut().find(|f| f.user.username == user.username) {
            Some(f) if !f.matched.contains(&how) => f.matched.push(how),
            Some(_) => {}
            None => found.push(Found {
                user,
                matched: vec![how],
            }),
        }
    }
    for (i, got) in directory_pages.into_iter().enumerate() {
        if let Some(got) = got? {
            sources[i] = Source::after(got.next);
            for user in got.items {
                add(&mut found, user, searches[i].0);
            }
        } else {
            sources[i] = Source::Done;
        }
    }
    let last = sources.len() - 1;
    let mut unsearched = None;
    let profile_page = profile_page.unwrap_or_else(|e| {
        unsearched = Some(e);
        None
    });
    match profile_page {
        Some(profiles) => {
            sources[last] = Source::after(profiles.next);
            // A user the directory already found says the profile name matched too; only
            // the others are looked up.
            let mut subs: Vec<UserSub> = Vec::new();
            for p in &profiles.items {
                match found
                    .iter_mut()
                    .find(|f| f.user.sub.as_ref() == Some(&p.sub))
                {
                    Some(f) if !f.matched.contains(&Matched::ProfileName) => {
                        f.matched.push(Matched::ProfileName)
                    }
                    Some(_) => {}
                    None => subs.push(p.sub.clone()),
                }
            }
            for user in users_by_sub(directory, &subs).await? {
                add(&mut found, user, Matched::ProfileName);
            }
        }
        None => sources[last] = Source::Done,
    }
    // A whole e-mail, on the first page: the profile rows (which compare without case) name
    // an account whose address Cognito keeps in another case than typed or lower case
    // (`MiXeD.CaSe@Example.COM` from `mixed.case@example.com`), as `:who` finds it.
    if let (Some(content), None, true, None) =
        (content, &page.cursor, text.contains('@'), &unsearched)
    {
        let lower = text.to_lowercase();
        let subs: Vec<UserSub> = match content.subs_with_email(text, 5).await {
            Ok(subs) => subs,
            Err(e) => {
                unsearched = Some(e);
                Vec::new()
            }
        };
        let subs: Vec<UserSub> = subs
            .into_iter()
            .filter(|s| !found.iter().any(|f| f.user.sub.as_ref() == Some(s)))
            .collect();
        for user in users_by_sub(directory, &subs).await? {
            if user.email.as_deref().map(str::to_lowercase).as_deref() == Some(lower.as_str()) {
                add(&mut found, user, Matched::Email);
            }
        }
    }
    let next = sources
        .iter()
        .any(|s| *s != Source::Done)
        .then(|| Cursor::encode(&scope, &sources));
    Ok(Searched {
        page: Page::new(found, next),
        unsearched,
    })
}

/// The directory's users with these subs (one exact search each, run together); subs the
/// directory does not know are left out.
pub async fn users_by_sub(
    directory: &dyn UserDirectory,
    subs: &[UserSub],
) -> DomainResult<Vec<DirectoryUser>> {
    let lookups = subs.iter().map(|sub| async move {
        let query = UserQuery {
            filter: Some(UserFilter::new(
                FilterAttribute::Sub,
                FilterOp::Equals,
                sub.as_str(),
            )?),
        };
        directory
            .list_users(&query, PageRequest::first(1))
            .await
            .map(|page| page.items.into_iter().next())
    });
    let users = futures::future::try_join_all(lookups).await?;
    Ok(users.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeName, DisplayName, NewDirectoryUser, NewProfile, Username};
    use crate::sandbox::Sandbox;

    /// A user whose Cognito name and profile name both hold the text says both matched (the
    /// profile's match was dropped for users the directory had already found).
    #[tokio::test]
    async fn a_user_found_by_name_and_profile_name_says_both() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let user = sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("admin").unwrap(),
                email: None,
                attributes: vec![(AttributeName::parse("name").unwrap(), "Real Admin".into())],
                temporary_password: None,
                send_invitation: false,
            })
            .await
            .unwrap();
        sandbox
            .content
            .upsert_profile(&NewProfile {
                sub: user.sub.clone().unwrap(),
                email: None,
                display_name: Some(DisplayName::parse("Real Admin").unwrap()),
            })
            .await
            .unwrap();
        let page = search(
            &sandbox.directory,
            Some(&sandbox.content),
            "Real",
            PageRequest::first(10),
        )
        .await
        .unwrap()
        .page;
        assert_eq!(page.items.len(), 1, "{:?}", page.items);
        let matched = &page.items[0].matched;
        assert!(
            matched.contains(&Matched::Name) && matched.contains(&Matched::ProfileName),
            "{matched:?}"
        );
    }

    /// An e-mail typed with capitals finds the address kept in lower case, once.
    #[tokio::test]
    async fn an_e_mail_typed_with_capitals_finds_it_in_lower_case() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("ann").unwrap(),
                email: Some(crate::model::Email::parse("ann.lee@example.com").unwrap()),
                attributes: vec![],
                temporary_password: None,
                send_invitation: false,
            })
            .await
            .unwrap();
        for typed in ["Ann.Lee@Example.com", "ANN.LEE", "ann.lee@"] {
            let page = search(&sandbox.directory, None, typed, PageRequest::first(10))
                .await
                .unwrap()
                .page;
            assert_eq!(page.items.len(), 1, "{typed}: {:?}", page.items);
            assert_eq!(page.items[0].user.username.as_str(), "ann");
            assert_eq!(page.items[0].matched, vec![Matched::Email], "{typed}");
        }
    }

    /// A whole e-mail in a case neither typed form has is found through the profile rows, as
    /// `:who` finds it.
    #[tokio::test]
    async fn a_whole_e_mail_stored_in_mixed_case_is_found_through_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        let stored = "MiXeD.CaSe@Example.COM";
        let user = sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("mixed").unwrap(),
                email: Some(crate::model::Email::parse(stored).unwrap()),
                attributes: vec![],
                temporary_password: None,
                send_invitation: false,
            })
            .await
            .unwrap();
        let find = |typed: &'static str| {
            let sandbox = &sandbox;
            async move {
                search(
                    &sandbox.directory,
                    Some(&sandbox.content),
                    typed,
                    PageRequest::first(10),
                )
                .await
                .unwrap()
                .page
                .items
            }
        };
        assert!(
            find("mixed.case@example.com").await.is_empty(),
            "no profile row yet"
        );
        sandbox
            .content
            .upsert_profile(&NewProfile {
                sub: user.sub.clone().unwrap(),
                email: Some(crate::model::Email::parse(stored).unwrap()),
                display_name: None,
            })
            .await
            .unwrap();
        let found = find("mixed.case@example.com").await;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].user.username.as_str(), "mixed");
        assert_eq!(found[0].matched, vec![Matched::Email]);
    }

    #[test]
    fn phone_numbers_are_searched_only_for_phone_like_text() {
        assert_eq!(
            phone_digits("+82 10-1234-5678").as_deref(),
            Some("+821012345678")
        );
        assert_eq!(phone_digits("010 1234").as_deref(), Some("0101234"));
        assert_eq!(phone_digits("Ann Lee"), None);
        assert_eq!(phone_digits("12"), None);
        let kinds: Vec<Matched> = searches("Ann Lee").iter().map(|(m, _)| *m).collect();
        assert!(!kinds.contains(&Matched::Phone));
        assert!(kinds.contains(&Matched::Name) && kinds.contains(&Matched::Email));
    }

    /// The database down, a plain-text search still finds what the directory holds, and says
    /// the profile names were not searched (the whole search failed, and support found no one).
    #[tokio::test]
    async fn a_search_without_the_database_finds_the_directory_s_matches() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path()).await.unwrap();
        sandbox
            .directory
            .create_user(&NewDirectoryUser {
                username: Username::parse("annie").unwrap(),
                email: Some(crate::model::Email::parse("annie@example.com").unwrap()),
                attributes: vec![],
                temporary_password: None,
                send_invitation: false,
            })
            .await
            .unwrap();
        let down = crate::adapters::faulty::FaultyContentStore::new(
            std::sync::Arc::new(sandbox.content.clone()),
            std::sync::Arc::new(|call| Some(crate::adapters::faulty::database_unavailable(call))),
        );
        for typed in ["ann", "annie@example.com"] {
            let searched = search(
                &sandbox.directory,
                Some(&down),
                typed,
                PageRequest::first(10),
            )
            .await
            .unwrap();
            let names: Vec<&str> = searched
                .page
                .items
                .iter()
                .map(|f| f.user.username.as_str())
                .collect();
            assert_eq!(names, ["annie"], "{typed}");
            assert!(
                searched
                    .unsearched
                    .as_ref()
                    .is_some_and(|e| e.to_string().contains("unavailable")),
                "{typed}: {:?}",
                searched.unsearched
            );
        }
        let all_up = search(
            &sandbox.directory,
            Some(&sandbox.content),
            "ann",
            PageRequest::first(10),
        )
        .await
        .unwrap();
        assert!(all_up.unsearched.is_none());
    }
}
