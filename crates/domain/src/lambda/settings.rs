//! The Lambda functions' settings, read from environment variables once at init. A missing or
//! malformed variable stops init with a message naming it; the database password never appears
//! in a message or in `Debug`.

use crate::auth::ExpectedUse;
use crate::model::BucketName;
use std::fmt;

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub problem: String,
}

/// Whether `id` reads as a Cognito user pool id: a region (`eu-west-1`), `_`, then letters and
/// digits.
fn is_pool_id(id: &str) -> bool {
    let Some((region, rest)) = id.split_once('_') else {
        return false;
    };
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn problem(variable: &'static str, problem: impl Into<String>) -> SettingsError {
    SettingsError {
        variable,
        problem: problem.into(),
    }
}

/// Everything the functions read from their environment.
#[derive(Clone)]
pub struct LambdaSettings {
    database_url: String,
    pub region: String,
    pub user_pool_id: String,
    pub app_client_ids: Vec<String>,
    /// `None`: the pool's own `{issuer}/.well-known/jwks.json`.
    pub jwks_url: Option<String>,
    pub media_bucket: BucketName,
    pub max_upload_bytes: u64,
    pub token_use: ExpectedUse,
    /// Another AWS endpoint (an emulator) for local runs; unset on Lambda.
    pub aws_endpoint: Option<String>,
    /// The Secrets Manager secret holding the database password (`DB_SECRET_ARN`), read at
    /// init; the URL then carries no password of its own.
    pub db_secret_arn: Option<String>,
    /// The web apps' origins whose browsers may call the API (`ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
}

impl fmt::Debug for LambdaSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LambdaSettings")
            .field("database_url", &mask_password(&self.database_url))
            .field("region", &self.region)
            .field("user_pool_id", &self.user_pool_id)
            .field("app_client_ids", &self.app_client_ids)
            .field("jwks_url", &self.jwks_url)
            .field("media_bucket", &self.media_bucket)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("db_secret_arn", &self.db_secret_arn)
            .finish_non_exhaustive()
    }
}

/// `text` as the origin a browser sends for it: `http` or `https`, a host of dot-separated
/// labels, perhaps a port, nothing after (no path, no trailing `/`, no `*`); in lower case and
/// without the scheme's own port, as browsers write it (`https://APP.example.com:443` would
/// never have matched).
fn origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.is_empty() || !host.split('.').all(label_ok) {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && !p.starts_with('0') => (p != default_port).then_some(p),
            _ => return None,
        },
    };
    let host = host.to_ascii_lowercase();
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// A URL cut into `scheme://`, its user information (before the authority's last `@`), and
/// the rest (host, path, query). Only the authority is searched for the `@`: a path or a query
/// (`ssl-ca=/a@b.pem`) may hold one too.
fn split_url(url: &str) -> Option<(&str, Option<&str>, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some(match rest[..end].rfind('@') {
        Some(at) => (scheme, Some(&rest[..at]), &rest[at + 1..]),
        None => (scheme, None, rest),
    })
}

/// `mysql://user:secret@host/db` → `mysql://user:***@host/db`.
fn mask_password(url: &str) -> String {
    match split_url(url) {
        None => "***".to_string(),
        Some((scheme, Some(credentials), host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        Some(_) => url.to_string(),
    }
}

/// Which settings a function needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The HTTP API: database, pool, clients, bucket.
    Api,
    /// A trigger: the database only (the thumbnail trigger reads the bucket from its event).
    Database,
}

impl LambdaSettings {
    /// Reads the settings through `get` (the process environment in the binaries).
    pub fn from_env(
        get: impl Fn(&str) -> Option<String>,
        needs: Needs,
    ) -> Result<Self, SettingsError> {
        let var = |name: &'static str| get(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str| var(name).ok_or_else(|| problem(name, "is not set"));
        let database_url = match var("DATABASE_URL") {
            Some(url) => {
                if !url.starts_with("mysql://") {
                    return Err(problem("DATABASE_URL", "must start with mysql://"));
                }
                // A URL without a database: `api migrate` failed decoding a NULL, and serving
                // ended in `No database selected`.
                let path = url["mysql://".len()..]
                    .split(['?', '#'])
                    .next()
                    .unwrap_or_default();
                if path
                    .split_once('/')
                    .is_none_or(|(_, name)| name.trim_matches('/').is_empty())
                {
                    return Err(problem(
                        "DATABASE_URL",
                        "names no database: end it with /NAME (mysql://user@host:3306/NAME)",
                    ));
                }
                // The URL says everything: TLS settings beside it would be silently ignored.
                for part in ["DB_SSL_MODE", "DB_SSL_CA"] {
                    if var(part).is_some() {
                        return Err(problem(
                            part,
                            "is set beside DATABASE_URL: put ssl-mode= / ssl-ca= in the URL instead",
                        ));
                    }
                }
                // The help says DB_PASSWORD is used when the URL carries none; it was silently
                // dropped, and the login failed "using password: NO".
                match var("DB_PASSWORD") {
                    None => url,
                    Some(_) if url_has_password(&url) => {
                        return Err(problem(
                            "DB_PASSWORD",
                            "is set, but DATABASE_URL already gives a password: give one of them",
                        ));
                    }
                    Some(password) => match split_url(&url) {
                        Some((scheme, Some(user), rest)) => format!(
                            "{scheme}://{user}:{}@{rest}",
                            percent_encoding::utf8_percent_encode(
                                &password,
                                percent_encoding::NON_ALPHANUMERIC
                            )
                        ),
                        _ => {
                            return Err(problem(
                                "DB_PASSWORD",
                                "is set, but DATABASE_URL names no user to give it to \
                                 (mysql://user@host/db)",
                            ));
                        }
                    },
                }
            }
            None => {
                let host = var("DB_HOST").ok_or_else(|| {
                    problem("DATABASE_URL", "is not set (nor DB_HOST, DB_USER, DB_NAME)")
                })?;
                let port: u16 = match var("DB_PORT") {
                    Some(p) => p
                        .parse()
                        .map_err(|_| problem("DB_PORT", "must be a port number"))?,
                    None => 3306,
                };
                let user = required("DB_USER")?;
                let name = required("DB_NAME")?;
                let password = var("DB_PASSWORD").unwrap_or_default();
                let enc = |s: &str| {
                    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                };
                // TLS: a verified server unless DB_SSL_MODE says otherwise; DB_SSL_CA names the
                // CA bundle (RDS: its global bundle, packaged with the function).
                let mut query = Vec::new();
                if let Some(mode) = var("DB_SSL_MODE") {
                    const MODES: [&str; 5] = [
                        "disabled",
                        "preferred",
                        "required",
                        "verify_ca",
                        "verify_identity",
                    ];
                    if !MODES.iter().any(|m| m.eq_ignore_ascii_case(&mode)) {
                        return Err(problem(
                            "DB_SSL_MODE",
                            "must be disabled, preferred, required, verify_ca or verify_identity",
                        ));
                    }
                    query.push(format!("ssl-mode={}", enc(&mode)));
                }
                if let Some(ca) = var("DB_SSL_CA") {
                    query.push(format!("ssl-ca={}", enc(&ca)));
                }
                let query = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{}", query.join("&"))
                };
                if password.is_empty() {
                    format!("mysql://{}@{host}:{port}/{}{query}", enc(&user), enc(&name))
                } else {
                    format!(
                        "mysql://{}:{}@{host}:{port}/{}{query}",
                        enc(&user),
                        enc(&password),
                        enc(&name)
                    )
                }
            }
        };
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".to_string());
        let (user_pool_id, app_client_ids, media_bucket) = if needs == Needs::Api {
            let pool = required("USER_POOL_ID")?;
            // A pool id is `REGION_ID` (`eu-west-1_AbC123xyz`): anything else started, then
            // refused every token as "issued by another user pool".
            if !is_pool_id(&pool) {
                return Err(problem(
                    "USER_POOL_ID",
                    "is not a user pool id: write it as the console shows it, REGION_ID \
                     (eu-west-1_AbC123xyz)",
                ));
            }
            let clients: Vec<String> = required("APP_CLIENT_IDS")?
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            if clients.is_empty() {
                return Err(problem("APP_CLIENT_IDS", "names no app client"));
            }
            let bucket = BucketName::parse(required("MEDIA_BUCKET")?)
                .map_err(|e| problem("MEDIA_BUCKET", e.message))?;
            (pool, clients, bucket)
        } else {
            let bucket = var("MEDIA_BUCKET")
                .and_then(|b| BucketName::parse(b).ok())
                .or_else(|| BucketName::parse("unset-media-bucket").ok())
                .ok_or_else(|| problem("MEDIA_BUCKET", "is not a bucket name"))?;
            (String::new(), Vec::new(), bucket)
        };
        let max_upload_bytes = match var("MAX_UPLOAD_BYTES") {
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=5 * 1024 * 1024 * 1024).contains(n))
                .ok_or_else(|| {
                    problem("MAX_UPLOAD_BYTES", "must be a byte count from 1 to 5 GiB")
                })?,
            None => 10 * 1024 * 1024,
        };
        let token_use = match var("TOKEN_USE").as_deref() {
            // Access tokens by default: they carry the scopes API Gateway's authorizer checks,
            // and an id token is for the app to read, not to call APIs with.
            None | Some("access") => ExpectedUse::Access,
            Some("id") => ExpectedUse::Id,
            Some("either") => ExpectedUse::Either,
            Some(_) => return Err(problem("TOKEN_USE", "must be id, access or either")),
        };
        let db_secret_arn = var("DB_SECRET_ARN");
        if let Some(arn) = &db_secret_arn {
            if !arn.starts_with("arn:") {
                return Err(problem(
                    "DB_SECRET_ARN",
                    "must be a secret's ARN (arn:aws:secretsmanager:…)",
                ));
            }
            if split_url(&database_url).is_none_or(|(_, user, _)| user.is_none()) {
                return Err(problem(
                    "DB_SECRET_ARN",
                    "needs a user in the database URL (mysql://user@host/db) to give the password to",
                ));
            }
            if url_has_password(&database_url) {
                return Err(problem(
                    "DB_SECRET_ARN",
                    "is set, but the database URL or DB_PASSWORD already gives a password: give one of them",
                ));
            }
        }
        let allowed_origins = match var("ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|o| {
                    origin(o).ok_or_else(|| {
                        problem(
                            "ALLOWED_ORIGINS",
                            format!(
                                "'{o}' is not an origin: list them as https://host or https://host:port, comma-separated (no path, no *)"
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            database_url,
            db_secret_arn,
            allowed_origins,
            region,
            user_pool_id,
            app_client_ids,
            jwks_url: var("JWKS_URL"),
            media_bucket,
            max_upload_bytes,
            token_use,
            aws_endpoint: var("AWS_ENDPOINT_URL"),
        })
    }

    /// The connection URL, password included: for the pool, never for a log. With
    /// `DB_SECRET_ARN` it has no password yet: see [`LambdaSettings::database_url_with`].
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The connection URL with the password read from the secret put in, and the secret's
    /// user instead of the URL's when it names one (RDS's alternating-users rotation moves
    /// between two users); both percent-encoded.
    pub fn database_url_with(&self, user: Option<&str>, password: &str) -> String {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        match split_url(&self.database_url) {
            Some((scheme, Some(own), rest)) => {
                let user = user.map(enc).unwrap_or_else(|| own.to_string());
                format!("{scheme}://{user}:{}@{rest}", enc(password))
            }
            _ => self.database_url.clone(),
        }
    }
}

/// Whether `mysql://user:password@…` carries a password.
fn url_has_password(url: &str) -> bool {
    split_url(url).is_some_and(|(_, user, _)| user.is_some_and(|u| u.contains(':')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const API: &[(&str, &str)] = &[
        ("DB_HOST", "db.internal"),
        ("DB_USER", "app"),
        ("DB_NAME", "social"),
        ("DB_PASSWORD", "p@ss:w/rd"),
        ("USER_POOL_ID", "us-east-1_abc"),
        ("APP_CLIENT_IDS", "web, mobile"),
        ("MEDIA_BUCKET", "media-bucket"),
    ];

    #[test]
    fn parts_build_a_url_with_the_password_encoded_and_debug_masks_it() {
        let s = LambdaSettings::from_env(env(API), Needs::Api).unwrap();
        assert_eq!(
            s.database_url(),
            "mysql://app:p%40ss%3Aw%2Frd@db.internal:3306/social"
        );
        assert_eq!(s.app_client_ids, ["web", "mobile"]);
        let debug = format!("{s:?}");
        assert!(!debug.contains("p%40ss"), "{debug}");
        assert!(debug.contains("app:***@db.internal"), "{debug}");
    }

    /// A pool id that is not one stops init (it started, then refused every token as from
    /// another pool).
    #[test]
    fn a_user_pool_id_must_read_as_one() {
        for good in ["us-east-1_abc", "eu-west-1_AbC123xyz", "ap-southeast-2_9Zx"] {
            assert!(super::is_pool_id(good), "{good}");
        }
        for bad in [
            "garbage",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "US-EAST-1_abc",
            "us-east-1_a-b",
        ] {
            assert!(!super::is_pool_id(bad), "{bad}");
        }
        let mut vars: Vec<(&str, &str)> = API
            .iter()
            .copied()
            .filter(|(k, _)| *k != "USER_POOL_ID")
            .collect();
        vars.push(("USER_POOL_ID", "garbage"));
        let e = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap_err();
        assert_eq!(e.variable, "USER_POOL_ID");
    }

    /// A URL that names no database is refused by name (`api migrate` failed decoding a NULL).
    #[test]
    fn a_database_url_without_a_database_is_named() {
        for url in [
            "mysql://root@127.0.0.1:3306",
            "mysql://root@127.0.0.1:3306/",
            "mysql://root@127.0.0.1:3306/?ssl-mode=disabled",
        ] {
            let vars = [
                ("DATABASE_URL", url),
                ("USER_POOL_ID", "us-east-1_abc"),
                ("APP_CLIENT_IDS", "web"),
                ("MEDIA_BUCKET", "media"),
                ("AWS_REGION", "us-east-1"),
            ];
            let e = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap_err();
            assert_eq!(e.variable, "DATABASE_URL", "{url}");
            assert!(e.to_string().contains("names no database"), "{url}: {e}");
        }
    }

    /// The web apps' origins are taken as browsers send them; anything else is named.
    #[test]
    fn allowed_origins_are_origins() {
        let mut vars = API.to_vec();
        vars.push((
            "ALLOWED_ORIGINS",
            "https://app.example.com, http://localhost:5173",
        ));
        let s = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap();
        assert_eq!(
            s.allowed_origins,
            ["https://app.example.com", "http://localhost:5173"]
        );
        assert!(
            LambdaSettings::from_env(env(API), Needs::Api)
                .unwrap()
                .allowed_origins
                .is_empty()
        );
        for bad in [
            "*",
            "app.example.com",
            "https://app.example.com/",
            "https://app.example.com/path",
            "ftp://app.example.com",
            "https://:",
            "https://...",
            "https://[",
            "https://app.example.com:0",
            "https://app.example.com:99999",
        ] {
            let mut vars = API.to_vec();
            vars.push(("ALLOWED_ORIGINS", bad));
            let e = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap_err();
            assert_eq!(e.variable, "ALLOWED_ORIGINS", "{bad}");
            assert!(e.to_string().contains(bad), "the entry is named: {e}");
        }
        // Written as a browser writes it: lower case, no default port.
        let mut vars = API.to_vec();
        vars.push((
            "ALLOWED_ORIGINS",
            "HTTPS://APP.Example.com:443,http://localhost:80,http://localhost:8080",
        ));
        let s = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap();
        assert_eq!(
            s.allowed_origins,
            [
                "https://app.example.com",
                "http://localhost",
                "http://localhost:8080"
            ]
        );
    }

    #[test]
    fn tls_settings_become_the_urls_parameters_and_a_bad_mode_is_named() {
        let mut vars = API.to_vec();
        vars.push(("DB_SSL_CA", "/var/task/global-bundle.pem"));
        let s = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap();
        assert!(
            s.database_url()
                .ends_with("/social?ssl-ca=%2Fvar%2Ftask%2Fglobal%2Dbundle%2Epem"),
            "{}",
            s.database_url()
        );
        let options = crate::adapters::sql::mysql_options(s.database_url()).unwrap();
        assert!(matches!(
            options.get_ssl_mode(),
            sqlx::mysql::MySqlSslMode::VerifyIdentity
        ));
        vars.push(("DB_SSL_MODE", "disabled"));
        let s = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap();
        assert!(s.database_url().contains("?ssl-mode=disabled&ssl-ca="));
        vars.pop();
        vars.push(("DB_SSL_MODE", "sometimes"));
        let e = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap_err();
        assert_eq!(e.variable, "DB_SSL_MODE");
    }

    #[test]
    fn a_secret_arn_takes_the_place_of_the_password() {
        let vars: Vec<_> = API
            .iter()
            .copied()
            .filter(|(k, _)| *k != "DB_PASSWORD")
            .chain([(
                "DB_SECRET_ARN",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            )])
            .collect();
        let s = LambdaSettings::from_env(env(&vars), Needs::Api).unwrap();
        assert_eq!(s.database_url(), "mysql://app@db.internal:3306/social");
        assert_eq!(
            s.database_url_with(None, "p@ss:w/rd"),
            "mysql://app:p%40ss%3Aw%2Frd@db.internal:3306/social"
        );
        // An `@` in the query is not the authority's.
        let s2 = LambdaSettings::from_env(
            env(&[
                ("DATABASE_URL", "mysql://app@db/x?ssl-ca=/p/a@b.pem"),
                (
                    "DB_SECRET_ARN",
                    "arn:aws:secretsmanager:eu-west-1:1:secret:x",
                ),
            ]),
            Needs::Database,
        )
        .unwrap();
        assert_eq!(
            s2.database_url_with(None, "pw"),
            "mysql://app:pw@db/x?ssl-ca=/p/a@b.pem"
        );
        assert!(!url_has_password("mysql://app@db/x?ssl-ca=/p:a@b.pem"));
        // The secret's own user (alternating-users rotation) replaces the URL's.
        assert_eq!(
            s.database_url_with(Some("app_clone"), "x"),
            "mysql://app%5Fclone:x@db.internal:3306/social"
        );
        // Both a password and a secret: which one is meant is not guessed.
        let mut both = vars.clone();
        both.push(("DB_PASSWORD", "x"));
        let e = LambdaSettings::from_env(env(&both), Needs::Api).unwrap_err();
        assert_eq!(e.variable, "DB_SECRET_ARN");
        let mut bad = vars;
        bad.retain(|(k, _)| *k != "DB_SECRET_ARN");
        bad.push(("DB_SECRET_ARN", "db-password"));
        let e = LambdaSettings::from_env(env(&bad), Needs::Api).unwrap_err();
        assert_eq!(e.variable, "DB_SECRET_ARN");
        // A URL with no user has no one to give the password to.
        let e = LambdaSettings::from_env(
            env(&[
                ("DATABASE_URL", "mysql://db.internal/social"),
                (
                    "DB_SECRET_ARN",
                    "arn:aws:secretsmanager:eu-west-1:1:secret:x",
                ),
            ]),
            Needs::Database,
        )
        .unwrap_err();
        assert_eq!(e.variable, "DB_SECRET_ARN");
        // DB_PASSWORD beside a URL without one is its password (it was dropped, and the login
        // failed "using password: NO"); beside a URL with one, or with no user, it is refused.
        let with = |url: &str| {
            LambdaSettings::from_env(
                env(&[("DATABASE_URL", url), ("DB_PASSWORD", "p@ss:w/rd")]),
                Needs::Database,
            )
        };
        assert_eq!(
            with("mysql://app@db/x?ssl-mode=disabled")
                .unwrap()
                .database_url(),
            "mysql://app:p%40ss%3Aw%2Frd@db/x?ssl-mode=disabled"
        );
        assert_eq!(
            with("mysql://app:other@db/x").unwrap_err().variable,
            "DB_PASSWORD"
        );
        assert_eq!(with("mysql://db/x").unwrap_err().variable, "DB_PASSWORD");
        // TLS settings beside a whole URL are refused rather than ignored.
        let e = LambdaSettings::from_env(
            env(&[
                ("DATABASE_URL", "mysql://app@db.internal/social"),
                ("DB_SSL_MODE", "disabled"),
            ]),
            Needs::Database,
        )
        .unwrap_err();
        assert_eq!(e.variable, "DB_SSL_MODE");
    }

    #[test]
    fn each_missing_or_bad_variable_is_named() {
        let without = |name: &str| {
            let pairs: Vec<_> = API.iter().copied().filter(|(k, _)| *k != name).collect();
            LambdaSettings::from_env(env(&pairs), Needs::Api)
                .unwrap_err()
                .variable
        };
        assert_eq!(without("USER_POOL_ID"), "USER_POOL_ID");
        assert_eq!(without("APP_CLIENT_IDS"), "APP_CLIENT_IDS");
        assert_eq!(without("MEDIA_BUCKET"), "MEDIA_BUCKET");
        assert_eq!(without("DB_USER"), "DB_USER");
        assert_eq!(without("DB_HOST"), "DATABASE_URL");
        let mut bad: Vec<_> = API.to_vec();
        bad.push(("MAX_UPLOAD_BYTES", "ten"));
        let e = LambdaSettings::from_env(env(&bad), Needs::Api).unwrap_err();
        assert_eq!(e.variable, "MAX_UPLOAD_BYTES");
        let e = LambdaSettings::from_env(env(&[("DATABASE_URL", "postgres://x")]), Needs::Database)
            .unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");
    }

    #[test]
    fn a_trigger_needs_only_the_database() {
        let s = LambdaSettings::from_env(
            env(&[("DATABASE_URL", "mysql://root@h/db")]),
            Needs::Database,
        )
        .unwrap();
        assert_eq!(s.database_url(), "mysql://root@h/db");
        assert_eq!(s.token_use, ExpectedUse::Access);
    }
}
