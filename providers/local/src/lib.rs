//! The built-in local provider (placeholder).
