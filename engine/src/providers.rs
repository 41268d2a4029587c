//! The providers of a run: which compiled-in provider serves each resource type, one configured
//! instance per provider configuration (default or alias), and their schemas.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use infra_provider_sdk::{ConfigureRequest, Provider, ProviderFactory, ProviderSchema};
use infra_value::{Diagnostic, Value};
use tokio::sync::OnceCell;

use crate::config::tree::Config;
use crate::config::Resource;

pub struct ProviderEntry {
    /// The factory's type name (`random`).
    pub type_name: String,
    /// `provider["registry.terraform.io/hashicorp/random"]` or with `.alias`.
    pub addr: String,
    /// `registry.terraform.io/hashicorp/random`
    pub fqn: String,
    pub provider: Arc<dyn Provider>,
    pub schema: Arc<ProviderSchema>,
    pub configured: OnceCell<Result<(), Vec<Diagnostic>>>,
}

pub struct Providers {
    factories: Vec<ProviderFactory>,
    /// Keyed by (factory type name, alias).
    entries: Mutex<HashMap<(String, Option<String>), Arc<ProviderEntry>>>,
}

impl Providers {
    pub fn new(factories: Vec<ProviderFactory>) -> Providers {
        Providers { factories, entries: Mutex::new(HashMap::new()) }
    }

    pub fn builtin_names(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self.factories.iter().map(|f| f.name).collect();
        v.sort();
        v
    }

    /// The factory type name serving a provider local name in a module (following
    /// `required_providers` sources such as `hashicorp/random`).
    pub fn type_for_local_name(&self, config: &Config, module_path: &[String], local: &str) -> Option<String> {
        let module = config.module(module_path).map(|m| &m.module);
        let source = module.and_then(|m| m.required_providers.get(local)).map(|r| r.source.clone());
        let wanted = match &source {
            Some(s) => s.rsplit('/').next().unwrap_or(s).to_string(),
            None => local.to_string(),
        };
        self.factories.iter().find(|f| f.name == wanted).map(|f| f.name.to_string())
    }

    /// The entry serving `resource` in the module at `module_path`.
    pub fn for_resource(&self, config: &Config, module_path: &[String], resource: &Resource) -> Result<Arc<ProviderEntry>, Diagnostic> {
        let local = if resource.key.ty == "terraform_data" { "terraform".to_string() } else { resource.provider_local_name() };
        let alias = resource.provider.as_ref().and_then(|(_, a, _)| a.clone());
        match self.type_for_local_name(config, module_path, &local) {
            Some(t) => Ok(self.entry(&t, alias)),
            None => Err(Diagnostic::error(
                "Unknown provider",
                format!(
                    "The resource type {:?} belongs to the provider {local:?}, which is not built into infra. infra compiles its providers in and downloads none; the built-in providers are: {}.",
                    resource.key.ty,
                    self.builtin_names().join(", ")
                ),
            )),
        }
    }

    /// The entry for a factory type name and alias, created on first use.
    pub fn entry(&self, type_name: &str, alias: Option<String>) -> Arc<ProviderEntry> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (type_name.to_string(), alias.clone());
        if let Some(e) = entries.get(&key) {
            return e.clone();
        }
        let factory = self.factories.iter().find(|f| f.name == type_name).cloned();
        let factory = match factory {
            Some(f) => f,
            None => self.factories[0].clone(),
        };
        let provider = (factory.new)();
        let schema = provider.schema();
        let fqn = if factory.source.contains('.') { factory.source.to_string() } else { format!("registry.terraform.io/{}", factory.source) };
        let mut addr = format!("provider[\"{fqn}\"]");
        if let Some(a) = &alias {
            addr.push('.');
            addr.push_str(a);
        }
        let e = Arc::new(ProviderEntry { type_name: type_name.to_string(), addr, fqn, provider, schema, configured: OnceCell::new() });
        entries.insert(key, e.clone());
        e
    }

    /// The schema of a resource or data source type, by type prefix (for decoding state).
    pub fn schema_for_type(&self, data: bool, ty: &str) -> Option<Arc<ProviderSchema>> {
        let name = if ty == "terraform_data" { "terraform" } else { ty.split('_').next().unwrap_or(ty) };
        let f = self.factories.iter().find(|f| f.name == name)?;
        let s = (f.new)().schema();
        let has = if data { s.data_sources.contains_key(ty) } else { s.resources.contains_key(ty) };
        has.then_some(s)
    }
}

/// Configures a provider once; later calls return the first result.
pub async fn ensure_configured(entry: &ProviderEntry, config: Value) -> Result<(), Vec<Diagnostic>> {
    entry
        .configured
        .get_or_init(|| async {
            let resp = entry.provider.configure(ConfigureRequest { config }).await;
            if resp.diagnostics.has_errors() {
                Err(resp.diagnostics.0)
            } else {
                Ok(())
            }
        })
        .await
        .clone()
}
