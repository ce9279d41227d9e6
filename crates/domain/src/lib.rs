//! The service's domain: validated types, the ports the console and the Lambda handlers use,
//! and the adapters behind them (one SQL layer for MySQL and SQLite, and the embedded sandbox).
//! Nothing here knows about terminals.

pub mod adapters;
pub mod api;
pub mod auth;
pub mod error;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod logging;
pub mod model;
pub mod ports;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod services;
pub mod triggers;

pub use error::{DomainError, DomainResult, Invalid, UnreadableRow};
