//! Opening a configured AWS environment: one AWS session, the Cognito pool, the database.

use crate::app::Context;
use crate::config::Environment;
use crate::exec::Backends;
use color_eyre::eyre::{Result, eyre};

pub async fn open(env: &Environment, _read_only: bool) -> Result<(Backends, Context)> {
    Err(eyre!("environment {}: not wired yet", env.name))
}
