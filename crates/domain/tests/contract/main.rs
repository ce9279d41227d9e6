//! Contract suites: each behaviour of a port is written once and run against every adapter.
//! SQLite and the sandbox stores always run; MariaDB runs in the full test run
//! (`tests/run.sh`), which sets `BACKOFFICE_TEST_MYSQL_URL`. Without it those tests fail loudly.

// Test harness code: a failed unwrap is the test failing at the line that broke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The API scenarios feed API Gateway events through lambda_http, as on Lambda.
#[cfg(feature = "lambda")]
mod api;
mod content;
mod directory;
#[cfg(feature = "lambda")]
mod faults;
#[cfg(feature = "lambda")]
mod function_args;
mod grants;
mod insights;
mod live_tail;
mod logs;
mod metrics;
mod objects;
mod private;
mod reconcile;
#[cfg(feature = "lambda")]
mod secret;
mod seed;
mod support;
mod tail_outage;
mod throttle_proxy;
mod throttling;
mod tls;
mod triggers;
