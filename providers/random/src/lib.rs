//! The built-in random provider (placeholder).
