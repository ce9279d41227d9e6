//! The user directory's contract: each behaviour is written once and runs on the sandbox
//! directory always, and on the Cognito adapter against moto in the full test run (a fresh user
//! pool per test). Where moto answers differently from Cognito, the moto test is named after
//! the gap and checks the rest; where only one backend can run a behaviour, its list says so.

use crate::support::{moto_context, moto_endpoint, sub, unique_name};
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, PasswordPolicyType, SmsMfaSettingsType, UserPoolPolicyType,
};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::CognitoUserDirectory;
use backoffice_domain::adapters::sandbox::SandboxUserDirectory;
use backoffice_domain::model::*;
use backoffice_domain::ports::{UserDirectory, UserQuery};
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

type Dir = Arc<dyn UserDirectory>;

/// The directory under test, and a side door for what the port cannot do (a user who signed
/// up and is not confirmed yet). It dereferences to the directory.
struct Target {
    dir: Dir,
    side: Arc<dyn SideDoor>,
}

impl Deref for Target {
    type Target = Dir;
    fn deref(&self) -> &Dir {
        &self.dir
    }
}

#[async_trait]
trait SideDoor: Send + Sync {
    /// Adds a user in UNCONFIRMED, as self-service sign-up leaves them.
    async fn sign_up(&self, username: &str, email: &str);
    /// Turns SMS MFA on for a user.
    async fn enable_sms_mfa(&self, username: &str);
}

/// Runs each behaviour in `both` on the sandbox and (ignored unless services run) on moto, and
/// the others on the one backend their list names.
macro_rules! contract {
    (
        both: [$($both:ident),* $(,)?],
        sandbox_only: [$($sandbox:ident),* $(,)?],
        moto_only: [$($moto:ident),* $(,)?] $(,)?
    ) => {
        mod sandbox {
            $( contract!(@sandbox $both); )*
            $( contract!(@sandbox $sandbox); )*
        }
        mod moto {
            $( contract!(@moto $both); )*
            $( contract!(@moto $moto); )*
        }
    };
    (@sandbox $name:ident) => {
        #[tokio::test]
        async fn $name() {
            let h = crate::support::empty_sandbox().await;
            super::$name(super::sandbox_target(&h.sandbox.directory)).await;
        }
    };
    (@moto $name:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "needs services: tests/run.sh"]
        async fn $name() {
            let pool = super::MotoPool::create().await;
            super::$name(pool.target()).await;
            pool.delete().await;
        }
    };
}

contract!(
    both: [
        created_user_is_listed_and_found_with_attributes,
        listing_pages_through_every_user_once,
        page_size_is_capped_at_sixty,
        equals_and_starts_with_filters_follow_cognito,
        quote_in_search_text_matches_literally_and_never_widens,
        cursor_from_another_listing_is_refused,
        disable_and_enable_flip_the_flag,
        a_name_with_a_letter_that_draws_as_nothing_is_listed_found_and_disabled,
        password_actions_move_the_status,
        the_password_policy_refuses_what_setting_a_password_refuses,
        reset_password_needs_a_confirmed_enabled_user_with_a_verified_contact,
        confirm_sign_up_confirms_an_unconfirmed_user,
        an_invitation_is_sent_again_only_before_the_first_sign_in,
        groups_add_list_remove,
        group_listing_pages_through_every_group_once,
        groups_of_a_member_of_many_groups_follows_every_page,
        delete_removes_the_user,
        an_attribute_is_taken_off_and_the_others_stay,
        unknown_user_is_not_found_for_every_action,
        an_invited_user_waits_for_the_first_sign_in,
    ],
    // moto confirms a user in any status and leaves `email_verified` alone when the e-mail
    // changes; Cognito does neither. The moto versions below are named after those gaps.
    sandbox_only: [
        confirm_sign_up_only_from_unconfirmed,
        new_email_is_unverified_until_marked,
        // moto implements neither ResendConfirmationCode nor AdminListUserAuthEvents: the
        // Cognito adapter's side of both is tested on recorded answers (`recorded` below).
        a_confirmation_code_goes_only_to_an_unconfirmed_sign_up_and_the_history_keeps_it,
    ],
    moto_only: [
        confirm_sign_up_from_any_status_is_accepted_by_moto,
        new_email_keeps_its_verified_flag_on_moto,
        mfa_methods_set_for_a_user_are_reported,
    ],
);

// ---- backends -------------------------------------------------------------------------

static NEXT_SUB: AtomicU64 = AtomicU64::new(1);

struct SandboxSide(SandboxUserDirectory);

#[async_trait]
impl SideDoor for SandboxSide {
    async fn sign_up(&self, username: &str, email: &str) {
        self.0
            .import_user(
                &name(username),
                &sub(NEXT_SUB.fetch_add(1, Ordering::Relaxed)),
                &UserStatus::Unconfirmed,
                true,
                now_millis(),
                &[("email".to_string(), email.to_string())],
            )
            .await
            .unwrap();
    }

    async fn enable_sms_mfa(&self, _username: &str) {
        panic!("the sandbox directory keeps no MFA settings; this behaviour runs on moto only")
    }
}

fn sandbox_target(directory: &SandboxUserDirectory) -> Target {
    Target {
        dir: Arc::new(directory.clone()),
        side: Arc::new(SandboxSide(directory.clone())),
    }
}

/// A user pool of its own on moto, with Cognito's default password policy spelled out (moto's
/// own default asks for 5 characters, Cognito's for 8).
struct MotoPool {
    client: Client,
    directory: CognitoUserDirectory,
    pool_id: String,
}

impl MotoPool {
    async fn create() -> Self {
        let ctx = moto_context().await;
        let client = Client::new(ctx.sdk_config());
        let policy = PasswordPolicyType::builder()
            .minimum_length(8)
            .require_uppercase(true)
            .require_lowercase(true)
            .require_numbers(true)
            .require_symbols(true)
            .build();
        let created = client
            .create_user_pool()
            .pool_name(unique_name("directory"))
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(policy)
                    .build(),
            )
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!("moto at {} refused CreateUserPool: {e:?}", moto_endpoint())
            });
        let pool_id = created
            .user_pool()
            .and_then(|p| p.id())
            .expect("CreateUserPool answered without an id")
            .to_string();
        Self {
            directory: CognitoUserDirectory::new(&ctx, &pool_id),
            client,
            pool_id,
        }
    }

    fn target(&self) -> Target {
        Target {
            dir: Arc::new(self.directory.clone()),
            side: Arc::new(MotoSide {
                client: self.client.clone(),
                pool_id: self.pool_id.clone(),
            }),
        }
    }

    async fn delete(self) {
        self.client
            .delete_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .unwrap();
    }
}

struct MotoSide {
    client: Client,
    pool_id: String,
}

#[async_trait]
impl SideDoor for MotoSide {
    async fn sign_up(&self, username: &str, email: &str) {
        let app = self
            .client
            .create_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_name(unique_name("app"))
            .send()
            .await
            .unwrap();
        let client_id = app
            .user_pool_client()
            .and_then(|c| c.client_id())
            .expect("CreateUserPoolClient answered without an id");
        self.client
            .sign_up()
            .client_id(client_id)
            .username(username)
            .password("Sign-up-Passw0rd!")
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }

    async fn enable_sms_mfa(&self, username: &str) {
        self.client
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .sms_mfa_settings(
                SmsMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
}

// ---- behaviours -----------------------------------------------------------------------

fn name(s: &str) -> Username {
    Username::parse(s).unwrap()
}

fn attr(s: &str) -> AttributeName {
    AttributeName::parse(s).unwrap()
}

async fn create(dir: &Dir, username: &str, email: &str) -> DirectoryUser {
    dir.create_user(&NewDirectoryUser {
        username: name(username),
        email: Some(Email::parse(email).unwrap()),
        attributes: vec![(attr("name"), format!("Name of {username}"))],
        temporary_password: Some("Temp-Passw0rd!".into()),
        send_invitation: false,
    })
    .await
    .unwrap()
}

async fn list(dir: &Dir, filter: UserFilter) -> Vec<String> {
    let query = UserQuery {
        filter: Some(filter),
    };
    let page = dir
        .list_users(&query, PageRequest::first(60))
        .await
        .unwrap();
    assert!(page.next.is_none(), "a small pool fits one page");
    let mut names: Vec<String> = page
        .items
        .into_iter()
        .map(|u| u.username.to_string())
        .collect();
    // Cognito promises no order; the sandbox sorts by username.
    names.sort();
    names
}

async fn search(dir: &Dir, filter: &str) -> Vec<String> {
    list(dir, UserFilter::parse(filter).unwrap()).await
}

async fn status_of(dir: &Dir, username: &str) -> UserStatus {
    dir.get_user(&name(username)).await.unwrap().status
}

async fn created_user_is_listed_and_found_with_attributes(dir: Target) {
    let created = create(&dir, "ann", "ann@example.com").await;
    assert_eq!(created.username.as_str(), "ann");
    assert_eq!(created.status, UserStatus::ForceChangePassword);
    assert!(created.enabled);
    assert!(created.sub.is_some());
    assert!(created.created_at.is_some());
    let found = dir.get_user(&name("ann")).await.unwrap();
    assert_eq!(found.email.as_deref(), Some("ann@example.com"));
    assert_eq!(found.attribute("name"), Some("Name of ann"));
    assert_eq!(found.sub, created.sub);
    assert_eq!(
        found.attribute("sub"),
        found.sub.as_ref().map(|s| s.as_str())
    );
    assert!(found.mfa.is_empty());
    let listed = dir
        .list_users(&UserQuery::default(), PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(listed.items, vec![found]);
    assert_eq!(search(&dir, r#"username = "ann""#).await, vec!["ann"]);
    let err = dir
        .create_user(&NewDirectoryUser {
            username: name("ann"),
            email: None,
            attributes: vec![],
            temporary_password: None,
            send_invitation: false,
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict(ref m) if m.starts_with("a user named ann already exists")),
        "{err}"
    );
}

async fn listing_pages_through_every_user_once(dir: Target) {
    for i in 0..7 {
        create(&dir, &format!("user{i}"), &format!("u{i}@example.com")).await;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(3);
    let mut pages = 0;
    loop {
        let got = dir.list_users(&UserQuery::default(), page).await.unwrap();
        pages += 1;
        assert!(got.items.len() <= 3);
        seen.extend(got.items.into_iter().map(|u| u.username.to_string()));
        match got.next {
            Some(c) => page = PageRequest::after(c, 3),
            None => break,
        }
    }
    assert!(pages >= 3, "7 users in pages of 3 took {pages} pages");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 7);
    assert_eq!(seen.len(), 7);
}

async fn page_size_is_capped_at_sixty(dir: Target) {
    for i in 0..61 {
        create(&dir, &format!("p{i:02}"), &format!("p{i}@example.com")).await;
    }
    let first = dir
        .list_users(&UserQuery::default(), PageRequest::first(500))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 60);
    let rest = dir
        .list_users(
            &UserQuery::default(),
            PageRequest::after(first.next.expect("a 61st user remains"), 500),
        )
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(rest.next.is_none());
}

async fn equals_and_starts_with_filters_follow_cognito(dir: Target) {
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
    assert_eq!(
        search(&dir, r#"name = "Name of bobby""#).await,
        vec!["bobby"]
    );
    assert!(
        search(&dir, r#"email = "BOB@example.com""#)
            .await
            .is_empty(),
        "exact match is case-sensitive"
    );
    dir.disable_user(&name("bobby")).await.unwrap();
    assert_eq!(search(&dir, r#"status = "Disabled""#).await, vec!["bobby"]);
    assert_eq!(
        search(&dir, r#"status = "Enabled""#).await,
        vec!["bob", "carol"]
    );
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

async fn quote_in_search_text_matches_literally_and_never_widens(dir: Target) {
    let literal = r#"Dave "The Wave" \o/"#;
    // The same text as a filter would spell it escaped: a server that does not unescape
    // would match this user instead.
    let escaped = r#"Dave \"The Wave\" \\o/"#;
    create(&dir, "dave", "dave@example.com").await;
    dir.update_attributes(&name("dave"), &[(attr("name"), literal.into())])
        .await
        .unwrap();
    create(&dir, "dora", "dora@example.com").await;
    dir.update_attributes(&name("dora"), &[(attr("name"), escaped.into())])
        .await
        .unwrap();
    create(&dir, "erin", "erin@example.com").await;
    let exact = UserFilter::new(FilterAttribute::Name, FilterOp::Equals, literal).unwrap();
    assert_eq!(list(&dir, exact).await, vec!["dave"]);
    let prefix =
        UserFilter::new(FilterAttribute::Name, FilterOp::StartsWith, r#"Dave "The"#).unwrap();
    assert_eq!(list(&dir, prefix).await, vec!["dave"]);
    let backslash =
        UserFilter::new(FilterAttribute::Name, FilterOp::StartsWith, r#"Dave \"#).unwrap();
    assert_eq!(list(&dir, backslash).await, vec!["dora"]);
    let widen = UserFilter::new(
        FilterAttribute::Email,
        FilterOp::StartsWith,
        r#"" or email ^= ""#,
    )
    .unwrap();
    assert!(list(&dir, widen).await.is_empty());
    let percent = UserFilter::new(FilterAttribute::Email, FilterOp::StartsWith, "%").unwrap();
    assert!(list(&dir, percent).await.is_empty());
}

async fn cursor_from_another_listing_is_refused(dir: Target) {
    for i in 0..3 {
        create(&dir, &format!("c{i}"), &format!("c{i}@example.com")).await;
    }
    let filtered = UserQuery {
        filter: Some(UserFilter::parse(r#"email ^= "c""#).unwrap()),
    };
    let page = dir
        .list_users(&filtered, PageRequest::first(1))
        .await
        .unwrap();
    let cursor = page.next.expect("three users in pages of one");
    let err = dir
        .list_users(&UserQuery::default(), PageRequest::after(cursor.clone(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "cursor"),
        "{err}"
    );
    let err = dir
        .list_groups(PageRequest::after(cursor.clone(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Invalid(ref i) if i.field == "cursor"),
        "{err}"
    );
    let second = dir
        .list_users(&filtered, PageRequest::after(cursor, 1))
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_ne!(second.items[0].username, page.items[0].username);
}

async fn disable_and_enable_flip_the_flag(dir: Target) {
    create(&dir, "frank", "frank@example.com").await;
    dir.disable_user(&name("frank")).await.unwrap();
    assert!(!dir.get_user(&name("frank")).await.unwrap().enabled);
    dir.enable_user(&name("frank")).await.unwrap();
    assert!(dir.get_user(&name("frank")).await.unwrap().enabled);
}

/// Cognito's username pattern takes letters that draw as nothing (U+3164 HANGUL FILLER is a
/// letter); such a user is listed, found and acted on like any other, not a failed page.
async fn a_name_with_a_letter_that_draws_as_nothing_is_listed_found_and_disabled(dir: Target) {
    let hidden = Username::from_directory("admin\u{3164}").unwrap();
    assert!(!hidden.is_plain());
    dir.create_user(&NewDirectoryUser {
        username: hidden.clone(),
        email: Some(Email::parse("filler@example.com").unwrap()),
        attributes: vec![],
        temporary_password: Some("Temp-Passw0rd!".into()),
        send_invitation: false,
    })
    .await
    .unwrap();
    create(&dir, "admin", "admin@example.com").await;
    let page = dir
        .list_users(&UserQuery::default(), PageRequest::first(60))
        .await
        .unwrap();
    let mut names: Vec<&str> = page.items.iter().map(|u| u.username.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["admin", "admin\u{3164}"]);
    let found = dir.get_user(&hidden).await.unwrap();
    assert_eq!(found.username, hidden);
    assert_eq!(found.email.as_deref(), Some("filler@example.com"));
    dir.disable_user(&hidden).await.unwrap();
    assert!(!dir.get_user(&hidden).await.unwrap().enabled);
    assert!(
        dir.get_user(&name("admin")).await.unwrap().enabled,
        "the look-alike is untouched"
    );
}

async fn password_actions_move_the_status(dir: Target) {
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
    assert_eq!(status_of(&dir, "gina").await, UserStatus::Confirmed);
    dir.set_password(&name("gina"), "Temp0rary-Pass!", false)
        .await
        .unwrap();
    assert_eq!(
        status_of(&dir, "gina").await,
        UserStatus::ForceChangePassword
    );
    dir.set_password(&name("gina"), "Str0ng-Password!", true)
        .await
        .unwrap();
    // A reset sends a code, so it needs an address the code can go to.
    dir.update_attributes(&name("gina"), &[(attr("email_verified"), "true".into())])
        .await
        .unwrap();
    dir.reset_password(&name("gina")).await.unwrap();
    assert_eq!(status_of(&dir, "gina").await, UserStatus::ResetRequired);
    dir.global_sign_out(&name("gina")).await.unwrap();
}

/// The policy the directory reports refuses exactly the passwords setting one refuses: a
/// command that checks it first asks no `yes` for a password that would then fail.
async fn the_password_policy_refuses_what_setting_a_password_refuses(dir: Target) {
    create(&dir, "paula", "paula@example.com").await;
    let policy = dir.password_policy().await.unwrap();
    for password in [
        "Sh0rt!",
        "n0-upper-case!",
        "N0-LOWER-CASE!",
        "No-Digits-Here!",
        "N0Symbols1nHere",
        "Str0ng-Password!",
        "Ünïcödé-Passw0rd",
    ] {
        let checked = policy.check(password);
        let set = dir.set_password(&name("paula"), password, true).await;
        assert_eq!(
            checked.is_ok(),
            set.is_ok(),
            "{password}: the policy says {checked:?}, setting it {set:?}"
        );
    }
}

/// A pool's own policy is read as written (not Cognito's default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn a_pools_own_password_policy_is_read_as_written() {
    let ctx = moto_context().await;
    let client = Client::new(ctx.sdk_config());
    let created = client
        .create_user_pool()
        .pool_name(unique_name("policy"))
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_uppercase(false)
                        .require_lowercase(true)
                        .require_numbers(true)
                        .require_symbols(false)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let pool_id = created
        .user_pool()
        .and_then(|p| p.id())
        .unwrap()
        .to_string();
    let policy = CognitoUserDirectory::new(&ctx, &pool_id)
        .password_policy()
        .await
        .unwrap();
    assert_eq!(
        policy,
        PasswordPolicy {
            min_length: 12,
            uppercase: false,
            lowercase: true,
            digit: true,
            symbol: false,
        }
    );
    // A password set through the account action is refused in the policy's words (Cognito's
    // says only that the policy was not met), before any change or audit row.
    let directory: Dir = Arc::new(CognitoUserDirectory::new(&ctx, &pool_id));
    create(&directory, "pia", "pia@example.com").await;
    let content = crate::support::sqlite_store().await;
    let refused = backoffice_domain::services::accounts::perform(
        directory.as_ref(),
        &content.store,
        &name("pia"),
        &backoffice_domain::services::accounts::AccountAction::SetPassword {
            password: backoffice_domain::services::accounts::Secret::new("short1pw"),
            permanent: true,
        },
        &Actor::parse("sandbox:ops").unwrap(),
        &Reason::parse("support request").unwrap(),
    )
    .await
    .unwrap_err();
    assert!(!refused.made);
    assert!(
        refused
            .error
            .to_string()
            .contains("the pool's policy needs at least 12 characters (8 typed)"),
        "{}",
        refused.error
    );
    client
        .delete_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .unwrap();
}

async fn reset_password_needs_a_confirmed_enabled_user_with_a_verified_contact(dir: Target) {
    // A user who never chose a password has none to reset.
    create(&dir, "rita", "rita@example.com").await;
    let err = dir.reset_password(&name("rita")).await.unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict(ref m) if m.contains("rita")),
        "{err}"
    );
    assert_eq!(
        status_of(&dir, "rita").await,
        UserStatus::ForceChangePassword
    );
    // Confirmed, but with no verified address the code cannot be sent.
    dir.set_password(&name("rita"), "Str0ng-Password!", true)
        .await
        .unwrap();
    let err = dir.reset_password(&name("rita")).await.unwrap_err();
    assert!(matches!(err, DomainError::Invalid(_)), "{err}");
    assert_eq!(status_of(&dir, "rita").await, UserStatus::Confirmed);
    // A disabled user cannot be reset either.
    dir.update_attributes(&name("rita"), &[(attr("email_verified"), "true".into())])
        .await
        .unwrap();
    dir.disable_user(&name("rita")).await.unwrap();
    let err = dir.reset_password(&name("rita")).await.unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    dir.enable_user(&name("rita")).await.unwrap();
    dir.reset_password(&name("rita")).await.unwrap();
    assert_eq!(status_of(&dir, "rita").await, UserStatus::ResetRequired);
    // Asking twice is not an error.
    dir.reset_password(&name("rita")).await.unwrap();
    assert_eq!(status_of(&dir, "rita").await, UserStatus::ResetRequired);
}

async fn confirm_sign_up_confirms_an_unconfirmed_user(dir: Target) {
    dir.side.sign_up("uma", "uma@example.com").await;
    assert_eq!(status_of(&dir, "uma").await, UserStatus::Unconfirmed);
    assert_eq!(
        search(&dir, r#"cognito:user_status = "UNCONFIRMED""#).await,
        vec!["uma"]
    );
    dir.confirm_sign_up(&name("uma")).await.unwrap();
    assert_eq!(status_of(&dir, "uma").await, UserStatus::Confirmed);
}

/// An invited user (FORCE_CHANGE_PASSWORD) can be invited again and stays invited; one who has
/// set a password cannot (the adapter reads the status first on both backends, so moto's
/// RESEND, which checks nothing, is never asked for such a user).
async fn an_invitation_is_sent_again_only_before_the_first_sign_in(dir: Target) {
    create(&dir, "ivy", "ivy@example.com").await;
    assert_eq!(
        status_of(&dir, "ivy").await,
        UserStatus::ForceChangePassword
    );
    dir.resend_invitation(&name("ivy")).await.unwrap();
    assert_eq!(
        status_of(&dir, "ivy").await,
        UserStatus::ForceChangePassword
    );
    dir.set_password(&name("ivy"), "Str0ng-Password!", true)
        .await
        .unwrap();
    let err = dir.resend_invitation(&name("ivy")).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.contains("CONFIRMED") && m.contains("reset-password")),
        "{err}"
    );
}

async fn confirm_sign_up_only_from_unconfirmed(dir: Target) {
    create(&dir, "hank", "hank@example.com").await;
    let err = dir.confirm_sign_up(&name("hank")).await.unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    assert_eq!(
        status_of(&dir, "hank").await,
        UserStatus::ForceChangePassword
    );
}

/// Cognito answers AdminConfirmSignUp for a user who is not UNCONFIRMED with
/// NotAuthorizedException ("User cannot be confirmed. Current status is ..."), which the
/// adapter turns into Conflict (unit test `confirming_a_user_in_the_wrong_state_is_a_conflict_
/// not_forbidden`). moto confirms anyone; this pins that, so the test fails once moto learns.
async fn confirm_sign_up_from_any_status_is_accepted_by_moto(dir: Target) {
    create(&dir, "hank", "hank@example.com").await;
    dir.confirm_sign_up(&name("hank")).await.unwrap();
    assert_eq!(status_of(&dir, "hank").await, UserStatus::Confirmed);
}

async fn new_email_is_unverified_until_marked(dir: Target) {
    create(&dir, "iris", "iris@example.com").await;
    dir.update_attributes(&name("iris"), &[(attr("email_verified"), "true".into())])
        .await
        .unwrap();
    dir.update_attributes(
        &name("iris"),
        &[(attr("email"), "iris@new.example.com".into())],
    )
    .await
    .unwrap();
    let user = dir.get_user(&name("iris")).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("iris@new.example.com"));
    assert_eq!(user.attribute("email_verified"), Some("false"));
    dir.update_attributes(&name("iris"), &[(attr("email_verified"), "true".into())])
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

/// Cognito marks a changed e-mail unverified unless the same call verifies it; moto keeps
/// whatever `email_verified` said before. The rest (the new address, marking it either way)
/// is checked as on Cognito, and the gap is pinned so the test fails once moto learns.
async fn new_email_keeps_its_verified_flag_on_moto(dir: Target) {
    create(&dir, "iris", "iris@example.com").await;
    dir.update_attributes(&name("iris"), &[(attr("email_verified"), "true".into())])
        .await
        .unwrap();
    dir.update_attributes(
        &name("iris"),
        &[(attr("email"), "iris@new.example.com".into())],
    )
    .await
    .unwrap();
    let user = dir.get_user(&name("iris")).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("iris@new.example.com"));
    assert_eq!(user.attribute("email_verified"), Some("true"), "moto's gap");
    dir.update_attributes(&name("iris"), &[(attr("email_verified"), "false".into())])
        .await
        .unwrap();
    assert_eq!(
        dir.get_user(&name("iris"))
            .await
            .unwrap()
            .attribute("email_verified"),
        Some("false")
    );
    dir.update_attributes(
        &name("iris"),
        &[
            (attr("email"), "iris@third.example.com".into()),
            (attr("email_verified"), "true".into()),
        ],
    )
    .await
    .unwrap();
    let user = dir.get_user(&name("iris")).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("iris@third.example.com"));
    assert_eq!(user.attribute("email_verified"), Some("true"));
}

async fn mfa_methods_set_for_a_user_are_reported(dir: Target) {
    create(&dir, "mona", "mona@example.com").await;
    dir.update_attributes(
        &name("mona"),
        &[(attr("phone_number"), "+15555550100".into())],
    )
    .await
    .unwrap();
    assert!(dir.get_user(&name("mona")).await.unwrap().mfa.is_empty());
    dir.side.enable_sms_mfa("mona").await;
    assert_eq!(
        dir.get_user(&name("mona")).await.unwrap().mfa,
        vec!["SMS_MFA".to_string()]
    );
}

async fn groups_add_list_remove(dir: Target) {
    create(&dir, "jack", "jack@example.com").await;
    let admins = GroupName::admins();
    let group = dir.create_group(&admins, Some("moderators")).await.unwrap();
    assert_eq!(group.name, admins);
    assert_eq!(group.description.as_deref(), Some("moderators"));
    let err = dir.create_group(&admins, None).await.unwrap_err();
    assert!(matches!(err, DomainError::Conflict(_)), "{err}");
    dir.add_to_group(&name("jack"), &admins).await.unwrap();
    dir.add_to_group(&name("jack"), &admins).await.unwrap();
    let groups = dir.groups_of(&name("jack")).await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        vec!["admins"]
    );
    assert_eq!(groups[0].description.as_deref(), Some("moderators"));
    let listed = dir.list_groups(PageRequest::first(10)).await.unwrap();
    assert_eq!(listed.items, vec![group]);
    assert!(listed.next.is_none());
    let err = dir
        .add_to_group(&name("jack"), &GroupName::parse("nope").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::NotFound(ref s) if s == "group nope"),
        "{err}"
    );
    dir.remove_from_group(&name("jack"), &admins).await.unwrap();
    assert!(dir.groups_of(&name("jack")).await.unwrap().is_empty());
}

async fn group_listing_pages_through_every_group_once(dir: Target) {
    for i in 0..5 {
        dir.create_group(&GroupName::parse(format!("team{i}")).unwrap(), None)
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = dir.list_groups(page).await.unwrap();
        assert!(got.items.len() <= 2);
        seen.extend(got.items.into_iter().map(|g| g.name.to_string()));
        match got.next {
            Some(c) => page = PageRequest::after(c, 2),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, (0..5).map(|i| format!("team{i}")).collect::<Vec<_>>());
}

async fn groups_of_a_member_of_many_groups_follows_every_page(dir: Target) {
    create(&dir, "mia", "mia@example.com").await;
    let mut expected = Vec::new();
    for i in 0..61 {
        let group = GroupName::parse(format!("g{i:02}")).unwrap();
        dir.create_group(&group, None).await.unwrap();
        dir.add_to_group(&name("mia"), &group).await.unwrap();
        expected.push(group.to_string());
    }
    let groups = dir.groups_of(&name("mia")).await.unwrap();
    let names: Vec<String> = groups.into_iter().map(|g| g.name.to_string()).collect();
    assert_eq!(names, expected);
}

async fn delete_removes_the_user(dir: Target) {
    create(&dir, "kate", "kate@example.com").await;
    create(&dir, "kim", "kim@example.com").await;
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
    assert_eq!(search(&dir, r#"email ^= "k""#).await, vec!["kim"]);
}

async fn an_attribute_is_taken_off_and_the_others_stay(dir: Target) {
    create(&dir, "pia", "pia@example.com").await;
    dir.update_attributes(
        &name("pia"),
        &[(attr("phone_number"), "+821012345678".into())],
    )
    .await
    .unwrap();
    let user = dir.get_user(&name("pia")).await.unwrap();
    assert_eq!(user.attribute("phone_number"), Some("+821012345678"));
    dir.delete_attributes(&name("pia"), &[attr("phone_number")])
        .await
        .unwrap();
    let user = dir.get_user(&name("pia")).await.unwrap();
    assert_eq!(user.attribute("phone_number"), None);
    assert_eq!(user.attribute("name"), Some("Name of pia"));
    assert_eq!(user.email.as_deref(), Some("pia@example.com"));
    assert!(matches!(
        dir.delete_attributes(&name("nobody-here"), &[attr("name")])
            .await
            .unwrap_err(),
        DomainError::NotFound(_)
    ));
}

async fn unknown_user_is_not_found_for_every_action(dir: Target) {
    let ghost = name("ghost");
    let staff = GroupName::parse("staff").unwrap();
    dir.create_group(&staff, None).await.unwrap();
    let results = vec![
        dir.get_user(&ghost).await.map(|_| ()),
        dir.disable_user(&ghost).await,
        dir.enable_user(&ghost).await,
        dir.reset_password(&ghost).await,
        dir.set_password(&ghost, "Str0ng-Password!", true).await,
        dir.global_sign_out(&ghost).await,
        dir.confirm_sign_up(&ghost).await,
        dir.resend_invitation(&ghost).await,
        dir.update_attributes(&ghost, &[(attr("name"), "Ghost".into())])
            .await,
        dir.groups_of(&ghost).await.map(|_| ()),
        dir.add_to_group(&ghost, &staff).await,
        dir.remove_from_group(&ghost, &staff).await,
        dir.delete_user(&ghost).await,
    ];
    for (i, r) in results.into_iter().enumerate() {
        assert!(
            matches!(r, Err(DomainError::NotFound(ref s)) if s == "user ghost"),
            "action {i}: {r:?}"
        );
    }
}

/// Created with the invitation (no temporary password given: Cognito makes one and e-mails
/// it), the user waits in FORCE_CHANGE_PASSWORD with the e-mail given.
async fn an_invited_user_waits_for_the_first_sign_in(dir: Target) {
    let user = dir
        .create_user(&NewDirectoryUser {
            username: name("newcomer"),
            email: Some(Email::parse("newcomer@example.com").unwrap()),
            attributes: vec![(attr("email_verified"), "true".into())],
            temporary_password: None,
            send_invitation: true,
        })
        .await
        .unwrap();
    assert_eq!(user.status, UserStatus::ForceChangePassword);
    assert_eq!(user.email.as_deref(), Some("newcomer@example.com"));
    let again = dir
        .create_user(&NewDirectoryUser {
            username: name("newcomer"),
            email: Some(Email::parse("other@example.com").unwrap()),
            attributes: vec![],
            temporary_password: None,
            send_invitation: true,
        })
        .await;
    assert!(matches!(again, Err(DomainError::Conflict(_))), "{again:?}");
}

async fn a_confirmation_code_goes_only_to_an_unconfirmed_sign_up_and_the_history_keeps_it(
    dir: Target,
) {
    dir.side.sign_up("pending", "pending@example.com").await;
    dir.resend_confirmation_code(&name("pending"))
        .await
        .unwrap();
    let history = dir.sign_in_history(&name("pending"), 10).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(
        (history[0].kind.as_str(), history[0].result.as_str()),
        ("ResendCode", "Pass")
    );

    create(&dir, "settled", "settled@example.com").await;
    dir.set_password(&name("settled"), "Str0ng-Password!", true)
        .await
        .unwrap();
    let err = dir
        .resend_confirmation_code(&name("settled"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.contains("CONFIRMED")),
        "{err}"
    );
    // The directory's own events come newest first, at most as many as asked.
    dir.reset_password(&name("settled")).await.ok();
    let history = dir.sign_in_history(&name("settled"), 1).await.unwrap();
    assert_eq!(history.len(), 1);
    let all = dir.sign_in_history(&name("settled"), 60).await.unwrap();
    assert!(all.iter().any(|e| e.kind == "SignUp"), "{all:?}");
    assert!(
        all.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first: {all:?}"
    );
    assert!(matches!(
        dir.sign_in_history(&name("ghost"), 5).await,
        Err(DomainError::NotFound(_))
    ));
}

/// The Cognito adapter's calls moto does not implement, against the answers Cognito documents
/// for them, served by a loopback server: AdminListUserAuthEvents (the sign-in history) and
/// ResendConfirmationCode.
mod recorded {
    use super::*;
    use crate::support::RecordedAws;
    use aws_sdk_cognitoidentityprovider::config::Credentials;
    use serde_json::json;

    struct Recorded {
        ctx: backoffice_domain::adapters::aws::AwsContext,
        server: RecordedAws,
    }

    impl std::ops::Deref for Recorded {
        type Target = RecordedAws;
        fn deref(&self) -> &RecordedAws {
            &self.server
        }
    }

    impl Recorded {
        async fn start() -> Self {
            let server = RecordedAws::start("AWSCognitoIdentityProviderService.").await;
            Self {
                ctx: server.context().await,
                server,
            }
        }

        /// The adapter on a client of its own (test keys), naming `client` as the app client.
        fn directory(&self, client: Option<&str>) -> CognitoUserDirectory {
            let config =
                aws_sdk_cognitoidentityprovider::config::Builder::from(self.ctx.sdk_config())
                    .credentials_provider(Credentials::new(
                        "testing", "testing", None, None, "test",
                    ))
                    .build();
            CognitoUserDirectory::from_client(Client::from_conf(config), "us-east-1_Recorded1")
                .with_app_client(client.map(str::to_string))
        }

        fn user_in(&self, status: &str) {
            self.answer(
                "AdminGetUser",
                200,
                json!({
                    "Username": "pending",
                    "UserAttributes": [
                        {"Name": "sub", "Value": "00000000-0000-4000-8000-00000000000a"},
                        {"Name": "email", "Value": "pending@example.com"}
                    ],
                    "UserStatus": status,
                    "Enabled": true,
                    "UserCreateDate": 1.7e9,
                    "UserLastModifiedDate": 1.7e9
                }),
            );
        }
    }

    #[tokio::test]
    async fn the_sign_in_history_keeps_every_field_cognito_documents() {
        let r = Recorded::start().await;
        // AdminListUserAuthEvents' documented response, two events.
        r.answer(
            "AdminListUserAuthEvents",
            200,
            json!({
                "AuthEvents": [
                    {
                        "EventId": "1b3c5e7a-0000-4000-8000-000000000001",
                        "EventType": "SignIn",
                        "CreationDate": 1.7330508e9,
                        "EventResponse": "Fail",
                        "EventRisk": {
                            "RiskDecision": "Block",
                            "RiskLevel": "High",
                            "CompromisedCredentialsDetected": true
                        },
                        "ChallengeResponses": [
                            {"ChallengeName": "Password", "ChallengeResponse": "Failure"}
                        ],
                        "EventContextData": {
                            "IpAddress": "203.0.113.9",
                            "DeviceName": "Chrome 131, Windows 11",
                            "Timezone": "-05:00",
                            "City": "Toronto",
                            "Country": "Canada"
                        }
                    },
                    {
                        "EventId": "1b3c5e7a-0000-4000-8000-000000000002",
                        "EventType": "ForgotPassword",
                        "CreationDate": 1.733e9,
                        "EventResponse": "Pass"
                    }
                ]
            }),
        );
        let events = r
            .directory(None)
            .sign_in_history(&name("pending"), 10)
            .await
            .unwrap();
        assert_eq!(events.len(), 2);
        let first = &events[0];
        assert_eq!(first.kind, "SignIn");
        assert_eq!(first.result, "Fail");
        assert_eq!(first.risk_level.as_deref(), Some("High"));
        assert_eq!(first.risk_decision.as_deref(), Some("Block"));
        assert_eq!(first.ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(first.city.as_deref(), Some("Toronto"));
        assert_eq!(first.country.as_deref(), Some("Canada"));
        assert_eq!(first.device.as_deref(), Some("Chrome 131, Windows 11"));
        assert_eq!(
            first.at.map(|t| t.timestamp_millis()),
            Some(1_733_050_800_000)
        );
        // What Cognito leaves out stays empty.
        assert_eq!(events[1].risk_level, None);
        assert_eq!(events[1].ip, None);
        let sent = r.seen("AdminListUserAuthEvents");
        assert_eq!(sent[0]["UserPoolId"], "us-east-1_Recorded1");
        assert_eq!(sent[0]["Username"], "pending");
        assert_eq!(sent[0]["MaxResults"], 10);
    }

    #[tokio::test]
    async fn a_pool_without_threat_protection_says_it_records_no_sign_ins() {
        let r = Recorded::start().await;
        r.answer(
            "AdminListUserAuthEvents",
            400,
            json!({
                "__type": "UserPoolAddOnNotEnabledException",
                "message": "Advanced security features are not enabled for this user pool."
            }),
        );
        let err = r
            .directory(None)
            .sign_in_history(&name("pending"), 10)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Unsupported(m) if m.contains("threat protection")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_confirmation_code_goes_through_the_named_app_client() {
        let r = Recorded::start().await;
        // Without an app client nothing is asked of Cognito.
        let err = r
            .directory(None)
            .resend_confirmation_code(&name("pending"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Unsupported(m) if m.contains("app_client_id")),
            "{err:?}"
        );
        assert!(r.seen("AdminGetUser").is_empty());

        r.user_in("UNCONFIRMED");
        r.answer(
            "ResendConfirmationCode",
            200,
            json!({"CodeDeliveryDetails": {
                "Destination": "p***@e***.com",
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email"
            }}),
        );
        r.directory(Some("5example1client2id"))
            .resend_confirmation_code(&name("pending"))
            .await
            .unwrap();
        let sent = r.seen("ResendConfirmationCode");
        assert_eq!(sent[0]["ClientId"], "5example1client2id");
        assert_eq!(sent[0]["Username"], "pending");

        // A confirmed user is refused before the call.
        r.user_in("CONFIRMED");
        let err = r
            .directory(Some("5example1client2id"))
            .resend_confirmation_code(&name("pending"))
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)), "{err:?}");
        assert_eq!(r.seen("ResendConfirmationCode").len(), 1);

        // A client with a secret needs a SECRET_HASH this console does not hold: said plainly.
        r.user_in("UNCONFIRMED");
        r.answer(
            "ResendConfirmationCode",
            400,
            json!({
                "__type": "NotAuthorizedException",
                "message": "Client 5example1client2id is configured with secret but SECRET_HASH was not received"
            }),
        );
        let err = r
            .directory(Some("5example1client2id"))
            .resend_confirmation_code(&name("pending"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Unsupported(m) if m.contains("has a secret")),
            "{err:?}"
        );
    }
}
