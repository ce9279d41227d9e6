//! backoffice: the terminal console the team runs the service with. This file wires the
//! command line, the sandbox and the console loop; panes and state live in their modules.

use backoffice::app::{self, App, AppEvent, Context, PaneId, Request};
use backoffice::{cli, config, environments, exec, history, keymap, paths, terminal, theme, ui};
use backoffice_domain::model::Actor;
use backoffice_domain::sandbox::traffic::{Simulator, TrafficOptions};
use backoffice_domain::sandbox::{MEDIA_BUCKET, Sandbox, SeedOptions};
use cli::{Cli, SandboxCommand};
use color_eyre::eyre::{Result, WrapErr, bail};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use paths::Paths;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the spinner advances while a request is in flight (well under 30 frames a second).
const SPINNER_FRAME: Duration = Duration::from_millis(120);
/// Finished requests waiting for the loop; senders wait when it is full.
const EVENT_QUEUE: usize = 64;
/// Log lines waiting for the file writer's thread; beyond it a burst's lines are dropped
/// rather than the console waiting for the disk.
const LOG_QUEUE_LINES: usize = 4096;

fn main() -> ExitCode {
    keep_one_small_heap();
    let _ = color_eyre::install();
    let cli = Cli::parse_checked();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A name from outside in the message (a key, a username) drives nothing.
            eprintln!("error: {}", backoffice::text::error_text(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

/// Fixes glibc's thresholds for mapping and trimming at 128 KiB, and keeps one heap for every
/// thread. By default glibc raises its mmap threshold to the size of each large block freed, so
/// later large blocks that live briefly (a scan's buffers, a batch of log lines) come from the
/// heap and its freed space stays resident; and each of the console's threads (the runtime's,
/// one per SQLite connection) got a heap of its own, each keeping its own peak. The console's
/// live heap is about 5 MiB and its allocations are few, so one heap costs no waiting worth
/// measuring (docs/benchmarks.md, "The console left running"). Called first, before any
/// thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn keep_one_small_heap() {
    const THRESHOLD: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only sets the allocator's tunables; it is called before any other thread
    // exists, and a refused value (it returns 0) leaves glibc's defaults in place.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_one_small_heap() {}

/// Reads config.toml, turning its mistakes into one error that lists each with file, line and
/// key. A broken file stops everything but the sandbox, which needs nothing from it: asked for
/// by name (`--sandbox`, `--env sandbox`), it opens on the defaults, and the mistakes come back
/// as warnings to show.
fn load_config(paths: &Paths, cli: &Cli) -> Result<(config::Config, Vec<String>)> {
    let errors = match config::Config::load(&paths.config_file()) {
        Ok(config) => return Ok((config, Vec::new())),
        Err(errors) => errors,
    };
    let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    let summary = format!(
        "the config file has {} mistake{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
    );
    if cli.sandbox || cli.env.as_deref() == Some(config::SANDBOX) {
        let mut warnings = vec![format!(
            "{summary}; the sandbox opens without it (its keys and theme are the defaults)"
        )];
        warnings.extend(errors.iter().map(ToString::to_string));
        return Ok((config::Config::default(), warnings));
    }
    bail!(
        "{summary}:\n{}\n(`backoffice --sandbox` opens the sandbox without it)",
        list.join("\n")
    )
}

/// The environment the command line names, or the file's default. Where the name came from
/// is said with a name the file does not know: `BACKOFFICE_ENV` set in a shell long ago reads
/// like a typo otherwise.
fn select<'a>(config: &'a config::Config, cli: &Cli) -> Result<Option<&'a config::Environment>> {
    config.select(cli.sandbox, cli.env.as_deref()).map_err(|e| {
        match (cli.env.is_some(), cli.env_from_variable) {
            (true, true) => color_eyre::eyre::eyre!("BACKOFFICE_ENV: {e}"),
            (true, false) => color_eyre::eyre::eyre!("--env: {e}"),
            (false, _) => color_eyre::eyre::eyre!(e),
        }
    })
}

async fn run(mut cli: Cli) -> Result<()> {
    let paths = Paths::resolve()?;
    match cli.command.take() {
        Some(cli::Command::Info { json }) => {
            let (config, warnings) = load_config(&paths, &cli)?;
            for w in warnings {
                eprintln!("warning: {w}");
            }
            let env = select(&config, &cli)?;
            info(&paths, &config, env, cli.read_only, json)
        }
        Some(cli::Command::Sandbox {
            command: SandboxCommand::Path,
        }) => {
            println!("{}", paths.sandbox_dir().display());
            Ok(())
        }
        // Replacing the sandbox's data is a write like any other.
        Some(cli::Command::Sandbox {
            command: SandboxCommand::Seed { .. },
        }) if cli.read_only => {
            bail!(
                "read-only session: `sandbox seed` would replace the sandbox's data; nothing was done"
            )
        }
        // `--env staging sandbox seed` read as seeding staging; it would have replaced the
        // sandbox's data without a word about it.
        Some(cli::Command::Sandbox {
            command: SandboxCommand::Seed { .. },
        }) if !cli.sandbox && cli.env.as_deref().is_some_and(|e| e != "sandbox") => {
            bail!(
                "`sandbox seed` replaces the embedded sandbox's data and never touches \
                 environment {} (named by --env or BACKOFFICE_ENV); nothing was done. Run it \
                 with --sandbox",
                cli.env.as_deref().unwrap_or_default()
            )
        }
        Some(cli::Command::Sandbox {
            command: SandboxCommand::Seed { yes },
        }) => reseed(&paths, yes).await,
        Some(cli::Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "backoffice", &mut script);
            match std::io::stdout().write_all(&script) {
                // A reader that stopped early (`| head`) is not a failure.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
        Some(command) => scripted(&paths, &cli, command).await,
        None => console(&paths, &cli).await,
    }
}

/// A scriptable command: opens the environment like the console (without simulated traffic),
/// then runs one job.
async fn scripted(paths: &Paths, cli: &Cli, command: cli::Command) -> Result<()> {
    use backoffice::script::Job;
    let (job, output) = match command {
        cli::Command::Users { command, output } => (Job::Users(command), output),
        cli::Command::Posts { command, output } => (Job::Posts(command), output),
        cli::Command::Reports { command, output } => (Job::Reports(command), output),
        cli::Command::Objects { command, output } => (Job::Objects(command), output),
        cli::Command::Logs { command, output } => (Job::Logs(command), output),
        cli::Command::Audit { command, output } => (Job::Audit(command), output),
        cli::Command::Insights { command, output } => (Job::Insights(command), output),
        cli::Command::Metrics { since, output } => (Job::Metrics { since }, output),
        cli::Command::Alarms { output } => (Job::Alarms, output),
        cli::Command::Reconcile {
            clean_up,
            min_age,
            reason,
            format,
            output,
        } => (
            Job::Reconcile {
                clean_up,
                min_age,
                reason,
                format,
            },
            output,
        ),
        _ => bail!("not a scriptable command"),
    };
    let _log = init_tracing(paths)?;
    let (config, warnings) = load_config(paths, cli)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let selected = select(&config, cli)?;
    let (backends, context, _pending) =
        open_environment(paths, selected, cli.read_only, 0.0).await?;
    // A command waits only for what it uses: one on the database for the database's check (a
    // database behind this build is refused), a write for who writes it too (before it asks).
    // Logs, metrics and objects are read while STS or the database is down.
    if job.uses_database()
        && let Some(database) = &backends.database
    {
        database
            .get()
            .await
            .map_err(|e| color_eyre::eyre::eyre!(e))?;
    }
    backoffice::script::run(job, &backends, &context, &output).await
}

/// A seed for the simulator that differs between runs.
fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
}

/// Who is at the keyboard, for the sandbox's audit rows: the OS account of this process
/// (tmux, cron and containers often run without `$USER`), then `$USER`/`$USERNAME`.
fn operator() -> String {
    let user = whoami::username()
        .ok()
        .filter(|name| !name.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".to_string());
    format!("sandbox:{user}")
}

fn info(
    paths: &Paths,
    config: &config::Config,
    env: Option<&config::Environment>,
    read_only: bool,
    json: bool,
) -> Result<()> {
    use serde_json::Value;
    let text = |s: String| Value::String(s);
    let config_file = paths.config_file();
    let mut rows: Vec<(&str, Value)> = vec![
        ("config_dir", text(paths.config_dir.display().to_string())),
        ("config_file", text(config_file.display().to_string())),
        ("config_file_exists", Value::Bool(config_file.exists())),
        ("data_dir", text(paths.data_dir.display().to_string())),
        (
            "sandbox_dir",
            text(paths.sandbox_dir().display().to_string()),
        ),
        ("state_dir", text(paths.state_dir.display().to_string())),
        ("log_file", text(paths.log_file().display().to_string())),
    ];
    // Absent settings are `null` in JSON and say what stands in for them in text.
    let or = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    // The theme in force: the environment's, else the file's, else the built-in one (a file's
    // `theme` was said to be the default).
    let theme = env
        .and_then(|e| e.theme.clone())
        .or_else(|| config.theme.clone());
    match env {
        None => rows.extend([
            ("environment", text(config::SANDBOX.to_string())),
            ("read_only", Value::Bool(read_only)),
            ("bucket", text(MEDIA_BUCKET.to_string())),
            ("operator", text(operator())),
            ("theme", or(&theme)),
        ]),
        Some(e) => {
            let database = match e.resolve_database_url(|v| std::env::var(v).ok()) {
                Ok(Some(url)) => text(config::mask_url(&url)),
                Ok(None) => Value::Null,
                Err(problem) => text(format!("(unresolved: {problem})")),
            };
            let password = match &e.database_url {
                None => Value::Null,
                Some(url) if url.contains("${") => text("from ${…} placeholders".to_string()),
                Some(_) => text(match std::env::var_os(&e.database_password_env) {
                    Some(v) if v.is_empty() => {
                        format!("empty ({} is set to nothing)", e.database_password_env)
                    }
                    Some(_) => format!("set in {}", e.database_password_env),
                    None => format!(
                        "not set ({} is not in the environment)",
                        e.database_password_env
                    ),
                }),
            };
            let list = |items: Vec<String>| Value::Array(items.into_iter().map(text).collect());
            rows.extend([
                ("environment", text(e.name.clone())),
                ("production", Value::Bool(e.production)),
                ("read_only", Value::Bool(read_only || e.read_only)),
                ("aws_profile", or(&e.profile)),
                ("region", or(&e.region)),
                // A user and password in it are masked as the database URL's are.
                (
                    "endpoint_url",
                    e.endpoint_url
                        .as_deref()
                        .map_or(Value::Null, |u| text(config::mask_url(u))),
                ),
                ("user_pool_id", or(&e.user_pool_id)),
                ("app_client_id", or(&e.app_client_id)),
                ("bucket", or(&e.bucket.as_ref().map(ToString::to_string))),
                ("database_url", database),
                ("database_password", password),
                (
                    "log_groups",
                    list(e.log_groups.iter().map(ToString::to_string).collect()),
                ),
                ("functions", list(e.functions.clone())),
                ("theme", or(&theme)),
            ]);
        }
    }
    // What an absent setting means, for the text.
    let absent = |key: &str| match key {
        "aws_profile" => "(default chain)",
        "region" => "(from the chain)",
        "endpoint_url" => "(AWS)",
        "database_password" => "(no database)",
        "theme" => "(default)",
        _ => "(none)",
    };
    let out = if json {
        let map: serde_json::Map<String, Value> = rows
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        format!("{}\n", Value::Object(map))
    } else {
        rows.iter()
            .map(|(k, v)| {
                let shown = match v {
                    Value::Null => absent(k).to_string(),
                    Value::String(s) => s.clone(),
                    Value::Array(items) if items.is_empty() => absent(k).to_string(),
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                format!("{k:<20} {}\n", backoffice::text::plain(&shown))
            })
            .collect()
    };
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        // A reader that stopped early (`| head -1`) is not a failure, as for every command.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn progress_printer() -> impl Fn(&str) + Sync {
    |step: &str| {
        if step == "done" {
            eprintln!(" done.");
        } else {
            eprint!(" {step}…");
        }
    }
}

async fn reseed(paths: &Paths, yes: bool) -> Result<()> {
    let dir = paths.sandbox_dir();
    if dir.join("content.db").exists() && !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "the sandbox at {} has data; pass --yes to replace it",
                dir.display()
            );
        }
        eprint!(
            "Replace all data in the sandbox at {}? [y/N] ",
            dir.display()
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Left the sandbox as it was.");
            return Ok(());
        }
    }
    Sandbox::reset(&dir).wrap_err("could not clear the sandbox")?;
    let sandbox = Sandbox::open(&dir)
        .await
        .wrap_err("could not open the sandbox")?;
    eprint!("Seeding the sandbox at {}:", dir.display());
    let summary = sandbox
        .seed(&SeedOptions::default(), &progress_printer())
        .await?;
    println!(
        "{} users, {} profiles, {} posts, {} comments, {} reports, {} objects, {} log events",
        summary.users,
        summary.profiles,
        summary.posts,
        summary.comments,
        summary.reports,
        summary.objects,
        summary.log_events
    );
    Ok(())
}

fn init_tracing(paths: &Paths) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(&paths.state_dir).wrap_err_with(|| {
        format!(
            "cannot create the state folder {}",
            paths.state_dir.display()
        )
    })?;
    let appender = tracing_appender::rolling::never(&paths.state_dir, "backoffice.log");
    // The writer's queue is allocated and touched whole at start: tracing-appender's default
    // of 128,000 lines held 4 MiB resident for a console that writes a few lines a minute.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(appender);
    let filter =
        backoffice_domain::logging::filter(std::env::var("BACKOFFICE_LOG").ok().as_deref());
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(guard)
}

/// The error log of the environment left, kept into the next (each entry named with the
/// environment it happened in): it was empty after `:env`.
type Carried = std::collections::VecDeque<(String, app::Failure)>;

/// How an event loop ended.
enum Exit {
    Quit,
    /// `:env NAME`: reopen on another environment, where the console stood (the pane, the
    /// Posts pane's view, the home bucket's folder).
    Switch(String, app::Place, Carried),
}

async fn open_sandbox(paths: &Paths) -> Result<Sandbox> {
    let dir = paths.sandbox_dir();
    // Its cause once (eyre's chain said it twice) and what to do, as docs/configuration.md
    // promises: the damaged files are never overwritten unasked.
    let mut sandbox = match Sandbox::open(&dir).await {
        Ok(sandbox) => sandbox,
        Err(e) => bail!(
            "could not open the sandbox at {}: {}
move the folder away, or run `backoffice sandbox seed` to replace it with a fresh seed",
            dir.display(),
            e.chain()
        ),
    };
    if sandbox.seeded_at().await?.is_none() {
        // Whatever is there is an interrupted first seed: start it over.
        drop(sandbox);
        Sandbox::reset(&dir).wrap_err("could not clear an unfinished sandbox")?;
        sandbox = Sandbox::open(&dir)
            .await
            .wrap_err("could not open the sandbox")?;
        eprint!("Seeding the sandbox at {} (first start):", dir.display());
        sandbox
            .seed(&SeedOptions::default(), &progress_printer())
            .await?;
    }
    Ok(sandbox)
}

/// The backends and status-bar context of an environment (`None`: the sandbox).
async fn open_environment(
    paths: &Paths,
    env: Option<&config::Environment>,
    read_only: bool,
    traffic: f64,
) -> Result<(exec::Backends, Context, environments::Pending)> {
    match env {
        None => {
            let sandbox = open_sandbox(paths).await?;
            tracing::info!(sandbox = %paths.sandbox_dir().display(), "opened the sandbox");
            if traffic > 0.0 {
                let options = TrafficOptions {
                    per_second: traffic,
                    seed: rand_seed(),
                    ..TrafficOptions::default()
                };
                let simulator = Simulator::new(&sandbox, options)
                    .await
                    .wrap_err("could not start the sandbox's simulated traffic")?;
                // Runs until the console exits (the runtime's shutdown ends it).
                tokio::spawn(simulator.run());
                tracing::info!(per_second = traffic, "simulated traffic started");
            }
            let operator = operator();
            let actor = Actor::parse(&operator).map_err(|e| color_eyre::eyre::eyre!("{e}"))?;
            Ok((
                exec::Backends::sandbox(&sandbox, actor),
                Context {
                    environment: config::SANDBOX.to_string(),
                    production: false,
                    profile: None,
                    region: "local".to_string(),
                    operator,
                    read_only,
                    audited: true,
                },
                environments::Pending::none(),
            ))
        }
        Some(e) => environments::open(e, read_only).await,
    }
}

async fn console(paths: &Paths, cli: &Cli) -> Result<()> {
    let _log = init_tracing(paths)?;
    let (config, warnings) = load_config(paths, cli)?;
    let (keymap, key_problems) = keymap::Keymap::with_overrides(&config.keys);
    // Said newest last: the status bar shows the summary (it showed the file's last mistake
    // alone), and the error log, newest first, lists the mistakes from the file's top down.
    let mut warnings = warnings;
    if !warnings.is_empty() {
        let summary = warnings.remove(0);
        warnings.reverse();
        warnings.push(format!("{summary}; ! lists each"));
    }
    let startup_problems: Vec<String> = key_problems
        .into_iter()
        .map(|p| config.locate_key_problem(p))
        .chain(warnings)
        .collect();
    let themes_dir = paths.config_dir.join("themes");
    let mut selected = select(&config, cli)?.cloned();
    terminal::install_panic_hook();
    // Asked of the terminal once, before anything reads keys.
    let mut picker = None;
    // Where to open: the command line's pane, then (after `:env`) where the console stood.
    let mut place = app::Place::pane(cli.pane.unwrap_or(PaneId::Posts));
    let mut carried = Carried::new();
    loop {
        let (backends, context, pending) =
            open_environment(paths, selected.as_ref(), cli.read_only, cli.traffic_rate()).await?;
        let theme_name = selected
            .as_ref()
            .and_then(|e| e.theme.clone())
            .or_else(|| config.theme.clone())
            .unwrap_or_else(|| {
                if context.production {
                    "production"
                } else {
                    "default-dark"
                }
                .to_string()
            });
        let mut problems = startup_problems.clone();
        let theme = match theme::Theme::load(&theme_name, &themes_dir) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{e}; using the default theme"));
                theme::Theme::default_dark()
            }
        }
        .with_environment_color(
            selected.as_ref().and_then(|e| e.color.as_deref()),
            context.production,
        );
        let environment = context.environment.clone();
        let mut app = App::unopened(context, keymap.clone(), place.pane);
        app.open_on(&place);
        app.insights.set_default_groups(&backends.log_groups);
        app.user_pool = selected.as_ref().and_then(|e| e.user_pool_id.clone());
        app.storage.home = backends.bucket.clone();
        if let Some(lines) = config.log_buffer_lines {
            app.logs.set_capacity(lines);
        }
        for (kind, h) in app.histories_mut() {
            match history::load(&paths.history_file(&environment, &kind)) {
                Ok(entries) => *h = history::History::new(entries),
                Err(e) => problems.push(e),
            }
        }
        app.environments = std::iter::once(config::SANDBOX.to_string())
            .chain(config.environments.keys().cloned())
            .collect();
        app.themes = theme::Theme::names(&themes_dir);
        // Set up first, then the pane on screen asks for its first page, once (on its last
        // view where it has one).
        let views_file = paths.views_file(&environment);
        let commands = match app::views::load(&views_file) {
            Ok(book) => app.restore_views(book),
            Err(e) => {
                problems.push(e);
                app.open_pane(place.pane)
            }
        };
        app.errors = std::mem::take(&mut carried);
        for p in problems {
            app.fail("config", app::Failure::new(p));
        }
        let (mut tui, guard) = terminal::enter().wrap_err("cannot set up the terminal")?;
        app.storage.picker = Some(picker.get_or_insert_with(terminal::detect_picker).clone());
        app.posts.picker = app.storage.picker.clone();
        let exit = event_loop(
            &mut tui,
            app,
            First { commands, pending },
            backends,
            theme,
            &themes_dir,
            &StateFiles {
                history: &|kind: &str| paths.history_file(&environment, kind),
                views: &views_file,
            },
        )
        .await;
        drop(guard);
        match exit? {
            Exit::Quit => return Ok(()),
            Exit::Switch(name, open, errors) => {
                place = open;
                carried = errors;
                selected = config
                    .select(name == config::SANDBOX, Some(&name))
                    .map_err(|e| color_eyre::eyre::eyre!(e))?
                    .cloned();
            }
        }
    }
}

/// How often the status bar looks at the AWS throttling meter.
const THROTTLE_CHECK: Duration = Duration::from_millis(250);
/// How long a throttling answer stays on the status bar.
const THROTTLE_SHOWN: Duration = Duration::from_secs(10);

/// The status bar's line for recent throttling: the SDK retries with backoff, and the operator
/// learns why the console is slow.
fn throttle_note(meter: &backoffice_domain::adapters::aws::ThrottleMeter) -> Option<String> {
    let report = meter.report(THROTTLE_SHOWN)?;
    Some(format!(
        "AWS throttled ×{} ({})",
        report.recent, report.latest
    ))
}

async fn event_loop(
    tui: &mut terminal::Tui,
    mut app: App,
    first: First,
    backends: exec::Backends,
    mut theme: theme::Theme,
    themes_dir: &std::path::Path,
    state: &StateFiles<'_>,
) -> Result<Exit> {
    let exit = run_loop(
        tui, &mut app, first, &backends, &mut theme, themes_dir, state,
    )
    .await;
    // An export under way stops with the console, its part removed (it was left on disk).
    if let Some(export) = app.exporting.take() {
        drop(export.handle);
        exec::export::remove_part(&export.path);
        tracing::info!(path = %export.path.display(), "the export under way was cancelled by quitting");
    }
    // A running Insights query is stopped rather than left scanning (and billing) on its own.
    for c in app.insights.on_close() {
        let stop = exec::run_now(c, &backends, &app.context);
        if tokio::time::timeout(STOP_ON_EXIT, stop).await.is_err() {
            tracing::info!("the running Insights query could not be stopped in time");
        }
    }
    exit
}

/// What the loop starts with: the first pane's requests and what opening still learns.
struct First {
    commands: Vec<app::Command>,
    pending: environments::Pending,
}

/// Where the session keeps what outlives it: histories (by kind) and saved views.
struct StateFiles<'a> {
    history: &'a dyn Fn(&str) -> std::path::PathBuf,
    views: &'a std::path::Path,
}

/// How long quitting waits for a running query's StopQuery.
const STOP_ON_EXIT: Duration = Duration::from_secs(3);
/// How often the status bar's alarm badge is refreshed.
const ALARM_REFRESH: Duration = Duration::from_secs(60);

async fn run_loop(
    tui: &mut terminal::Tui,
    app: &mut App,
    first: First,
    backends: &exec::Backends,
    theme: &mut theme::Theme,
    themes_dir: &std::path::Path,
    state: &StateFiles<'_>,
) -> Result<Exit> {
    let First { commands, pending } = first;
    let (tx, mut rx) = mpsc::channel::<AppEvent>(EVENT_QUEUE);
    for c in commands {
        exec::execute(c, backends.clone(), app.context.clone(), tx.clone());
    }
    // STS's and the database's answers arrive while the first pages load.
    for check in pending.into_checks() {
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(AppEvent::Opened(check.await)).await;
        });
    }
    let mut input = EventStream::new();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .wrap_err("cannot listen for SIGTERM")?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .wrap_err("cannot listen for SIGHUP")?;
    // A stop from outside (`kill -TSTP`) gives the terminal back first, as `ctrl-z` does.
    let mut stop_request =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGTSTP))
            .wrap_err("cannot listen for SIGTSTP")?;
    let mut suspend = false;
    let mut spinner = tokio::time::interval(SPINNER_FRAME);
    // The spinner's branch sleeps while nothing is busy; it must not then fire every missed
    // tick at once, which would fade a new toast in a single frame.
    spinner.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tick = 0usize;
    let mut dirty = true;
    // A resize may have lost what the terminal showed, even when the size came back to the one
    // drawn last (SIGWINCHes coalesce: A→B→A can arrive as one event for A, and the diff
    // against the last frame would then leave B's damage). So a resize repaints every cell.
    let mut repaint = false;
    let mut pressure = tokio::time::interval(THROTTLE_CHECK);
    pressure.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Ticks at once: the badge is right from the first minute.
    let mut alarm_clock = tokio::time::interval(ALARM_REFRESH);
    alarm_clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if dirty {
            if std::mem::take(&mut repaint) {
                // `resize` clears the screen and the last frame without asking the terminal
                // for its cursor (which `clear` does, reading stdin beside the event stream).
                let size = tui.size()?;
                tui.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
            }
            tui.draw(|frame| ui::draw(frame, app, theme, tick))?;
            dirty = false;
            for c in app.after_draw() {
                exec::execute(c, backends.clone(), app.context.clone(), tx.clone());
            }
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        let mut failed = Vec::new();
        for (kind, h) in app.histories_mut() {
            if std::mem::take(&mut h.changed)
                && let Err(e) = history::save(&(state.history)(&kind), &h.entries)
            {
                failed.push(e);
            }
        }
        if std::mem::take(&mut app.views.changed)
            && let Err(e) = app::views::save(state.views, &app.views)
        {
            failed.push(e);
        }
        for e in failed {
            app.fail("state folder", app::Failure::new(e));
        }
        for request in std::mem::take(&mut app.requests) {
            match request {
                Request::SwitchEnvironment(name) => {
                    let left = app.context.environment.clone();
                    // Named once, by the environment they happened in (an entry carried on
                    // from an earlier one keeps its name).
                    let named = |what: &str| {
                        app.environments
                            .iter()
                            .any(|e| what.starts_with(&format!("{e} · ")))
                    };
                    let errors = std::mem::take(&mut app.errors)
                        .into_iter()
                        .map(|(what, f)| {
                            if named(&what) {
                                (what, f)
                            } else {
                                (format!("{left} · {what}"), f)
                            }
                        })
                        .collect();
                    return Ok(Exit::Switch(name, app.place(), errors));
                }
                Request::SwitchTheme(name) => match theme::Theme::load(&name, themes_dir) {
                    Ok(t) => {
                        *theme = t;
                        app.toast(format!("theme {name}"));
                        dirty = true;
                    }
                    Err(e) => app.fail(":theme", app::Failure::new(e)),
                },
                Request::Clipboard(text) => terminal::copy_to_clipboard(&text),
                Request::Redraw => {
                    repaint = true;
                    dirty = true;
                }
            }
        }
        let commands = tokio::select! {
            event = input.next() => {
                let Some(event) = event else { return Ok(Exit::Quit) };
                let mut commands =
                    on_terminal_event(app, event, &mut dirty, &mut repaint, &mut suspend)?;
                // What the terminal has already sent is taken before the next frame: text
                // typed or pasted key by key (a terminal without bracketed paste) would
                // otherwise draw a frame per character and fall seconds behind.
                for _ in 0..INPUT_BURST {
                    if app.quit {
                        break;
                    }
                    // Polled with this task's own waker (a zero timeout, not `now_or_never`,
                    // whose dummy waker would take the stream's next wake-up and leave the
                    // loop asleep with keys waiting).
                    match tokio::time::timeout(Duration::ZERO, input.next()).await {
                        Ok(Some(event)) => commands.extend(on_terminal_event(
                            app,
                            event,
                            &mut dirty,
                            &mut repaint,
                            &mut suspend,
                        )?),
                        Ok(None) => return Ok(Exit::Quit),
                        Err(_) => break,
                    }
                }
                commands
            },
            Some(event) = rx.recv() => { dirty = true; app.on_event(event) }
            _ = spinner.tick(), if app.is_busy() => { tick += 1; app.tick(); dirty = true; Vec::new() }
            _ = pressure.tick(), if backends.throttles.is_some() => {
                let note = backends.throttles.as_ref().and_then(throttle_note);
                if note != app.throttled { app.throttled = note; dirty = true; }
                Vec::new()
            }
            _ = alarm_clock.tick(), if backends.metrics.is_some() => app.refresh_alarm_badge(),
            _ = terminate.recv() => return Ok(Exit::Quit),
            _ = hangup.recv() => return Ok(Exit::Quit),
            _ = stop_request.recv() => { suspend = true; Vec::new() }
        };
        if std::mem::take(&mut suspend) {
            terminal::suspend().wrap_err("taking the terminal back after a stop failed")?;
            repaint = true;
            dirty = true;
        }
        for c in commands {
            exec::execute(c, backends.clone(), app.context.clone(), tx.clone());
        }
    }
}

/// Most terminal events taken one after the other before a frame is drawn.
const INPUT_BURST: usize = 512;

/// One event from the terminal, handed to the app; what it asks to run.
fn on_terminal_event(
    app: &mut App,
    event: std::io::Result<Event>,
    dirty: &mut bool,
    repaint: &mut bool,
    suspend: &mut bool,
) -> Result<Vec<app::Command>> {
    Ok(match event.wrap_err("reading the terminal failed")? {
        // Raw mode reads `ctrl-z` as a key: it stops the console as a shell's job control
        // would, wherever the focus is (it was read as a key, and nothing happened).
        Event::Key(key)
            if key.kind != KeyEventKind::Release
                && key.code == crossterm::event::KeyCode::Char('z')
                && key
                    .modifiers
                    .contains(crossterm::event::KeyModifiers::CONTROL) =>
        {
            *suspend = true;
            Vec::new()
        }
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            *dirty = true;
            app.on_key(key)
        }
        Event::Mouse(mouse) => {
            *dirty = true;
            app.on_mouse(mouse, ui::LIST_TOP)
        }
        Event::Paste(text) => {
            *dirty = true;
            app.on_paste(&text)
        }
        Event::Resize(width, height) => {
            // Keys that follow before the next frame act (or wait) by the new size.
            app.too_small = width < ui::MIN_WIDTH || height < ui::MIN_HEIGHT;
            *dirty = true;
            *repaint = true;
            Vec::new()
        }
        _ => Vec::new(),
    })
}
