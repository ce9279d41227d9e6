//! The operations layer: every write an operator makes, from the console's dialogs and from the
//! scriptable commands alike. Both ask [`admit`] whether the session may write and what must be
//! typed first, and both call [`perform`] (or [`share`]), so the confirmation rules, the audit
//! rows (written by the domain's services) and the wording of results are the same by
//! construction. Nothing here draws or prints.

mod ban_run;
pub mod people;

use crate::app::{Context, Failure};
use crate::text::{human_size, plural};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::aws::ThrottleMeter;
use backoffice_domain::model::QueryDefinition;
use backoffice_domain::model::{
    Actor, BucketName, LogGroupName, ModerationAction, ModerationTarget, ObjectKey,
    PresignedRequest, Reason, ReportId, ReportResolution, Target, Username,
};
use backoffice_domain::model::{AuditAction, AuditId, ProfileField, UserSub};
use backoffice_domain::ports::{
    ContentStore, LogInsights, LogSource, Metrics, ObjectStore, UserDirectory,
};
use backoffice_domain::services::accounts::{self, AccountAction};
use backoffice_domain::services::{ban, erase, moderation, reconcile, storage};
use ban_run::run_ban;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// An answer one call gives (who the operator is, whether the database answers), asked when
/// first wanted and shared by every clone. A failure is not kept: the next ask calls again, so
/// a network blip or an expired login does not last the session.
pub struct Learned<T>(Arc<LearnedInner<T>>);

type Answer<T> = Shared<BoxFuture<'static, Result<T, String>>>;

struct LearnedInner<T> {
    ask: Box<dyn Fn() -> BoxFuture<'static, Result<T, String>> + Send + Sync>,
    /// The call under way or answered; `None` until first asked.
    current: std::sync::Mutex<Option<Answer<T>>>,
}

impl<T> Clone for Learned<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Clone + Send + Sync + 'static> Learned<T> {
    /// The answer `ask` gives; `ask` runs when the answer is first awaited, and again after
    /// a failure.
    pub fn new<F>(ask: impl Fn() -> F + Send + Sync + 'static) -> Self
    where
        F: Future<Output = Result<T, String>> + Send + 'static,
    {
        let ask: Box<dyn Fn() -> BoxFuture<'static, Result<T, String>> + Send + Sync> =
            Box::new(move || ask().boxed());
        Self(Arc::new(LearnedInner {
            ask,
            current: std::sync::Mutex::new(None),
        }))
    }

    /// An answer known from the start.
    pub fn known(value: T) -> Self {
        Self::new(move || std::future::ready(Ok(value.clone())))
    }

    /// The answer, waiting for the call (a new one when the last failed).
    pub async fn get(&self) -> Result<T, String> {
        let answer = {
            let mut current = self.0.current.lock().unwrap_or_else(|e| e.into_inner());
            match current.as_ref() {
                Some(answer) if !matches!(answer.peek(), Some(Err(_))) => answer.clone(),
                _ => current.insert((self.0.ask)().shared()).clone(),
            }
        };
        answer.await
    }

    /// The answer, when the last call has given one.
    pub fn now(&self) -> Option<Result<T, String>> {
        self.0
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .and_then(|answer| answer.peek().cloned())
    }
}

/// How the list names a caller: an IAM ARN by what follows its account, as CloudTrail's user
/// name does (`Operator/alice@example.com` for an assumed role and its session, `user/bob`),
/// since every row's `arn:aws:sts::123456789012:assumed-role/` is the same; anything else as
/// it is. The row's detail names the caller whole.
pub fn actor_label(actor: &str) -> &str {
    let mut parts = actor.splitn(6, ':');
    match (parts.next(), parts.nth(1), parts.nth(1), parts.next()) {
        (Some("arn"), Some("sts" | "iam"), Some(account), Some(resource))
            if !account.is_empty() && !resource.is_empty() =>
        {
            resource.strip_prefix("assumed-role/").unwrap_or(resource)
        }
        _ => actor,
    }
}

/// The caller ARN a short name stands for, in `operator`'s partition and account:
/// `user/bob` is `arn:aws:iam::ACCOUNT:user/bob`, `root` the account's root, any other
/// `ROLE/SESSION` `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. `None` for a whole ARN,
/// for a name without `/` (an actor such as `sandbox:root` is matched as typed) and when the
/// operator is not an ARN (the sandbox).
pub fn actor_arn(label: &str, operator: &str) -> Option<String> {
    if label.contains(':') || (!label.contains('/') && label != "root") {
        return None;
    }
    let mut parts = operator.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(_service), Some(_region), Some(account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if partition.is_empty() || account.is_empty() {
        return None;
    }
    Some(if label == "root" || label.starts_with("user/") {
        format!("arn:{partition}:iam::{account}:{label}")
    } else {
        format!("arn:{partition}:sts::{account}:assumed-role/{label}")
    })
}

/// Who the operator is: an [`Actor`] known from the start (the sandbox), or STS's answer to
/// GetCallerIdentity, asked while everything that does not need it goes ahead.
pub type Identity = Learned<Actor>;

impl From<Actor> for Identity {
    fn from(actor: Actor) -> Self {
        Self::known(actor)
    }
}

/// What the console and the commands talk to in the open environment.
#[derive(Clone)]
pub struct Backends {
    /// The service's database; `None` when the environment names none.
    pub content: Option<Arc<dyn ContentStore>>,
    /// The user pool; `None` when the environment names none.
    pub directory: Option<Arc<dyn UserDirectory>>,
    /// Object storage (S3, or the sandbox's folder).
    pub objects: Option<Arc<dyn ObjectStore>>,
    /// The environment's media bucket, opened first in the Storage pane.
    pub bucket: Option<BucketName>,
    /// Log groups and their events (CloudWatch Logs, or the sandbox's log store).
    pub logs: Option<Arc<dyn LogSource>>,
    /// The environment's log groups, offered first in the Logs pane.
    pub log_groups: Vec<LogGroupName>,
    /// Logs Insights (CloudWatch's, or the sandbox's evaluator).
    pub insights: Option<Arc<dyn LogInsights>>,
    /// Lambda metrics and alarms (CloudWatch's, or derived from the sandbox's logs).
    pub metrics: Option<Arc<dyn Metrics>>,
    /// The Lambda functions the Metrics pane shows: those of the `/aws/lambda/` groups, then
    /// the environment's `functions`.
    pub functions: Vec<String>,
    /// Who the operator is, written to every audit row: known at once on the sandbox, learned
    /// from STS while an AWS environment's panes already load. Only writes wait for it.
    pub identity: Identity,
    /// Whether the database answers with this build's schema, learned in the background like
    /// the identity; `None` where there is nothing to check (the sandbox, no database).
    pub database: Option<Learned<()>>,
    pub environment: String,
    /// Throttling the AWS clients met (and retried); `None` off AWS.
    pub throttles: Option<ThrottleMeter>,
}

impl Backends {
    /// `filter` with a short caller name in `actor:` (as the audit list shows callers:
    /// `user/bob`, `Operator/alice@example.com`) made the whole ARN, in the operator's own
    /// account, that the log holds. A whole ARN, or a name of another shape, stays as typed.
    pub async fn audit_filter(
        &self,
        filter: &backoffice_domain::model::AuditFilter,
    ) -> backoffice_domain::model::AuditFilter {
        let mut filter = filter.clone();
        if let Some(label) = &filter.actor
            && let Ok(operator) = self.identity.get().await
        {
            // The operator's own name is their ARN, whatever its shape (moto answers an
            // IAM user as `arn:aws:sts::…:user/…`).
            if actor_label(operator.as_str()) == label.as_str() {
                filter.actor = Some(operator.as_str().to_string());
            } else if let Some(arn) = actor_arn(label, operator.as_str()) {
                filter.actor = Some(arn);
            }
        }
        filter
    }

    /// The embedded sandbox's stores, written to the audit log as `actor`.
    pub fn sandbox(sandbox: &backoffice_domain::sandbox::Sandbox, actor: Actor) -> Self {
        use backoffice_domain::sandbox::Sandbox;
        Self {
            content: Some(Arc::new(sandbox.content.clone())),
            directory: Some(Arc::new(sandbox.directory.clone())),
            objects: Some(Arc::new(sandbox.objects.clone())),
            bucket: Some(Sandbox::bucket()),
            logs: Some(Arc::new(sandbox.logs.clone())),
            insights: Some(Arc::new(sandbox.insights.clone())),
            metrics: Some(Arc::new(sandbox.metrics.clone())),
            functions: functions_of(&Sandbox::log_groups(), &[]),
            log_groups: Sandbox::log_groups(),
            identity: actor.into(),
            database: None,
            environment: "sandbox".to_string(),
            throttles: None,
        }
    }

    /// The operator, once STS has said who it is and the database has answered with this
    /// build's schema (at once where both are known). Every write asks for it before it
    /// changes anything, so nothing is written unsigned, or unaudited for want of a database
    /// that was never checked.
    pub async fn actor(&self) -> Result<Actor, DomainError> {
        if let Some(database) = &self.database {
            database.get().await.map_err(|e| {
                DomainError::Forbidden(format!(
                    "nothing is written while the database check fails; {e}"
                ))
            })?;
        }
        self.identity.get().await.map_err(|e| {
            DomainError::Forbidden(format!(
                "nothing is written without knowing who writes it; {e}"
            ))
        })
    }

    pub fn content(&self) -> Result<&dyn ContentStore, DomainError> {
        self.content
            .as_deref()
            .ok_or_else(|| self.missing("database_url"))
    }

    pub fn directory(&self) -> Result<&dyn UserDirectory, DomainError> {
        self.directory
            .as_deref()
            .ok_or_else(|| self.missing("user_pool_id"))
    }

    pub fn objects(&self) -> Result<&dyn ObjectStore, DomainError> {
        self.objects
            .as_deref()
            .ok_or_else(|| self.missing("object storage"))
    }

    pub fn insights(&self) -> Result<&dyn LogInsights, DomainError> {
        self.insights
            .as_deref()
            .ok_or_else(|| self.unavailable("Logs Insights"))
    }

    pub fn metrics(&self) -> Result<&dyn Metrics, DomainError> {
        self.metrics
            .as_deref()
            .ok_or_else(|| self.unavailable("CloudWatch metrics and alarms"))
    }

    /// A capability this version of the console cannot reach in the environment.
    fn unavailable(&self, what: &str) -> DomainError {
        DomainError::Unsupported(format!(
            "{what}: not available in environment {} with this version of backoffice",
            self.environment
        ))
    }

    pub fn logs(&self) -> Result<&dyn LogSource, DomainError> {
        self.logs
            .as_deref()
            .ok_or_else(|| self.missing("log source"))
    }

    /// The media bucket, for commands that work on it.
    pub fn bucket(&self) -> Result<&BucketName, DomainError> {
        self.bucket.as_ref().ok_or_else(|| self.missing("bucket"))
    }

    fn missing(&self, what: &str) -> DomainError {
        DomainError::Unsupported(format!(
            "environment {} has no {what} in config.toml",
            self.environment
        ))
    }
}

/// A write, as confirmed by an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Hide, restore or remove posts and comments; each change is audited with it.
    Moderate {
        targets: Vec<ModerationTarget>,
        action: ModerationAction,
    },
    /// Close every open report on each target, up to the newest one shown of it (`seen`, in
    /// the targets' order; none: every open one): those that came after stay open.
    ResolveReports {
        targets: Vec<Target>,
        resolution: ReportResolution,
        seen: Vec<Option<ReportId>>,
    },
    /// Close one report by its id.
    ResolveReport {
        id: ReportId,
        resolution: ReportResolution,
    },
    Account {
        username: Username,
        action: AccountAction,
    },
    /// A planned ban or unban, run step by step.
    Ban(Box<ban::Plan>),
    /// A user created by support, invited by e-mail or silently.
    CreateUser(accounts::NewAccount),
    Upload {
        bucket: BucketName,
        key: ObjectKey,
        source: PathBuf,
        /// What the question said is there: another upload since is not replaced.
        expected: storage::Expected,
    },
    DeleteObjects {
        /// Asked for knowing no audit row can be written (an environment without a database).
        unaudited: bool,
        bucket: BucketName,
        keys: Vec<String>,
        /// Each object as the question showed it, by key: one replaced since is not deleted.
        seen: std::collections::BTreeMap<String, storage::Seen>,
    },
    /// Delete orphan objects and create missing profile rows that reconciliation found.
    /// Deletes the orphans older than `min_age` (and that no row points to when read again),
    /// creates the missing profile rows.
    CleanUp {
        findings: Vec<reconcile::Finding>,
        min_age: chrono::Duration,
    },
    /// Saves a Logs Insights query definition (a new one, or over the one with its id).
    SaveQuery(Box<QueryDefinition>),
    /// Deletes a saved Logs Insights query definition.
    DeleteQuery { id: String, name: String },
    /// A planned deletion of an account, its data exported to `export` first when given.
    DeleteAccount {
        plan: Box<erase::Plan>,
        export: Option<PathBuf>,
    },
    /// Clears fields of someone's profile.
    ClearProfile {
        sub: UserSub,
        fields: Vec<ProfileField>,
        /// The values the moderator saw, cleared only if they still hold (empty: what is
        /// there when the write runs, as the command line asks).
        seen: Vec<(ProfileField, Option<String>)>,
    },
    /// Sets profile fields back (an undo), over the values expected there now.
    SetProfile {
        sub: UserSub,
        set: Vec<(ProfileField, Option<String>)>,
        expected: Vec<(ProfileField, Option<String>)>,
        action: AuditAction,
    },
    /// The reverse of audit row `of`, recorded as its undo.
    Undo { of: i64, operation: Box<Operation> },
}

/// What a clean-up of `findings` may act on: orphaned objects, and users without a profile
/// row; the rest are for people.
pub fn clean_up_work(findings: &[reconcile::Finding]) -> (usize, usize) {
    findings.iter().fold((0, 0), |(o, p), f| match f {
        reconcile::Finding::OrphanObject { .. } => (o + 1, p),
        reconcile::Finding::UserWithoutProfile { .. } => (o, p + 1),
        _ => (o, p),
    })
}

/// How many moderation targets a phrase names before it counts them instead.
const NAMED_TARGETS: usize = 3;

/// A username with the e-mail or phone it reaches, for confirmations: look-alike usernames
/// (`admin` and a Cyrillic `аdmin`) read the same alone.
pub fn person(username: &Username, contact: Option<&str>) -> String {
    let name = crate::text::identifier(username.as_str());
    match contact {
        Some(contact) => format!("{name} <{}>", crate::text::identifier(contact)),
        None => name,
    }
}

impl Operation {
    /// A few words for a status bar while it runs (`ban ann`): [`Operation::describe`]
    /// named the e-mail, the sub and the calls, and pushed the steps' count off a row of 120.
    pub fn label(&self) -> String {
        match self {
            Operation::Ban(plan) => format!(
                "{} {}",
                plan.verb(),
                crate::text::identifier(plan.username.as_str())
            ),
            other => other.describe(),
        }
    }

    /// A short phrase for confirmations: "hide post #12", "hide 5 items", "disable alice".
    pub fn describe(&self) -> String {
        match self {
            // A few are named (an undo's dry run read `restore 1 item`), many counted.
            Operation::Moderate { targets, action } if targets.len() <= NAMED_TARGETS => format!(
                "{} {}",
                action.as_str(),
                targets
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Operation::Moderate { targets, action } => {
                format!("{} {}", action.as_str(), plural(targets.len(), "item"))
            }
            Operation::ResolveReports {
                targets,
                resolution,
                ..
            } => format!(
                "{} the reports on {}",
                resolution_verb(*resolution),
                plural(targets.len(), "target")
            ),
            Operation::ResolveReport { id, resolution } => {
                format!("{} report {id}", resolution_verb(*resolution))
            }
            Operation::Account { username, action } => {
                action.describe(&crate::text::identifier(username.as_str()))
            }
            // The sub too: an account with neither e-mail nor phone read `ban usеr003`, the
            // same as `user003`.
            Operation::Ban(plan) => format!(
                "{} {} (sub {}, {})",
                plan.verb(),
                person(&plan.username, plan.contact.as_deref()),
                plan.sub,
                plural(plan.steps.len(), "call")
            ),
            Operation::CreateUser(a) => format!(
                "create the user {} <{}>{}",
                a.username,
                a.email.as_str(),
                if a.send_invitation {
                    ", invited by e-mail"
                } else {
                    " without an invitation"
                }
            ),
            // Keys as the listings name them: a tab, a zero-width space or a literal `<U+…>`
            // read as another key in the question (the line above it named them).
            Operation::Upload { key, .. } => {
                format!("upload {}", crate::text::key(key.as_str()))
            }
            Operation::DeleteObjects { keys, .. } => match keys.as_slice() {
                [one] => format!("delete {}", crate::text::key(one)),
                many => format!("delete {} objects", many.len()),
            },
            // What it may do, not the findings it was given: some are for people, and an
            // orphan younger than the grace period is kept.
            Operation::CleanUp { findings, min_age } => {
                let (orphans, profiles) = clean_up_work(findings);
                let mut parts = Vec::new();
                if orphans > 0 {
                    parts.push(format!(
                        "delete up to {} (those older than {})",
                        plural(orphans, "orphaned object"),
                        crate::text::duration_words(*min_age)
                    ));
                }
                if profiles > 0 {
                    parts.push(format!("make {}", plural(profiles, "missing profile row")));
                }
                format!("clean up: {}", parts.join(", "))
            }
            Operation::SaveQuery(d) => format!("save the query {}", d.name),
            Operation::DeleteQuery { name, .. } => format!("delete the saved query {name}"),
            Operation::DeleteAccount { plan, .. } => format!(
                "delete the account {} (sub {}, {})",
                person(&plan.username, plan.contact.as_deref()),
                plan.sub,
                plural(plan.steps.len(), "call")
            ),
            Operation::ClearProfile { sub, fields, .. } => format!(
                "clear the {} of {sub}",
                fields
                    .iter()
                    .map(|f| f.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            // The undo of a restore clears again (it read "put back the bio", then cleared it).
            Operation::SetProfile {
                sub, set, action, ..
            } => format!(
                "{} the {} of {sub}",
                if *action == AuditAction::ProfileClear {
                    "clear"
                } else {
                    "put back"
                },
                set.iter()
                    .map(|(f, _)| f.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Operation::Undo { of, operation } => {
                format!("undo audit row {of}: {}", operation.describe())
            }
        }
    }

    /// Whether the operation deletes objects: in an environment without a database those
    /// could not be audited.
    pub fn deletes_objects(&self) -> bool {
        match self {
            Operation::DeleteObjects { .. }
            | Operation::CleanUp { .. }
            | Operation::DeleteAccount { .. } => true,
            Operation::Undo { operation, .. } => operation.deletes_objects(),
            _ => false,
        }
    }
}

/// Whom `:who` and `backoffice users who` mean by what was typed: an e-mail, a sub or a
/// username, where a username may name its hidden characters as the listings show them
/// (`admin<U+3164>`).
pub fn who_of(raw: &str) -> Result<backoffice_domain::services::user360::Who, DomainError> {
    use backoffice_domain::model::Username;
    use backoffice_domain::services::user360::Who;
    if let Some(named) = crate::text::from_identifier(raw.trim()) {
        return Ok(Who::Username(Username::from_directory(named)?));
    }
    // A name typed (or pasted) with a character that draws as nothing is refused, as it could
    // pass for another: the refusal says how to write it, as the list shows it (it said only
    // that such characters are not allowed, and the name could not be opened).
    Who::parse(raw).map_err(|e| {
        let shown = crate::text::identifier(raw.trim());
        match e {
            // A display name (`Ann Lee`): a space is no hidden character, and a username has
            // none (it said to write it `Ann<U+0020>Lee`, a username no one has).
            DomainError::Invalid(_) if raw.trim().contains(' ') => DomainError::invalid(
                "user",
                "names are searched with / in Users; :who takes an e-mail, phone, sub or username",
            ),
            DomainError::Invalid(_) if shown != raw.trim() => DomainError::invalid(
                "user",
                format!(
                    "the name holds characters that draw as nothing or turn text around; \
                     write them as the list shows them: {shown}"
                ),
            ),
            other => other,
        }
    })
}

/// The Lambda functions of an environment: those whose `/aws/lambda/NAME` group it names, then
/// the ones it lists, each once.
pub fn functions_of(groups: &[LogGroupName], listed: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let named = groups
        .iter()
        .filter_map(|g| backoffice_domain::model::function_of_group(g.as_str()));
    for f in named.chain(listed.iter().map(String::as_str)) {
        if !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    }
    out
}

/// What must happen before a write goes ahead in this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// An ordinary confirmation.
    Confirm,
    /// Production: the environment's name must be typed.
    TypeName(String),
}

/// Whether the session may write at all, and what confirming takes. A read-only session is
/// refused with the sentence both the console and the commands show.
pub fn admit(context: &Context, what: &str) -> Result<Gate, Failure> {
    if context.read_only {
        return Err(Failure::new(format!(
            // What was asked last: a verb that says its effect (`Enable ann: they can sign in
            // again`) read badly before "would write".
            "read-only session, so nothing was changed: {what}"
        )));
    }
    Ok(if context.production {
        Gate::TypeName(context.environment.clone())
    } else {
        Gate::Confirm
    })
}

/// Why an object delete is refused where no audit row can be written.
pub const UNAUDITED_DELETE: &str = "this environment names no database, so an object delete could not be audited; nothing was deleted (the command line's objects rm --unaudited deletes without a row)";

/// Refuses, before anything is asked, a write that could not be audited here.
pub fn admit_operation(context: &Context, operation: &Operation) -> Result<(), Failure> {
    if operation.deletes_objects() && !context.audited {
        return Err(Failure::new(UNAUDITED_DELETE));
    }
    if matches!(
        operation,
        Operation::SaveQuery(_) | Operation::DeleteQuery { .. }
    ) && !context.audited
    {
        return Err(Failure::new(
            "this environment names no database, so saving or deleting a saved query could not be audited; nothing was changed",
        ));
    }
    Ok(())
}

/// Checks what was typed against the gate.
pub fn check_typed(gate: &Gate, typed: Option<&str>) -> Result<(), Failure> {
    match gate {
        Gate::Confirm => Ok(()),
        Gate::TypeName(name) if typed.map(str::trim) == Some(name.as_str()) => Ok(()),
        Gate::TypeName(name) => Err(Failure::new(format!(
            "this is {name}: type its name to confirm"
        ))),
    }
}

/// What a write did: one sentence for the status bar or the terminal, and a record per thing
/// changed for JSON output.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub summary: String,
    pub records: Vec<Value>,
}

impl Done {
    fn new(summary: String) -> Self {
        Self {
            summary,
            records: Vec::new(),
        }
    }
}

/// A write that failed part-way: why, and a record of each thing it did change first (each of
/// those changed and audited), so a script can tell what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub failure: Failure,
    pub records: Vec<Value>,
    /// The write found what it was to change already changed (a conflict): whatever showed it
    /// is out of date.
    pub stale: bool,
}

impl Partial {
    /// Whether what the write was asked from should be read again: something was written,
    /// or it was out of date.
    pub fn changed_anything(&self) -> bool {
        self.stale || !self.records.is_empty()
    }
}

impl From<Failure> for Partial {
    fn from(failure: Failure) -> Self {
        Self {
            failure,
            records: Vec::new(),
            stale: false,
        }
    }
}

impl From<DomainError> for Partial {
    /// A conflict found what was asked about changed since: what showed it is read again, and
    /// the dialog is not offered again as it was (an upload refused over an object put there
    /// since reopened saying "new object", and refused again).
    fn from(e: DomainError) -> Self {
        let stale = matches!(e, DomainError::Conflict(_));
        Self {
            stale,
            ..Failure::from(e).into()
        }
    }
}

/// How far a long write has got: `(steps taken, steps)`, called as it goes.
pub type Progress<'a> = dyn Fn(usize, usize) + Send + Sync + 'a;

/// Performs `operation` under `reason`, as the operator (`b.actor()`).
pub async fn perform(b: &Backends, operation: Operation, reason: &Reason) -> Result<Done, Partial> {
    perform_reporting(b, operation, reason, &|_, _| {}).await
}

/// [`perform`], saying how far a long write has got (a ban or an unban, step by step).
pub async fn perform_reporting(
    b: &Backends,
    operation: Operation,
    reason: &Reason,
    progress: &Progress<'_>,
) -> Result<Done, Partial> {
    match operation {
        Operation::Moderate { targets, action } => {
            let results =
                moderation::moderate(b.content()?, &targets, action, &b.actor().await?, reason)
                    .await;
            let mut done = Done::new(String::new());
            let mut failed = Vec::new();
            for (target, result) in targets.iter().zip(&results) {
                let stored = Target::from(*target);
                match result {
                    Ok(o) => done.records.push(json!({
                        "type": "moderation",
                        "target_kind": stored.kind().as_str(),
                        "target_id": stored.id_text(),
                        "before": o.before.as_str(),
                        "after": o.after.as_str(),
                        "audit_id": o.audit_id.get(),
                    })),
                    Err(e) => failed.push(format!("{target}: {}", e.chain())),
                }
            }
            let ok = results.len() - failed.len();
            // The targets that went one way (done) or the other, named.
            let named = |done: bool| -> Vec<String> {
                targets
                    .iter()
                    .zip(&results)
                    .filter(|(_, r)| r.is_ok() == done)
                    .map(|(t, _)| t.to_string())
                    .collect()
            };
            // A few done are named, as the failed are in the chain (`1 done` did not say which).
            let done_names = if (1..=NAMED_TARGETS).contains(&ok) {
                format!(" ({})", named(true).join(", "))
            } else {
                String::new()
            };
            let causes: Vec<String> = results
                .iter()
                .filter_map(|r| r.as_ref().err().map(ToString::to_string))
                .collect();
            // One cause for all ("the database is unavailable" says what to wait for) is said
            // once; different ones name the targets, each with its cause in the chain (the
            // first cause was said as if it were every one's).
            let failures = match causes.as_slice() {
                [first, rest @ ..] if rest.iter().all(|c| c == first) => format!(": {first}"),
                _ => {
                    let names = named(false);
                    if names.len() <= NAMED_TARGETS {
                        format!(" ({}), each for its own reason", names.join(", "))
                    } else {
                        ", each for its own reason".to_string()
                    }
                }
            };
            match results.iter().find_map(|r| r.as_ref().err()) {
                Some(_) => Err(Partial {
                    failure: Failure {
                        message: format!(
                            "{}: {ok} done{done_names}, {} failed{failures}",
                            action.as_str(),
                            failed.len()
                        ),
                        chain: failed.join("; "),
                        refused: false,
                        cause: crate::app::Cause::Other,
                        said: false,
                    },
                    records: done.records,
                    stale: results
                        .iter()
                        .any(|r| matches!(r, Err(DomainError::Conflict(_)))),
                }),
                None => {
                    done.summary = format!("{}: {ok} done, audited", action.as_str());
                    Ok(done)
                }
            }
        }
        Operation::ResolveReports {
            targets,
            resolution,
            seen,
        } => {
            let mut done = Done::new(String::new());
            let mut newer = 0;
            let mut unreadable = 0;
            for (i, t) in targets.iter().enumerate() {
                let resolved = moderation::resolve_all_open(
                    b.content()?,
                    t,
                    resolution,
                    &b.actor().await?,
                    reason,
                    seen.get(i).copied().flatten(),
                )
                .await
                .map_err(|e| Failure {
                    message: format!(
                        "{} closed, then: {e}",
                        crate::text::plural(done.records.len(), "report")
                    ),
                    chain: e.chain(),
                    refused: false,
                    cause: crate::app::Cause::Other,
                    said: false,
                })?;
                newer += resolved.newer;
                unreadable += resolved.unreadable;
                done.records
                    .extend(resolved.closed.iter().map(report_record));
            }
            // Reports that came after the dialog was shown were not read: left open, and said.
            let newer = if newer > 0 {
                format!(
                    "; {} came in since it was shown and {} left open",
                    plural(newer, "report"),
                    if newer == 1 { "is" } else { "are" }
                )
            } else {
                String::new()
            };
            // Reports that could not be read are left open, and said (`D` promised two and
            // closed one without a word).
            let newer = match unreadable {
                0 => newer,
                n => format!(
                    "{newer}; {} could not be read and {} left open (the log names {})",
                    plural(n, "report"),
                    if n == 1 { "is" } else { "are" },
                    if n == 1 { "it" } else { "them" }
                ),
            };
            // None open: nothing changed and nothing was audited (it said `0 reports
            // actioned, audited`).
            // (Of those shown, where newer ones came: "no open reports", then one left open,
            // read as a contradiction.)
            // Where the only ones left could not be read, that is what stands (it said "none
            // of the reports shown is still open", as if someone else had closed them).
            let none = if newer.is_empty() {
                "no open reports"
            } else if unreadable > 0 {
                "no report that can be read is open"
            } else {
                "none of the reports shown is still open"
            };
            done.summary = if done.records.is_empty() {
                format!(
                    "{none} on {}: nothing changed{newer}",
                    match targets.as_slice() {
                        [one] => one.to_string(),
                        many => crate::text::plural(many.len(), "target"),
                    }
                )
            } else {
                format!(
                    "{} {}, audited{newer}",
                    crate::text::plural(done.records.len(), "report"),
                    resolution.status().as_str()
                )
            };
            Ok(done)
        }
        Operation::ResolveReport { id, resolution } => {
            let report = b
                .content()?
                .resolve_report(id, resolution, &b.actor().await?, reason)
                .await?;
            Ok(Done {
                summary: format!("report {}: {}, audited", report.id, report.status.as_str()),
                records: vec![report_record(&report)],
            })
        }
        Operation::Account { username, action } => {
            let record = |audit_id: Option<AuditId>| {
                json!({
                    "type": "account",
                    "action": action.audit_action().as_str(),
                    "user": username.as_str(),
                    "audit_id": audit_id.map(AuditId::get),
                })
            };
            let (audit_id, only_the_block) = match accounts::perform_noting(
                b.directory()?,
                b.content()?,
                &username,
                &action,
                &b.actor().await?,
                reason,
            )
            .await
            {
                Ok(done) => done,
                // Made, then its audit row or the API's block failed: a script must know it
                // was made (and `audit_id` says whether it was recorded).
                Err(unfinished) if unfinished.made => {
                    return Err(Partial {
                        records: vec![record(unfinished.audit_id)],
                        ..Partial::from(unfinished.error)
                    });
                }
                Err(unfinished) => return Err(unfinished.error.into()),
            };
            // An attribute change names the attributes (it said only `user.update_attribute`).
            let attributes = match &action {
                AccountAction::SetAttribute { name, .. } | AccountAction::DeleteAttribute(name) => {
                    format!(" ({})", name.as_str())
                }
                AccountAction::SetAttributes(pairs) => format!(
                    " ({})",
                    pairs
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                // Which group (it said only `user.add_to_group ann: done`).
                AccountAction::AddToGroup(group) => {
                    format!(" to {}", crate::text::identifier(group.as_str()))
                }
                AccountAction::RemoveFromGroup(group) => {
                    format!(" from {}", crate::text::identifier(group.as_str()))
                }
                _ => String::new(),
            };
            // The account stood as asked already (disabled or enabled in Cognito directly):
            // only the API's block changed, and "done" alone read as if the account had.
            let what = match (only_the_block, action.blocks(), &action) {
                (true, Some(true), _) => ": disabled already; blocked in the API now",
                (true, Some(false), _) => ": enabled already; unblocked in the API now",
                // The tokens they hold still say admins (the command line said only "done").
                (_, _, AccountAction::RemoveFromGroup(g))
                    if g.as_str() == backoffice_domain::model::GroupName::ADMINS =>
                {
                    ": done (they keep its rights until the tokens they hold expire, an hour \
                     at most; disable the account to end them now)"
                }
                _ => ": done",
            };
            Ok(Done {
                summary: format!(
                    "{} {}{attributes}{what}, audited",
                    action.audit_action(),
                    crate::text::identifier(username.as_str())
                ),
                records: vec![record(Some(audit_id))],
            })
        }
        Operation::Ban(plan) => run_ban(b, &plan, reason, progress).await,
        Operation::CreateUser(account) => {
            // A name or e-mail taken is no view out of date: the dialog opens again as it was
            // filled, saying so, for another name (it closed, and what was typed was lost).
            // Any other failure may come after the account was made (its audit or profile
            // row): the dialog is not offered again, and the list is read again.
            let (user, audit_id) = accounts::create(
                b.directory()?,
                b.content()?,
                &account,
                &b.actor().await?,
                reason,
            )
            .await
            .map_err(|e| match e {
                DomainError::Conflict(_) => Partial::from(Failure::from(e)),
                other => Partial {
                    stale: true,
                    ..Partial::from(Failure::from(other))
                },
            })?;
            Ok(Done {
                summary: format!(
                    "created {} ({}){}, audited",
                    crate::text::identifier(user.username.as_str()),
                    user.status,
                    if account.send_invitation {
                        ": the invitation is on its way"
                    } else {
                        ": no invitation sent; set a password to hand over (P in Users, or users set-password)"
                    }
                ),
                records: vec![json!({
                    "type": "account",
                    "action": "user.create",
                    "user": user.username.as_str(),
                    "sub": user.sub.as_ref().map(|s| s.to_string()),
                    "status": user.status.as_str(),
                    "invited": account.send_invitation,
                    "audit_id": audit_id.get(),
                })],
            })
        }
        Operation::Upload {
            bucket,
            key,
            source,
            expected,
        } => upload(b, bucket, key, source, &expected, reason).await,
        Operation::DeleteObjects {
            bucket,
            keys,
            unaudited,
            seen,
        } => {
            if b.content.is_none() && !unaudited {
                return Err(Partial::from(Failure::new(UNAUDITED_DELETE)));
            }
            let gone = storage::delete(
                b.objects()?,
                b.content.as_deref(),
                &bucket,
                &keys,
                &seen,
                &b.actor().await?,
                reason,
            )
            .await?;
            // Where some rows failed, every row was tried: the others were written.
            let audited = |k: &String| {
                if gone.unaudited.is_empty() {
                    gone.audited
                } else {
                    !gone.unaudited.iter().any(|(u, _)| u == k)
                }
            };
            let records = gone
                .deleted
                .iter()
                .map(|k| json!({"type": "deleted", "bucket": bucket.as_str(), "key": k, "audited": audited(k)}))
                .collect();
            let message = deleted_words(&gone);
            if gone.failed.is_empty() && gone.unaudited.is_empty() && gone.changed.is_empty() {
                let mut done = Done::new(message);
                done.records = records;
                return Ok(done);
            }
            // Every key not deleted, each with why, for the error log (the message names the
            // first of each kind).
            let chain = gone
                .changed
                .iter()
                .map(|(k, e)| format!("{}: kept: {e}", crate::text::key(k)))
                .chain(
                    gone.gone_since
                        .iter()
                        .map(|k| format!("{}: gone since it was shown", crate::text::key(k))),
                )
                .chain(
                    gone.failed
                        .iter()
                        .map(|(k, e)| format!("{}: not deleted: {e}", crate::text::key(k))),
                )
                .chain(gone.unaudited.iter().map(|(k, e)| {
                    format!(
                        "{}: deleted, its audit row not written: {e}",
                        crate::text::key(k)
                    )
                }))
                .collect::<Vec<_>>()
                .join("; ");
            Err(Partial {
                failure: Failure {
                    message,
                    chain,
                    refused: false,
                    cause: crate::app::Cause::Other,
                    said: false,
                },
                records,
                stale: !gone.changed.is_empty(),
            })
        }
        op @ (Operation::SaveQuery(_) | Operation::DeleteQuery { .. }) => {
            query_definition(b, op, reason).await
        }
        Operation::DeleteAccount { plan, export } => {
            people::run_deletion(b, &plan, export.as_deref(), reason).await
        }
        Operation::ClearProfile { sub, fields, seen } => {
            people::clear_profile(b, &sub, &fields, &seen, reason).await
        }
        Operation::SetProfile {
            sub,
            set,
            expected,
            action,
        } => people::set_profile(b, &sub, &set, &expected, &action, reason).await,
        Operation::Undo { of, operation } => {
            let reason = people::undo_reason(of, reason)?;
            let mut done = Box::pin(perform(b, *operation, &reason)).await?;
            done.summary = format!("undid audit row {of}: {}", done.summary);
            Ok(done)
        }
        Operation::CleanUp { findings, min_age } => {
            let sources = reconcile::Sources {
                content: b.content()?,
                objects: b.objects()?,
                bucket: b.bucket()?,
                directory: b.directory()?,
            };
            let cleaned =
                reconcile::clean_up(&sources, &findings, min_age, &b.actor().await?, reason)
                    .await?;
            // Audited only where something was done (it said so of a clean-up that wrote no row).
            let audited = if cleaned.objects_deleted + cleaned.profiles_created > 0 {
                ", audited"
            } else {
                ""
            };
            // Why each was left, counted (the summary said `13 left`, and nothing of why).
            let why = if cleaned.left_by.is_empty() {
                String::new()
            } else {
                format!(
                    " ({}; each in the record)",
                    cleaned
                        .left_by
                        .iter()
                        .map(|(why, n)| format!("{n} {why}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            Ok(Done {
                summary: format!(
                    "{} deleted, {} created, {} left{why}{audited}",
                    crate::text::plural(
                        usize::try_from(cleaned.objects_deleted).unwrap_or(usize::MAX),
                        "orphan object"
                    ),
                    crate::text::plural(
                        usize::try_from(cleaned.profiles_created).unwrap_or(usize::MAX),
                        "profile row"
                    ),
                    cleaned.left.len()
                ),
                records: vec![json!({
                    "type": "clean_up",
                    "objects_deleted": cleaned.objects_deleted,
                    "profiles_created": cleaned.profiles_created,
                    "left": cleaned.left,
                })],
            })
        }
    }
}

/// Saves or deletes a query definition, then writes its audit row (before and after).
async fn query_definition(
    b: &Backends,
    operation: Operation,
    reason: &Reason,
) -> Result<Done, Partial> {
    use backoffice_domain::model::{AuditAction, AuditKind, NewAuditEntry};
    // Checked first: a write that could not be audited is not made.
    let content = b.content()?;
    let insights = b.insights()?;
    let existing = insights.list_definitions().await?;
    let snapshot = |d: &QueryDefinition| {
        json!({"name": d.name, "query": d.text, "groups": d.groups.iter().map(LogGroupName::as_str).collect::<Vec<_>>()})
            .to_string()
    };
    let (action, id, before, after, summary) = match operation {
        Operation::SaveQuery(d) => {
            let before =
                d.id.as_ref()
                    .and_then(|id| existing.iter().find(|e| e.id.as_ref() == Some(id)))
                    .map(snapshot);
            let id = insights.put_definition(&d).await?;
            let summary = format!("saved the query {}", d.name);
            (
                AuditAction::QuerySave,
                id,
                before,
                Some(snapshot(&d)),
                summary,
            )
        }
        Operation::DeleteQuery { id, name } => {
            let before = existing
                .iter()
                .find(|e| e.id.as_deref() == Some(id.as_str()))
                .map(snapshot);
            if before.is_none() {
                return Err(Failure::new(format!(
                    "the saved query {name} is gone already (deleted elsewhere?); reload the list"
                ))
                .into());
            }
            insights.delete_definition(&id).await?;
            (
                AuditAction::QueryDelete,
                id,
                before,
                None,
                format!("deleted the saved query {name}"),
            )
        }
        _ => return Err(Failure::new("not a query definition write").into()),
    };
    let entry = NewAuditEntry {
        actor: b.actor().await?,
        action: action.clone(),
        target_kind: AuditKind::Query,
        target_id: id.clone(),
        reason: Some(reason.clone()),
        before,
        after,
    };
    let audit_id = content.record_audit(&entry).await.map_err(|e| Failure {
        message: format!("{summary}, but its audit row could not be written; record it by hand"),
        chain: e.chain(),
        refused: false,
        cause: crate::app::Cause::Other,
        said: false,
    })?;
    Ok(Done {
        summary: format!("{summary}, audited"),
        records: vec![json!({
            "type": "query_definition",
            "action": action.as_str(),
            "id": id,
            "audit_id": audit_id.get(),
        })],
    })
}

/// A presigned GET link to `key`. Handing one out opens a private object to whoever holds the
/// link, so it is refused in a read-only session and recorded in the audit log.
pub async fn share(
    b: &Backends,
    context: &Context,
    bucket: &BucketName,
    key: &str,
    expires_in: Duration,
) -> Result<PresignedRequest, Failure> {
    admit(context, "a link (recorded in the audit log)")?;
    Ok(storage::share(
        b.objects()?,
        b.content.as_deref(),
        bucket,
        key,
        expires_in,
        &b.actor().await?,
    )
    .await?)
}

/// Largest file an upload reads (a single PUT).
pub const MAX_UPLOAD_BYTES: u64 = 256 * 1024 * 1024;

async fn upload(
    b: &Backends,
    bucket: BucketName,
    key: ObjectKey,
    source: PathBuf,
    expected: &storage::Expected,
    reason: &Reason,
) -> Result<Done, Partial> {
    let local =
        |e: std::io::Error| Failure::new(format!("could not read {}: {e}", source.display()));
    let meta = tokio::fs::metadata(&source).await.map_err(local)?;
    if meta.is_dir() {
        return Err(Failure::new(format!(
            "{} is a folder; upload one file at a time",
            source.display()
        ))
        .into());
    }
    if meta.len() > MAX_UPLOAD_BYTES {
        return Err(Failure::new(format!(
            "{} is {}; uploads take at most {}",
            source.display(),
            human_size(meta.len()),
            human_size(MAX_UPLOAD_BYTES)
        ))
        .into());
    }
    let body = tokio::fs::read(&source).await.map_err(local)?;
    let content_type = content_type_of(key.as_str(), None);
    let up = storage::upload(
        b.objects()?,
        b.content.as_deref(),
        &bucket,
        &key,
        body,
        &content_type,
        expected,
        &b.actor().await?,
        reason,
    )
    .await?;
    Ok(Done {
        // The key as the listing names it: a literal `<U+0009>` read as a tab.
        summary: format!(
            "{} {} ({}){}",
            if up.replaced { "replaced" } else { "uploaded" },
            crate::text::key(key.as_str()),
            human_size(up.entry.size),
            audit_note(up.audited)
        ),
        records: vec![json!({
            "type": "uploaded",
            "bucket": bucket.as_str(),
            "key": key.as_str(),
            "size": up.entry.size,
            "replaced": up.replaced,
            "audited": up.audited,
        })],
    })
}

fn report_record(r: &backoffice_domain::model::Report) -> Value {
    crate::script::records::report(r)
}

/// What a delete did, in counts (a narrow status bar cuts the middle of a line, and key names
/// there left out the counts): how many went, then each kind of key left: kept because another
/// object was put there since it was shown, gone since (someone else deleted it), deleted
/// without its audit row, and last (a cut keeps a line's end) not deleted, the first with the
/// store's why. A delete of one key names it; the error log lists every key.
fn deleted_words(gone: &storage::Deleted) -> String {
    let asked = gone.deleted.len() + gone.changed.len() + gone.gone_since.len() + gone.failed.len();
    // One key asked for: named (a count of one said nothing of which).
    let named = |key: &String| {
        if asked == 1 {
            format!(": {}", crate::text::key(key))
        } else {
            String::new()
        }
    };
    let mut parts = vec![format!(
        "deleted {}{}",
        crate::text::plural(gone.deleted.len(), "object"),
        if gone.deleted.is_empty() || !gone.unaudited.is_empty() {
            ""
        } else {
            audit_note(gone.audited)
        }
    )];
    if let Some((key, _)) = gone.changed.first() {
        parts.push(format!(
            "{} kept (replaced since shown){}",
            gone.changed.len(),
            named(key)
        ));
    }
    if let Some(key) = gone.gone_since.first() {
        parts.push(format!(
            "{} gone since shown{}",
            gone.gone_since.len(),
            named(key)
        ));
    }
    let n = gone.unaudited.len();
    if n > 0 {
        parts.push(format!(
            "{n} audit row{} not written (record {} by hand)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
        ));
    }
    if let Some((key, why)) = gone.failed.first() {
        let why = if why == "not found" {
            "not there".to_string()
        } else {
            why.clone()
        };
        let n = gone.failed.len();
        parts.push(format!(
            "{n} not deleted: {} ({why}){}",
            crate::text::key(key),
            match n {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            }
        ));
    }
    parts.join("; ")
}

fn audit_note(audited: bool) -> &'static str {
    if audited {
        ", audited"
    } else {
        " (not audited: the environment has no database)"
    }
}

fn resolution_verb(r: ReportResolution) -> &'static str {
    match r {
        ReportResolution::Actioned => "resolve",
        ReportResolution::Dismissed => "dismiss",
    }
}

/// The content type storage gave, else one guessed from the key's extension.
pub fn content_type_of(key: &str, stored: Option<&str>) -> String {
    // S3's defaults for "unknown" say nothing; the extension says more.
    let generic = ["application/octet-stream", "binary/octet-stream"];
    if let Some(t) = stored.filter(|t| !t.trim().is_empty() && !generic.contains(t)) {
        return t.to_string();
    }
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "json" => "application/json",
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "toml" => "application/toml",
        _ => stored.unwrap_or("application/octet-stream"),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clean-up is asked for by what it may do, not by the findings it was given: those for
    /// people are not counted (it asked to "clean up 5 findings" and could act on 2).
    #[test]
    fn a_clean_up_names_what_it_may_do() {
        let sub = UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap();
        let findings = vec![
            reconcile::Finding::OrphanObject {
                key: "posts/x/a.png".into(),
                size: 3,
            },
            reconcile::Finding::UserWithoutProfile {
                username: backoffice_domain::model::Username::parse("ann").unwrap(),
                sub: sub.clone(),
                email: None,
            },
            reconcile::Finding::AuthorWithoutUser { sub },
        ];
        assert_eq!(clean_up_work(&findings), (1, 1));
        let asked = Operation::CleanUp {
            findings: findings.clone(),
            min_age: chrono::Duration::hours(24),
        }
        .describe();
        assert_eq!(
            asked,
            "clean up: delete up to 1 orphaned object (those older than 1 day), make 1 missing profile row"
        );
        assert_eq!(clean_up_work(&findings[2..]), (0, 0));
    }

    /// The audit list's short caller names stand for whole ARNs in the operator's account.
    #[test]
    fn a_short_caller_name_is_the_arn_in_the_operators_account() {
        let operator = "arn:aws-cn:sts::111122223333:assumed-role/Operator/alice@example.com";
        assert_eq!(
            actor_arn("user/bob", operator).as_deref(),
            Some("arn:aws-cn:iam::111122223333:user/bob")
        );
        assert_eq!(
            actor_arn("Deploy/ci-42", operator).as_deref(),
            Some("arn:aws-cn:sts::111122223333:assumed-role/Deploy/ci-42")
        );
        assert_eq!(
            actor_arn("root", operator).as_deref(),
            Some("arn:aws-cn:iam::111122223333:root")
        );
        for as_typed in ["sandbox:root", "arn:aws:iam::1:user/bob", "bob"] {
            assert_eq!(actor_arn(as_typed, operator), None, "{as_typed}");
        }
        assert_eq!(actor_arn("user/bob", "sandbox:root"), None);
        assert_eq!(actor_label(operator), "Operator/alice@example.com");
    }

    /// On the sandbox's store: `actor:user/bob` lists bob's rows (the log holds his ARN), and
    /// the operator's own short name finds their rows whatever shape their ARN has.
    #[tokio::test]
    async fn an_audit_filter_by_short_name_finds_the_callers_rows() {
        use backoffice_domain::model::{
            AuditAction, AuditFilter, AuditKind, NewAuditEntry, PageRequest,
        };
        let dir = tempfile::tempdir().unwrap();
        let sandbox = backoffice_domain::sandbox::Sandbox::open(dir.path())
            .await
            .unwrap();
        let me = Actor::parse("arn:aws:sts::123456789012:user/moto").unwrap();
        let b = Backends::sandbox(&sandbox, me.clone());
        let bob = Actor::parse("arn:aws:iam::123456789012:user/bob").unwrap();
        for (actor, id) in [(&bob, "1"), (&me, "2"), (&bob, "3")] {
            sandbox
                .content
                .record_audit(&NewAuditEntry {
                    actor: actor.clone(),
                    action: AuditAction::PostHide,
                    target_kind: AuditKind::Post,
                    target_id: id.into(),
                    reason: None,
                    before: None,
                    after: None,
                })
                .await
                .unwrap();
        }
        let listed = |label: &str| {
            let filter = AuditFilter {
                actor: Some(label.into()),
                ..AuditFilter::default()
            };
            let b = b.clone();
            async move {
                let filter = b.audit_filter(&filter).await;
                b.content()
                    .unwrap()
                    .list_audit(&filter, PageRequest::first(10))
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|e| e.target_id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(listed("user/bob").await, ["3", "1"]);
        assert_eq!(listed("user/moto").await, ["2"]);
        assert_eq!(
            listed(bob.as_str()).await,
            ["3", "1"],
            "the whole ARN as typed"
        );
    }

    /// The call runs only when first asked, once however many clones ask; a failure is asked
    /// again next time, a success is kept.
    #[tokio::test]
    async fn an_answer_is_learned_once_shared_and_a_failure_is_asked_again() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let identity = Identity::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                // Still under way when the second caller comes.
                tokio::task::yield_now().await;
                if n == 0 {
                    Err("STS did not answer within 20 s".to_string())
                } else {
                    Actor::parse("arn:aws:sts::123456789012:assumed-role/ops/ann")
                        .map_err(|e| e.to_string())
                }
            }
        });
        let other = identity.clone();
        assert!(identity.now().is_none());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            0,
            "asked before anyone needed it"
        );
        let (a, b) = tokio::join!(identity.get(), other.get());
        assert_eq!(a.unwrap_err(), "STS did not answer within 20 s");
        assert_eq!(b.unwrap_err(), "STS did not answer within 20 s");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "both waited for one call");
        let (a, b) = tokio::join!(identity.get(), other.get());
        assert_eq!(a.unwrap(), b.unwrap());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "the failure was asked again, once"
        );
        identity.get().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the answer is kept");
        assert!(matches!(identity.now(), Some(Ok(a)) if a.as_str().ends_with("/ann")));
        let known = Identity::from(Actor::parse("sandbox:ann").unwrap());
        assert_eq!(known.get().await.unwrap().as_str(), "sandbox:ann");
    }

    fn context(production: bool, read_only: bool) -> Context {
        Context {
            environment: "prod".into(),
            production,
            profile: None,
            region: "eu-west-1".into(),
            operator: "ops".into(),
            audited: true,
            read_only,
        }
    }

    /// Without a database an object delete is refused, and the object stays, unless asked for
    /// unaudited.
    #[tokio::test]
    async fn object_deletes_without_a_database_need_unaudited() {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = backoffice_domain::sandbox::Sandbox::open(dir.path())
            .await
            .unwrap();
        let mut b = Backends::sandbox(&sandbox, Actor::parse("sandbox:ops").unwrap());
        b.content = None;
        let bucket = b.bucket().unwrap().clone();
        let key = backoffice_domain::model::ObjectKey::parse("posts/x/a.txt").unwrap();
        b.objects()
            .unwrap()
            .put(
                &bucket,
                &key,
                b"a".to_vec(),
                "text/plain",
                &Default::default(),
            )
            .await
            .unwrap();
        let reason = Reason::parse("test").unwrap();
        let delete = |unaudited| Operation::DeleteObjects {
            bucket: bucket.clone(),
            keys: vec![key.as_str().to_string()],
            unaudited,
            seen: Default::default(),
        };
        let refused = perform(&b, delete(false), &reason).await.unwrap_err();
        assert_eq!(refused.failure.message, UNAUDITED_DELETE);
        assert!(
            b.objects()
                .unwrap()
                .head(&bucket, key.as_str())
                .await
                .is_ok()
        );
        let done = perform(&b, delete(true), &reason).await.unwrap();
        assert!(
            done.summary.starts_with("deleted 1 object (not audited"),
            "{done:?}"
        );
        assert!(
            b.objects()
                .unwrap()
                .head(&bucket, key.as_str())
                .await
                .is_err()
        );
        let mut ctx = context(false, false);
        ctx.audited = false;
        assert!(admit_operation(&ctx, &delete(false)).is_err());
    }

    /// A create refused for a name taken changed nothing and shows nothing out of date: its
    /// dialog opens again as it was filled (it closed, and what was typed was lost).
    #[tokio::test]
    async fn a_create_refused_for_a_taken_name_changed_nothing() {
        let (_dir, _sandbox, b) = bare_sandbox().await;
        let account = |name: &str, email: &str| {
            Operation::CreateUser(accounts::NewAccount {
                username: backoffice_domain::model::Username::parse(name).unwrap(),
                email: backoffice_domain::model::Email::parse(email).unwrap(),
                send_invitation: true,
            })
        };
        let reason = Reason::parse("ticket 7").unwrap();
        perform(&b, account("anna", "anna@example.com"), &reason)
            .await
            .unwrap();
        let refused = perform(&b, account("anna", "anna2@example.com"), &reason)
            .await
            .unwrap_err();
        assert!(
            refused.failure.message.contains("anna already exists"),
            "{}",
            refused.failure.message
        );
        assert!(!refused.changed_anything());
    }

    /// An unseeded sandbox's backends, as `sandbox:ops` (its folder and store kept alive).
    async fn bare_sandbox() -> (
        tempfile::TempDir,
        backoffice_domain::sandbox::Sandbox,
        Backends,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = backoffice_domain::sandbox::Sandbox::open(dir.path())
            .await
            .unwrap();
        let b = Backends::sandbox(&sandbox, Actor::parse("sandbox:ops").unwrap());
        (dir, sandbox, b)
    }

    /// How many audit rows there are (up to 100).
    async fn audit_rows(b: &Backends) -> usize {
        use backoffice_domain::model::{AuditFilter, PageRequest};
        b.content()
            .unwrap()
            .list_audit(&AuditFilter::default(), PageRequest::first(100))
            .await
            .unwrap()
            .items
            .len()
    }

    /// A key that is not there is not deleted and not audited: S3 answers its delete as done,
    /// and it was said "deleted 1 object, audited" (a mistyped key, an escape written as `␛`).
    #[tokio::test]
    async fn deleting_a_key_that_is_not_there_says_so_and_audits_nothing() {
        let (_dir, _sandbox, b) = bare_sandbox().await;
        let b = &b;
        let bucket = b.bucket().unwrap().clone();
        let before = audit_rows(b).await;
        let missing = Operation::DeleteObjects {
            bucket: bucket.clone(),
            keys: vec!["posts/nope.txt".into()],
            unaudited: false,
            seen: Default::default(),
        };
        let failed = perform(b, missing, &Reason::parse("cleanup").unwrap())
            .await
            .unwrap_err();
        assert_eq!(
            failed.failure.message,
            "deleted 0 objects; 1 not deleted: posts/nope.txt (not there)"
        );
        assert_eq!(audit_rows(b).await, before, "no audit row");
    }

    /// A delete that did part of what was asked says it in counts (a narrow status bar cuts a
    /// line's middle), each kind of key left apart, the store's refusal last with its why.
    #[test]
    fn a_partial_delete_says_its_counts_first_and_each_kind_left() {
        let pair = |k: &str, why: &str| (k.to_string(), why.to_string());
        let gone = storage::Deleted {
            deleted: (0..26).map(|i| format!("obj{i:02}.txt")).collect(),
            failed: vec![pair("locked.txt", "AccessDenied: Access Denied")],
            gone_since: vec!["obj03.txt".into()],
            changed: vec![
                pair(
                    "obj15.txt",
                    "changed since it was shown (the same size, another ETag)",
                ),
                pair("obj29.txt", "replaced since it was read (another ETag)"),
            ],
            audited: true,
            unaudited: Vec::new(),
        };
        assert_eq!(
            deleted_words(&gone),
            "deleted 26 objects, audited; 2 kept (replaced since shown); 1 gone since shown; 1 \
             not deleted: locked.txt (AccessDenied: Access Denied)"
        );
        // One key asked for is named.
        let one = storage::Deleted {
            changed: vec![pair("obj15.txt", "changed since it was shown")],
            ..storage::Deleted::default()
        };
        assert_eq!(
            deleted_words(&one),
            "deleted 0 objects; 1 kept (replaced since shown): obj15.txt"
        );
    }

    /// A link to a key that is not there is refused, not handed out and audited. The sandbox
    /// refused it already; S3, which signs a link to anything, is held to it by the moto test
    /// `scriptable_commands_on_moto_and_mariadb_audit_under_the_caller_arn` in tests/cli.rs.
    #[tokio::test]
    async fn a_link_to_a_key_that_is_not_there_is_refused() {
        let (_dir, _sandbox, b) = bare_sandbox().await;
        let bucket = b.bucket().unwrap().clone();
        let refused = share(
            &b,
            &context(false, false),
            &bucket,
            "posts/nope.txt",
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
        assert!(
            refused.message.ends_with("not found"),
            "{}",
            refused.message
        );
    }

    /// Resolving targets with no open reports says nothing changed (it said `0 reports
    /// actioned, audited`) and writes no audit row.
    #[tokio::test]
    async fn resolving_targets_without_open_reports_says_nothing_changed() {
        use backoffice_domain::model::{PostId, ReportResolution, Target};
        let (_dir, _sandbox, b) = bare_sandbox().await;
        let before = audit_rows(&b).await;
        let done = perform(
            &b,
            Operation::ResolveReports {
                targets: vec![Target::Post(PostId::new(987_654).unwrap())],
                resolution: ReportResolution::Actioned,
                seen: Vec::new(),
            },
            &Reason::parse("test").unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            done.summary,
            "no open reports on post 987654: nothing changed"
        );
        assert_eq!(audit_rows(&b).await, before);
    }

    /// A report that comes in while the dialog is open is not closed unread: the resolution
    /// closes the reports up to the newest one shown, and says the rest are left open (a
    /// dialog that listed 45 closed 46).
    #[tokio::test]
    async fn a_report_filed_after_the_dialog_was_shown_stays_open() {
        use backoffice_domain::model::{
            NewReport, PageRequest, QueueFilter, ReportFilter, ReportResolution, ReportStatus,
            Target, UserSub,
        };
        let (_dir, _sandbox, b) = bare_sandbox().await;
        let c = b.content().unwrap();
        let post = c
            .create_post(&backoffice_domain::model::NewPost {
                author_sub: UserSub::parse("00000000-0000-4000-8000-000000000099").unwrap(),
                body: backoffice_domain::model::PostBody::parse("buy followers").unwrap(),
                image_key: None,
            })
            .await
            .unwrap();
        let target = Target::Post(post.id);
        let file = |n: u8| NewReport {
            target: target.clone(),
            reporter_sub: UserSub::parse(format!("00000000-0000-4000-8000-0000000000{n:02}"))
                .unwrap(),
            reason: Reason::parse("spam links").unwrap(),
            note: None,
        };
        for n in 1..=3 {
            c.file_report(&file(n)).await.unwrap();
        }
        // What the queue showed when the dialog was made.
        let shown = c
            .report_queue(&QueueFilter::default(), PageRequest::first(10))
            .await
            .unwrap()
            .items
            .remove(0);
        assert_eq!(shown.open_reports, 3);
        let late = c.file_report(&file(4)).await.unwrap();
        let done = perform(
            &b,
            Operation::ResolveReports {
                targets: vec![target.clone()],
                resolution: ReportResolution::Actioned,
                seen: vec![Some(shown.latest_open_id)],
            },
            &Reason::parse("spam wave").unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            done.summary,
            "3 reports actioned, audited; 1 report came in since it was shown and is left open"
        );
        let open = c
            .list_reports(
                &ReportFilter {
                    status: Some(ReportStatus::Open),
                    target: Some(target),
                    reporter: None,
                },
                PageRequest::first(10),
            )
            .await
            .unwrap()
            .items;
        assert_eq!(open.iter().map(|r| r.id).collect::<Vec<_>>(), [late.id]);
    }

    #[test]
    fn a_read_only_session_is_refused_before_anything_is_asked() {
        let refused = admit(&context(false, true), "hide 1 item").unwrap_err();
        assert_eq!(
            refused.message,
            "read-only session, so nothing was changed: hide 1 item"
        );
    }

    #[test]
    fn production_asks_for_its_name_and_refuses_anything_else() {
        let gate = admit(&context(true, false), "x").unwrap();
        assert_eq!(gate, Gate::TypeName("prod".into()));
        assert!(check_typed(&gate, Some("prod")).is_ok());
        assert!(check_typed(&gate, Some(" prod ")).is_ok());
        assert!(check_typed(&gate, Some("staging")).is_err());
        assert!(check_typed(&gate, None).is_err());
        let plain = admit(&context(false, false), "x").unwrap();
        assert!(check_typed(&plain, None).is_ok());
    }
}

#[cfg(test)]
mod people_tests;
