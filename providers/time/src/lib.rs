//! The built-in time provider (placeholder).
