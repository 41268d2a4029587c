//! Canonical formatting (placeholder).
