//! The user directory's contract. It runs on the sandbox directory here; the Cognito adapter
//! (on moto) joins the same suite when it lands.

use backoffice_domain::DomainError;
use backoffice_domain::model::*;
use backoffice_domain::ports::{UserDirectory, UserQuery};
use std::sync::Arc;

type Dir = Arc<dyn UserDirectory>;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sandbox {
            $(
                #[tokio::test]
                async fn $name() {
                    let h = crate::support::empty_sandbox().await;
                    super::$name(std::sync::Arc::new(h.sandbox.directory.clone())).await;
                }
            )*
        }
    };
}

contract!(
    created_user_is_listed_and_found_with_attributes,
    listing_pages_through_every_user_once,
    equals_and_starts_with_filters_follow_cognito,
    quote_in_search_text_matches_literally_and_never_widens,
    disable_and_enable_flip_the_flag,
    password_actions_move_the_status,
    confirm_sign_up_only_from_unconfirmed,
    new_email_is_unverified_until_marked,
    groups_add_list_remove,
    delete_removes_the_user,
    unknown_user_is_not_found_for_every_action,
);

fn name(s: &str) -> Username {
    Username::parse(s).unwrap()
}

async fn create(dir: &Dir, username: &str, email: &str) -> DirectoryUser {
    dir.create_user(&NewDirectoryUser {
        username: name(username),
        email: Some(Email::parse(email).unwrap()),
        attributes: vec![(
            AttributeName::parse("name").unwrap(),
            format!("Name of {username}"),
        )],
        temporary_password: Some("Temp-Passw0rd!".into()),
    })
    .await
    .unwrap()
}

async fn search(dir: &Dir, filter: &str) -> Vec<String> {
    let query = UserQuery {
        filter: Some(UserFilter::parse(filter).unwrap()),
    };
    let page = dir
        .list_users(&query, PageRequest::first(60))
        .await
        .unwrap();
    page.items
        .into_iter()
        .map(|u| u.username.to_string())
        .collect()
}

async fn created_user_is_listed_and_found_with_attributes(dir: Dir) {
    let created = create(&dir, "ann", "ann@example.com").await;
    assert_eq!(created.status, UserStatus::ForceChangePassword);
    assert!(created.enabled);
    assert!(created.sub.is_some());
    let found = dir.get_user(&name("ann")).await.unwrap();
    assert_eq!(found.email.as_deref(), Some("ann@example.com"));
    assert_eq!(found.attribute("name"), Some("Name of ann"));
    assert_eq!(
        found.attribute("sub"),
        found.sub.as_ref().map(|s| s.as_str())
    );
    let err = dir
        .create_user(&NewDirectoryUser {
            username: name("ann"),
            email: None,
            attributes: vec![],
            temporary_password: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
}

async fn listing_pages_through_every_user_once(dir: Dir) {
    for i in 0..7 {
        create(&dir, &format!("user{i}"), &format!("u{i}@example.com")).await;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(3);
    loop {
        let got = dir.list_users(&UserQuery::default(), page).await.unwrap();
        assert!(got.items.len() <= 3);
        seen.extend(got.items.into_iter().map(|u| u.username.to_string()));
        match got.next {
            Some(c) => page = PageRequest::after(c, 3),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 7);
    assert_eq!(seen.len(), 7);
    let capped = dir
        .list_users(&UserQuery::default(), PageRequest::first(500))
        .await
        .unwrap();
    assert!(capped.items.len() <= 60);
}

async fn equals_and_starts_with_filters_follow_cognito(dir: Dir) {
    create(&dir, "bob", "bob@example.com").await;
    create(&dir, "bobby", "bobby@example.org").await;
    create(&dir, "carol", "carol@example.com").await;
    assert_eq!(
        search(&dir, r#"email = "bob@example.com""#).await,
        vec!["bob"]
    );
    assert_eq!(
        search(&dir, r#"email ^= "bob""#).await,
        vec!["bob", "bobby"]
    );
    assert_eq!(search(&dir, r#"username ^= "car""#).await, vec!["carol"]);
    assert!(
        search(&dir, r#"email = "BOB@example.com""#)
            .await
            .is_empty(),
        "exact match is case-sensitive"
    );
    dir.disable_user(&name("bobby")).await.unwrap();
    assert_eq!(search(&dir, r#"status = "Disabled""#).await, vec!["bobby"]);
    assert_eq!(
        search(&dir, r#"cognito:user_status = "FORCE_CHANGE_PASSWORD""#)
            .await
            .len(),
        3
    );
    let carol = dir.get_user(&name("carol")).await.unwrap();
    let by_sub = search(&dir, &format!(r#"sub = "{}""#, carol.sub.unwrap())).await;
    assert_eq!(by_sub, vec!["carol"]);
}

async fn quote_in_search_text_matches_literally_and_never_widens(dir: Dir) {
    create(&dir, "dave", "dave@example.com").await;
    dir.update_attributes(
        &name("dave"),
        &[(
            AttributeName::parse("name").unwrap(),
            r#"Dave "The Wave" \o/"#.into(),
        )],
    )
    .await
    .unwrap();
    create(&dir, "erin", "erin@example.com").await;
    let tricky = UserFilter::new(
        FilterAttribute::Name,
        FilterOp::Equals,
        r#"Dave "The Wave" \o/"#,
    )
    .unwrap();
    let page = dir
        .list_users(
            &UserQuery {
                filter: Some(tricky),
            },
            PageRequest::first(60),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let widen = UserFilter::new(
        FilterAttribute::Email,
        FilterOp::StartsWith,
        r#"" or email ^= ""#,
    )
    .unwrap();
    let page = dir
        .list_users(
            &UserQuery {
                filter: Some(widen),
            },
            PageRequest::first(60),
        )
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let percent = UserFilter::new(FilterAttribute::Email, FilterOp::StartsWith, "%").unwrap();
    assert!(
        dir.list_users(
            &UserQuery {
                filter: Some(percent)
            },
            PageRequest::first(60)
        )
        .await
        .unwrap()
        .items
        .is_empty()
    );
}

async fn disable_and_enable_flip_the_flag(dir: Dir) {
    create(&dir, "frank", "frank@example.com").await;
    dir.disable_user(&name("frank")).await.unwrap();
    assert!(!dir.get_user(&name("frank")).await.unwrap().enabled);
    dir.enable_user(&name("frank")).await.unwrap();
    assert!(dir.get_user(&name("frank")).await.unwrap().enabled);
}

async fn password_actions_move_the_status(dir: Dir) {
    create(&dir, "gina", "gina@example.com").await;
    let err = dir
        .set_password(&name("gina"), "short", true)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "password"),
        "{err}"
    );
    dir.set_password(&name("gina"), "Str0ng-Password!", true)
        .await
        .unwrap();
    assert_eq!(
        dir.get_user(&name("gina")).await.unwrap().status,
        UserStatus::Confirmed
    );
    dir.set_password(&name("gina"), "Temp0rary-Pass!", false)
        .await
        .unwrap();
    assert_eq!(
        dir.get_user(&name("gina")).await.unwrap().status,
        UserStatus::ForceChangePassword
    );
    dir.set_password(&name("gina"), "Str0ng-Password!", true)
        .await
        .unwrap();
    dir.reset_password(&name("gina")).await.unwrap();
    assert_eq!(
        dir.get_user(&name("gina")).await.unwrap().status,
        UserStatus::ResetRequired
    );
    dir.global_sign_out(&name("gina")).await.unwrap();
}

async fn confirm_sign_up_only_from_unconfirmed(dir: Dir) {
    create(&dir, "hank", "hank@example.com").await;
    let err = dir.confirm_sign_up(&name("hank")).await.unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
}

async fn new_email_is_unverified_until_marked(dir: Dir) {
    create(&dir, "iris", "iris@example.com").await;
    let email = AttributeName::parse("email").unwrap();
    let verified = AttributeName::parse("email_verified").unwrap();
    dir.update_attributes(&name("iris"), &[(email, "iris@new.example.com".into())])
        .await
        .unwrap();
    let user = dir.get_user(&name("iris")).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("iris@new.example.com"));
    assert_eq!(user.attribute("email_verified"), Some("false"));
    dir.update_attributes(&name("iris"), &[(verified, "true".into())])
        .await
        .unwrap();
    assert_eq!(
        dir.get_user(&name("iris"))
            .await
            .unwrap()
            .attribute("email_verified"),
        Some("true")
    );
}

async fn groups_add_list_remove(dir: Dir) {
    create(&dir, "jack", "jack@example.com").await;
    let admins = GroupName::admins();
    dir.create_group(&admins, Some("moderators")).await.unwrap();
    dir.add_to_group(&name("jack"), &admins).await.unwrap();
    dir.add_to_group(&name("jack"), &admins).await.unwrap();
    let groups = dir.groups_of(&name("jack")).await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        vec!["admins"]
    );
    assert_eq!(
        dir.list_groups(PageRequest::first(10))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let err = dir
        .add_to_group(&name("jack"), &GroupName::parse("nope").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{err}");
    dir.remove_from_group(&name("jack"), &admins).await.unwrap();
    assert!(dir.groups_of(&name("jack")).await.unwrap().is_empty());
}

async fn delete_removes_the_user(dir: Dir) {
    create(&dir, "kate", "kate@example.com").await;
    dir.delete_user(&name("kate")).await.unwrap();
    assert!(matches!(
        dir.get_user(&name("kate")).await.unwrap_err(),
        DomainError::NotFound(_)
    ));
    assert!(
        search(&dir, r#"email = "kate@example.com""#)
            .await
            .is_empty()
    );
}

async fn unknown_user_is_not_found_for_every_action(dir: Dir) {
    let ghost = name("ghost");
    let results = vec![
        dir.get_user(&ghost).await.map(|_| ()),
        dir.disable_user(&ghost).await,
        dir.enable_user(&ghost).await,
        dir.reset_password(&ghost).await,
        dir.set_password(&ghost, "Str0ng-Password!", true).await,
        dir.global_sign_out(&ghost).await,
        dir.confirm_sign_up(&ghost).await,
        dir.delete_user(&ghost).await,
        dir.groups_of(&ghost).await.map(|_| ()),
    ];
    for r in results {
        assert!(matches!(r, Err(DomainError::NotFound(_))), "{r:?}");
    }
}
