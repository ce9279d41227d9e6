//! Domain types: newtypes that can only hold valid values, and the entities the ports move.
//! Nothing here knows about terminals, SQL drivers or AWS SDKs.

mod audit;
mod directory;
mod entities;
mod ids;
mod logs;
mod object_key;
mod objects;
mod page;
mod text;

pub use audit::*;
pub use directory::*;
pub use entities::*;
pub use ids::*;
pub use logs::*;
pub use object_key::*;
pub use objects::*;
pub use page::*;
pub use text::*;

use chrono::{DateTime, SubsecRound, Utc};

/// The current time at the millisecond precision every store keeps (MySQL `DATETIME(3)`).
pub fn now_millis() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// Rejects control characters other than newline and tab; shared by every free-text parser.
pub(crate) fn has_forbidden_control(s: &str, allow_newlines: bool) -> bool {
    s.chars().any(|c| {
        if allow_newlines && (c == '\n' || c == '\t' || c == '\r') {
            return false;
        }
        c.is_control()
    })
}
