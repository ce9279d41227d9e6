//! The rules that span ports: an account action and its audit row, resolving every open report
//! of a target. The console and the CLI call these; adapters stay free of policy.

pub mod accounts;
pub mod ban;
pub mod erase;
pub mod log_analysis;
pub mod moderation;
pub mod oncall;
pub mod people;
pub mod planned;
pub mod profiles;
pub mod reconcile;
pub mod running;
pub mod storage;
pub mod undo;
pub mod user360;
