//! placeholder, filled by its adapter
