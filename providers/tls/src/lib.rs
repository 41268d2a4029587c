//! The built-in tls provider (placeholder).
