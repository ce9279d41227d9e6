//! Flow tests: the app driven with keys and canned domain events, as the loop would.
