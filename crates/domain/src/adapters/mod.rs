//! Adapters behind the ports: the SQL layer (MySQL and SQLite) and the embedded sandbox.

pub mod sandbox;
pub mod sql;
