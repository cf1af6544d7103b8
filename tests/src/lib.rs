//! Shared helpers live in tests/api.
