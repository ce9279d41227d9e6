//! Sandbox adapters.
