//! The functions read the database password from Secrets Manager at init (moto serves the
//! secret; MariaDB checks the password it gives).

use crate::support::{create_database, moto_context, moto_endpoint, mysql_server_url, unique_name};
use backoffice_domain::DomainError;
use backoffice_domain::adapters::sql::MySqlContentStore;
use backoffice_domain::lambda::{self, LambdaSettings, Needs};
use backoffice_domain::ports::ContentStore;
use sqlx::{Connection, MySqlConnection};
use std::collections::HashMap;

async fn root_sql(sql: &str) {
    let mut root = MySqlConnection::connect(&mysql_server_url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut root)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn init_reads_the_database_password_from_the_secret_it_is_given() {
    let server = mysql_server_url();
    let name = unique_name("sec").replace('-', "_");
    let database = format!("bo_{name}");
    let user = format!("u{}", &name[name.len() - 12..]);
    // A password with characters a URL must escape.
    let password = "Sec:ret/@pass 1";
    create_database(&server, &database).await;
    MySqlContentStore::connect_mysql(&format!("{server}/{database}?ssl-mode=disabled"))
        .await
        .unwrap();
    root_sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'; \
         GRANT SELECT, INSERT, UPDATE ON `{database}`.* TO '{user}'@'%';"
    ))
    .await;

    let aws = moto_context().await;
    let secrets = aws_sdk_secretsmanager::Client::new(aws.sdk_config());
    let arn = secrets
        .create_secret()
        .name(unique_name("db-secret"))
        .secret_string(serde_json::json!({"username": user, "password": password}).to_string())
        .send()
        .await
        .unwrap()
        .arn()
        .unwrap()
        .to_string();

    let host_port = server.rsplit('@').next().unwrap().to_string();
    let (host, port) = host_port.split_once(':').unwrap_or((&host_port, "3306"));
    let mut vars: HashMap<&str, String> = HashMap::from([
        ("DB_HOST", host.to_string()),
        ("DB_PORT", port.to_string()),
        ("DB_USER", user.clone()),
        ("DB_NAME", database.clone()),
        ("DB_SSL_MODE", "disabled".to_string()),
        ("DB_SECRET_ARN", arn.clone()),
        ("AWS_ENDPOINT_URL", moto_endpoint()),
        ("AWS_REGION", "us-east-1".to_string()),
    ]);
    let settings = |vars: &HashMap<&str, String>| {
        let vars = vars.clone();
        LambdaSettings::from_env(move |k| vars.get(k).cloned(), Needs::Database).unwrap()
    };
    // The settings hold no password (the URL's credentials are the user alone): it is read at
    // init.
    let held = settings(&vars).database_url().to_string();
    let credentials = held["mysql://".len()..].split('@').next().unwrap();
    assert!(!credentials.contains(':'), "{held}");
    let store = lambda::open_database(&settings(&vars)).await.unwrap();
    assert!(
        store
            .activity_counts(
                &backoffice_domain::model::UserSub::parse("00000000-0000-4000-8000-000000000001")
                    .unwrap()
            )
            .await
            .is_ok(),
        "the connection made with the secret's password answers"
    );
    store.pool().close().await;

    // A rotation as RDS's alternating-users strategy makes it (the secret moves to a second
    // user with a new password): the warm function's next connections use both once it has
    // read the secret again.
    let store =
        lambda::open_database_refreshing(&settings(&vars), std::time::Duration::from_millis(200))
            .await
            .unwrap();
    let rotated = "Rotated:pass/2";
    let clone = format!("{user}_c");
    root_sql(&format!(
        "CREATE USER '{clone}'@'%' IDENTIFIED BY '{rotated}'; \
         GRANT SELECT, INSERT, UPDATE ON `{database}`.* TO '{clone}'@'%';"
    ))
    .await;
    secrets
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(serde_json::json!({"username": clone, "password": rotated}).to_string())
        .send()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let options = store.pool().connect_options();
        match MySqlConnection::connect_with(&options).await {
            Ok(conn) => {
                conn.close().await.unwrap();
                break;
            }
            Err(e) if started.elapsed() < std::time::Duration::from_secs(20) => {
                assert!(e.to_string().contains("denied"), "{e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the pool never took the rotated password: {e}"),
        }
    }
    store.pool().close().await;

    // A secret that is not there stops init with the secret named, and no password shown.
    vars.insert("DB_SECRET_ARN", format!("{arn}-gone"));
    let err = lambda::open_database(&settings(&vars)).await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)), "{}", err.chain());
    assert!(err.chain().contains("-gone"), "{}", err.chain());

    // The wrong password in the secret: MariaDB refuses, and the message never holds it.
    secrets
        .put_secret_value()
        .secret_id(&arn)
        .secret_string(r#"{"password": "not-the-password-9"}"#)
        .send()
        .await
        .unwrap();
    vars.insert("DB_SECRET_ARN", arn);
    let err = lambda::open_database(&settings(&vars)).await.unwrap_err();
    assert!(
        !err.chain().contains("not-the-password-9"),
        "{}",
        err.chain()
    );
    assert!(err.chain().contains("denied"), "{}", err.chain());
    // Said as a refused login, with what to check (it read "unexpected error: … the database
    // refused the statement").
    assert!(matches!(err, DomainError::Forbidden(_)), "{}", err.chain());
    assert!(
        err.chain()
            .contains("the database refused the login; check the user and the password"),
        "{}",
        err.chain()
    );

    root_sql(&format!(
        "DROP USER '{user}'@'%'; DROP USER '{clone}'@'%'; DROP DATABASE `{database}`;"
    ))
    .await;
}
