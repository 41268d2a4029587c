//! A block body kept generic: attributes with unevaluated expressions and nested blocks. Resource
//! and provider bodies stay in this form until they are decoded against a provider schema.

use std::collections::BTreeMap;

use crate::lang::ast::Expr;
use crate::source::Span;

#[derive(Clone, Debug)]
pub struct Attr {
    pub name: String,
    pub expr: Expr,
    /// The span of the attribute name.
    pub name_span: Span,
    /// The whole `name = expr` span.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub ty: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub type_span: Span,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attrs: BTreeMap<String, Attr>,
    pub blocks: Vec<NestedBlock>,
    pub span: Span,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.get(name)
    }
    pub fn blocks_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a NestedBlock> + 'a {
        self.blocks.iter().filter(move |b| b.ty == ty)
    }
}
