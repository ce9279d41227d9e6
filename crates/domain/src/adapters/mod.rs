//! Adapters behind the ports: AWS (Cognito, S3, CloudWatch Logs), the SQL layer (MySQL and
//! SQLite) and the embedded sandbox.

pub mod aws;
pub mod breaker;
pub mod faulty;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod sql;
