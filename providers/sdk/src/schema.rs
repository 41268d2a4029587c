//! Schemas: what a provider's resources accept and compute. The engine derives value types,
//! validation of arguments, proposed new states and "forces replacement" from them.

use std::collections::BTreeMap;

use infra_value::{Type, Value};

#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    /// The `provider "x" {}` block's schema.
    pub provider: Block,
    pub resources: BTreeMap<String, ResourceSchema>,
    pub data_sources: BTreeMap<String, ResourceSchema>,
    /// True when this provider's resources exist only in state (terraform_data, random, tls,
    /// time): an interrupted create leaves nothing behind that could become an orphan. The apply
    /// then does not wait for the journal to reach the disk around each call; any later sync or
    /// the final snapshot makes those records durable. Providers that create real objects
    /// (files, cloud resources) leave it false: their intents are durable before each call.
    pub state_only: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ResourceSchema {
    /// `schema_version` in state; bumped when the stored shape changes.
    pub version: u64,
    pub block: Block,
    /// Whether the resource accepts `import` blocks / `infra import`.
    pub importable: bool,
}

/// A block's arguments, attributes and nested blocks.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// Built with [`Block::attr`]; a change made to the map directly after
    /// [`Block::implied_type`] was asked is not seen by it (see `implied`).
    pub attributes: BTreeMap<String, Attribute>,
    /// Built with [`Block::block`]; the same caveat as for `attributes`.
    pub block_types: BTreeMap<String, NestedBlock>,
    pub description: String,
    /// [`Block::implied_type`], computed on first use: the engine asks for it for every
    /// resource instance it plans, decodes or encodes, and building it allocates a map.
    /// Reset by the builder methods.
    implied: std::sync::OnceLock<Type>,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub ty: Type,
    pub description: String,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// Set by the provider (when optional too: only if the configuration leaves it null).
    pub computed: bool,
    /// Shown as `(sensitive value)` and recorded in state's sensitive paths.
    pub sensitive: bool,
    /// A change to this attribute replaces the object.
    pub force_new: bool,
    /// The value used when configuration leaves an optional attribute null.
    pub default: Option<Value>,
}

impl Attribute {
    fn new(ty: Type) -> Attribute {
        Attribute {
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            default: None,
        }
    }
    pub fn required(ty: Type) -> Attribute {
        Attribute { required: true, ..Attribute::new(ty) }
    }
    pub fn optional(ty: Type) -> Attribute {
        Attribute { optional: true, ..Attribute::new(ty) }
    }
    pub fn computed(ty: Type) -> Attribute {
        Attribute { computed: true, ..Attribute::new(ty) }
    }
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute { optional: true, computed: true, ..Attribute::new(ty) }
    }
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }
    pub fn with_default(mut self, v: Value) -> Attribute {
        // A default makes the attribute computed from the engine's point of view: its planned
        // value is filled even when configuration leaves it null.
        self.default = Some(v);
        self
    }
    pub fn describe(mut self, d: &str) -> Attribute {
        self.description = d.to_string();
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block; value is an object or null.
    Single,
    /// Like Single but the value is never null (attributes are null instead).
    Group,
    List,
    Set,
    /// Blocks with one label; value is a map of objects.
    Map,
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: usize,
    pub max_items: usize,
    /// A change inside the block replaces the object.
    pub force_new: bool,
}

impl Block {
    pub fn new() -> Block {
        Block::default()
    }
    pub fn attr(mut self, name: &str, a: Attribute) -> Block {
        self.attributes.insert(name.to_string(), a);
        self.implied = std::sync::OnceLock::new();
        self
    }
    pub fn block(mut self, name: &str, b: NestedBlock) -> Block {
        self.block_types.insert(name.to_string(), b);
        self.implied = std::sync::OnceLock::new();
        self
    }

    /// The object type of a value conforming to this block.
    pub fn implied_type(&self) -> Type {
        self.implied.get_or_init(|| self.build_implied_type()).clone()
    }

    fn build_implied_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for (name, a) in &self.attributes {
            attrs.insert(name.clone(), a.ty.clone());
        }
        for (name, nb) in &self.block_types {
            let inner = nb.block.implied_type();
            let t = match nb.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            attrs.insert(name.clone(), t);
        }
        Type::object(attrs)
    }
}
