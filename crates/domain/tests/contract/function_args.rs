//! The functions' command lines: `--help` and a wrong word, as an operator types them on a
//! build machine (no settings, no services).

use std::process::{Command, Stdio};

const FUNCTIONS: [(&str, &str); 3] = [
    ("api", env!("CARGO_BIN_EXE_api")),
    ("thumbnails", env!("CARGO_BIN_EXE_thumbnails")),
    ("post-confirmation", env!("CARGO_BIN_EXE_post-confirmation")),
];

/// `api --help | head -1`: the reader is gone before the help is written. The program ends
/// as asked (it panicked on the failed write, with a backtrace on the terminal).
#[test]
fn help_into_a_closed_pipe_ends_quietly() {
    for (name, path) in FUNCTIONS {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(path)
            .arg("--help")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn help_says_the_settings_and_a_wrong_word_is_refused_with_it() {
    for (name, path) in FUNCTIONS {
        let help = Command::new(path).arg("--help").output().unwrap();
        assert!(help.status.success(), "{name}");
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(text.starts_with(&format!("{name}: ")), "{name}: {text}");
        assert!(text.contains("DATABASE_URL"), "{name}: {text}");

        let wrong = Command::new(path).arg("serve").output().unwrap();
        assert_eq!(wrong.status.code(), Some(2), "{name}");
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert!(
            said.starts_with("error: unexpected arguments: serve"),
            "{name}: {said}"
        );
        assert!(said.contains(&format!("{name}: ")), "{name}: {said}");
    }
    // A command's help is the program's (it was refused as unknown words).
    let migrate = Command::new(env!("CARGO_BIN_EXE_api"))
        .args(["migrate", "--help"])
        .output()
        .unwrap();
    assert!(migrate.status.success());
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("api migrate"));
}

/// `api migrate` as a deployment runs it, with the password in `DB_PASSWORD` beside a
/// `DATABASE_URL` that carries none (it was dropped: the login failed "using password: NO").
/// On a new database it names what it applied (it said only "the schema is current"); run
/// again, it says nothing was applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn migrate_takes_db_password_beside_the_url_and_names_what_it_applied() {
    use sqlx::Connection as _;
    let (server, database) = crate::support::fresh_mysql_database("mig").await;
    let user = format!("m{}", &database[database.len().saturating_sub(12)..]);
    let password = "Mig:rate/@pw 1";
    let root_sql = |sql: String| {
        let server = server.clone();
        async move {
            let mut root = sqlx::MySqlConnection::connect(&server).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut root)
                .await
                .unwrap();
        }
    };
    root_sql(format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; \
         GRANT ALL ON `{database}`.* TO '{user}'@'%';"
    ))
    .await;
    let host = server
        .rsplit('@')
        .next()
        .unwrap()
        .trim_start_matches("mysql://");
    let url = format!("mysql://{user}@{host}/{database}?ssl-mode=disabled");
    let migrate = |password: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_api"));
        command
            .arg("migrate")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &url);
        if let Some(password) = password {
            command.env("DB_PASSWORD", password);
        }
        let out = command.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };

    // Without the password: refused as a login, with what to check.
    let (ok, log) = migrate(None);
    assert!(!ok, "{log}");
    assert!(log.contains("the migration failed"), "{log}");
    assert!(
        log.contains("refused the login; check the user and the password"),
        "{log}"
    );

    let (ok, log) = migrate(Some(password));
    assert!(ok, "{log}");
    // One file a migration.
    let count = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/mysql"))
        .unwrap()
        .count();
    assert!(
        log.contains(&format!("applied {count} migrations")),
        "{log}"
    );
    assert!(
        !log.contains(password),
        "the password is never logged: {log}"
    );

    let (ok, log) = migrate(Some(password));
    assert!(ok, "{log}");
    assert!(log.contains("already current: nothing applied"), "{log}");

    root_sql(format!(
        "DROP USER '{user}'@'%'; DROP DATABASE `{database}`;"
    ))
    .await;
}
