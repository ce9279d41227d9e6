//! The console as a library: the binary (`src/main.rs`) wires it to a terminal; benchmarks and
//! tests drive the same app, panes and drawing without one.

pub mod app;
pub mod cli;
pub mod config;
pub mod environments;
pub mod exec;
pub mod history;
pub mod input;
pub mod keymap;
pub mod ops;
pub mod paths;
pub mod script;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod ui;
