//! The language layer: the expression syntax tree, lowering from hcl-edit, the evaluator and
//! reference extraction. It knows nothing of resources, modules or state.

pub mod ast;
pub mod eval;
pub mod lower;
pub mod refs;
