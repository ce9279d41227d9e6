//! Connections to MySQL require TLS and verify the server unless the URL says otherwise: a
//! private `mariadbd` serves TLS with a certificate from a CA made for the test (`openssl`),
//! and the shared test server, which has no TLS, stands for a server that cannot encrypt.

use crate::private::PrivateMariadb;
use backoffice_domain::DomainError;
use backoffice_domain::adapters::sql::MySqlContentStore;
use sqlx::Connection;
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl not found ({e}): tests/run.sh installs it"));
    assert!(
        out.status.success(),
        "openssl {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a server certificate it signs for `localhost` only; plus a second CA that signed
/// nothing of this server's.
fn certificates(dir: &Path) {
    for ca in ["ca", "other-ca"] {
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &format!("/CN=backoffice test {ca}"),
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.pem"),
            ],
        );
    }
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ],
    );
}

async fn open(url: &str) -> Result<MySqlContentStore, DomainError> {
    MySqlContentStore::connect_mysql(url).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs services: tests/run.sh"]
async fn connections_require_tls_and_a_verified_server_unless_the_url_says_otherwise() {
    let certs = tempfile::tempdir().unwrap();
    certificates(certs.path());
    let file = |name: &str| certs.path().join(name).display().to_string();
    let server = PrivateMariadb::start_with(vec![
        format!("--ssl-ca={}", file("ca.pem")),
        format!("--ssl-cert={}", file("server.pem")),
        format!("--ssl-key={}", file("server.key")),
    ]);
    let port = server.port;
    let ca = file("ca.pem");
    let mut admin =
        sqlx::MySqlConnection::connect(&format!("mysql://root@127.0.0.1:{port}?ssl-mode=disabled"))
            .await
            .unwrap();
    sqlx::raw_sql("CREATE DATABASE tls CHARACTER SET utf8mb4")
        .execute(&mut admin)
        .await
        .unwrap();

    // The name the certificate holds and the CA that signed it: a TLS connection.
    let store = open(&format!("mysql://root@localhost:{port}/tls?ssl-ca={ca}"))
        .await
        .unwrap_or_else(|e| panic!("{}", e.chain()));
    let cipher: (String, String) = sqlx::query_as("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(!cipher.1.is_empty(), "the session is encrypted: {cipher:?}");
    store.pool().close().await;

    // A name the certificate does not hold (the same server, reached as 127.0.0.1).
    let err = open(&format!("mysql://root@127.0.0.1:{port}/tls?ssl-ca={ca}"))
        .await
        .expect_err("a host name the certificate does not name is refused");
    assert!(err.chain().contains("TLS"), "{}", err.chain());

    // A CA that did not sign the server's certificate, and no CA at all (the public roots).
    for url in [
        format!(
            "mysql://root@localhost:{port}/tls?ssl-ca={}",
            file("other-ca.pem")
        ),
        format!("mysql://root@localhost:{port}/tls"),
    ] {
        let err = open(&url)
            .await
            .expect_err("an unverified server is refused");
        assert!(
            err.chain().contains("ssl-ca="),
            "the fix is named: {}",
            err.chain()
        );
    }

    // A server without TLS (the shared test server) is refused by default, and reached when
    // the URL says ssl-mode=disabled.
    let (shared, database) = crate::support::fresh_mysql_database("tls").await;
    let err = open(&format!("{shared}/{database}"))
        .await
        .expect_err("no TLS, refused");
    assert!(err.chain().contains("ssl-mode=disabled"), "{}", err.chain());
    open(&crate::support::database_url(&shared, &database))
        .await
        .unwrap()
        .pool()
        .close()
        .await;
    let mut root = sqlx::MySqlConnection::connect(&shared).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{database}`")))
        .execute(&mut root)
        .await
        .unwrap();
    drop(server);
}
