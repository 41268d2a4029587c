//! The built-in `terraform` provider: the `terraform_data` resource, with Terraform's exact
//! planning rules (`input` → `output`, `triggers_replace` forces replacement, random `id`).
//!
//! Its objects exist only in state, so after a crash a create that never reported its outcome
//! left nothing to adopt: `recover_by_token` answers `Absent` and the next apply creates it.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use infra_provider_sdk::schema::{Attribute, Block, ProviderSchema, ResourceSchema};
use infra_provider_sdk::*;

pub struct TerraformProvider;

pub fn factory() -> ProviderFactory {
    ProviderFactory { name: "terraform", source: "terraform.io/builtin/terraform", new: || Arc::new(TerraformProvider) }
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let block = Block::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("input", Attribute::optional(Type::Dynamic))
                .attr("output", Attribute::computed(Type::Dynamic))
                .attr("triggers_replace", Attribute::optional(Type::Dynamic));
            let mut resources = BTreeMap::new();
            resources.insert("terraform_data".to_string(), ResourceSchema { version: 0, block, importable: true });
            Arc::new(ProviderSchema { provider: Block::new(), resources, data_sources: BTreeMap::new(), state_only: true })
        })
        .clone()
}

fn attr(v: &Value, name: &str) -> Value {
    v.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null)
}

fn with(v: &Value, name: &str, new: Value) -> Value {
    with_all(v, [(name, new)])
}

/// `v` with the given attributes set, copying its entries once (planning a create sets two).
/// An attribute already there keeps its key: only the value is replaced.
fn with_all<const N: usize>(v: &Value, attrs: [(&str, Value); N]) -> Value {
    let mut m = v.as_entries().cloned().unwrap_or_default();
    for (name, new) in attrs {
        match m.get_mut(name) {
            Some(slot) => *slot = new,
            None => {
                m.insert(name.to_string(), new);
            }
        }
    }
    Value::object(m).mark(v.marks())
}

/// `output`'s planned value when it must be recomputed: null stays null, otherwise unknown of
/// the input's type.
fn pending_output(input: &Value) -> Value {
    if input.is_null() {
        input.clone()
    } else {
        Value::unknown(input.ty())
    }
}

#[async_trait]
impl Provider for TerraformProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    async fn plan_resource(&self, req: PlanResourceRequest) -> PlanResourceResponse {
        if req.proposed_new_state.is_null() {
            return PlanResourceResponse { planned_state: Some(req.proposed_new_state), ..Default::default() };
        }
        let proposed = req.proposed_new_state.clone();
        let input = attr(&proposed, "input");
        let trigger = attr(&proposed, "triggers_replace");
        let mut requires_replace = Vec::new();
        let planned = if req.prior_state.is_null() {
            with_all(&proposed, [("id", Value::unknown(Type::String)), ("output", pending_output(&input))])
        } else if !attr(&req.prior_state, "triggers_replace").raw_equals(&trigger) {
            requires_replace.push(AttrPath::attr("triggers_replace"));
            with_all(&proposed, [("id", Value::unknown(Type::String)), ("output", pending_output(&input))])
        } else if !attr(&req.prior_state, "input").raw_equals(&input) {
            with(&proposed, "output", Value::unknown(input.ty()))
        } else {
            proposed
        };
        PlanResourceResponse { planned_state: Some(planned), requires_replace, ..Default::default() }
    }

    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse {
        if req.planned_state.is_null() {
            return ApplyResourceResponse { new_state: req.planned_state, private: Vec::new(), diagnostics: Diagnostics::new() };
        }
        let mut state = req.planned_state.clone();
        if !attr(&state, "id").is_known() {
            state = with(&state, "id", Value::string(uuid::Uuid::new_v4().to_string()));
        }
        // The output always mirrors the input after apply.
        state = with(&state, "output", attr(&state, "input"));
        ApplyResourceResponse { new_state: state, private: Vec::new(), diagnostics: Diagnostics::new() }
    }

    /// A create interrupted by a crash produced nothing to adopt: `terraform_data` objects exist only in state, and a create that
    /// never reported its outcome never reached state. The engine forgets the intent and plans
    /// the instance again.
    async fn recover_by_token(&self, _req: infra_provider_sdk::RecoverRequest) -> infra_provider_sdk::RecoverResponse {
        infra_provider_sdk::RecoverResponse::Absent
    }

    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse { new_state: req.current_state, private: req.private, diagnostics: Diagnostics::new() }
    }

    async fn import_resource(&self, req: ImportResourceRequest) -> ImportResourceResponse {
        let mut m = BTreeMap::new();
        m.insert("id".to_string(), Value::string(&req.id));
        m.insert("input".to_string(), Value::dynamic_null());
        m.insert("output".to_string(), Value::dynamic_null());
        m.insert("triggers_replace".to_string(), Value::dynamic_null());
        ImportResourceResponse {
            imported: vec![ImportedResource { type_name: req.type_name, state: Value::object(m), private: Vec::new() }],
            diagnostics: Diagnostics::new(),
        }
    }
}
