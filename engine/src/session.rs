//! A session: one configuration directory loaded and checked, with its providers — the entry
//! point the CLI uses for validate, plan and apply. Each command is a thin wrapper over these
//! operations.

use std::collections::BTreeMap;
use std::path::Path;

use infra_provider_sdk::ProviderFactory;
use infra_state::StateFile;
use infra_value::{Diagnostic, Type, Value};

use crate::config::tree::{self, Config};
use crate::config::Mode;
use crate::graph::{self, Graph};
use crate::hooks::Hooks;
use crate::plan::Plan;
use crate::providers::Providers;
use crate::source::SourceMap;
use crate::state_bridge::{self, WorkingState};
use crate::walk::{Persister, RunOptions, WalkMode, WalkResult, Walker};

pub struct Session {
    pub config: Config,
    pub sources: SourceMap,
    pub providers: Providers,
    pub graph: Graph,
}

impl Session {
    /// Loads the configuration in `dir` and builds its graph. Returns the diagnostics of
    /// parsing and static checking; the session is `None` when they include errors.
    pub fn load(dir: &Path, factories: Vec<ProviderFactory>) -> (Option<Session>, Vec<Diagnostic>) {
        Self::load_with(dir, factories, false)
    }

    /// [`Session::load`]; `installing` for `init`, which reports module directories as
    /// Terraform's module installer does (see [`tree::load_with`]).
    pub fn load_with(dir: &Path, factories: Vec<ProviderFactory>, installing: bool) -> (Option<Session>, Vec<Diagnostic>) {
        let (session, diags, _) = Self::load_with_sources(dir, factories, installing);
        (session, diags)
    }

    /// [`Session::load_with`], also returning the source map the diagnostics point into: when
    /// loading fails there is no session to hold it, and the caller needs the text to render the
    /// diagnostics (it had re-read and re-parsed the whole configuration for that).
    pub fn load_with_sources(dir: &Path, factories: Vec<ProviderFactory>, installing: bool) -> (Option<Session>, Vec<Diagnostic>, SourceMap) {
        let sources = SourceMap::new();
        let mut diags = Vec::new();
        let config = tree::load_with(dir, &sources, &mut diags, installing);
        crate::timings::mark("parsed");
        let providers = Providers::new(factories);
        // Unknown providers in required_providers are reported up front.
        for m in config.all_modules() {
            for (name, req) in &m.module.required_providers {
                let want = req.source.rsplit('/').next().unwrap_or(&req.source);
                if name != "terraform" && !providers.builtin_names().contains(&want) {
                    diags.push(
                        Diagnostic::error(
                            "Unknown provider",
                            format!(
                                "The provider {:?} ({name}) is not built into infra, which downloads no plugins. The built-in providers are: {}.",
                                req.source,
                                providers.builtin_names().join(", ")
                            ),
                        )
                        .with_subject_opt(sources.range(req.span)),
                    );
                }
            }
        }
        let (graph, gdiags) = graph::build(&config, &sources);
        crate::timings::mark("graph built");
        diags.extend(gdiags);
        if diags.iter().any(Diagnostic::is_error) {
            return (None, diags, sources);
        }
        (Some(Session { config, sources: sources.clone(), providers, graph }), diags, sources)
    }

    /// The schema and object type of each resource type, among the session's providers (what
    /// state decoding and the plan renderer take as a [`state_bridge::SchemaLookup`]).
    pub fn lookup(&self) -> impl Fn(Mode, &str) -> Option<(std::sync::Arc<infra_provider_sdk::ProviderSchema>, Type)> + Sync + '_ {
        schema_lookup(&self.providers)
    }

    /// Decodes a stored state with the providers' schemas.
    pub fn decode_state(&self, sf: Option<&StateFile>) -> Result<WorkingState, Diagnostic> {
        decode_state(&self.providers, sf)
    }

    /// Encodes a working state for storage.
    pub fn encode_state(&self, ws: &WorkingState) -> StateFile {
        state_bridge::to_state_file(ws, &self.lookup())
    }

    /// Frees the parsed configuration, once no walk needs it any more: an apply calls this
    /// after its walk, before the new state is encoded and written. That is when its memory
    /// peaks, and the configuration's blocks are then reused for the state's text instead of
    /// new pages. Encoding state needs only the providers' schemas.
    pub fn release_configuration(&mut self) {
        let empty = tree::ModuleNode { path: Vec::new(), module: crate::config::Module::default(), display_dir: String::new(), children: BTreeMap::new() };
        self.config.root = std::sync::Arc::new(empty);
    }

    pub fn schema_type(&self, mode: Mode, ty: &str) -> Option<Type> {
        self.lookup()(mode, ty).map(|(_, t)| t)
    }

    pub async fn validate(&self, vars: BTreeMap<String, Value>) -> Vec<Diagnostic> {
        let opts = RunOptions::default();
        let hooks = crate::hooks::NoHooks;
        let walker = Walker::new(
            &self.config,
            &self.sources,
            &self.providers,
            &self.graph,
            &opts,
            WalkMode::Validate,
            vars,
            WorkingState::default(),
            &hooks,
            &crate::walk::NoPersist,
        );
        walker.run().await.diagnostics
    }

    pub async fn plan(&self, prior: WorkingState, vars: BTreeMap<String, Value>, opts: &RunOptions, hooks: &dyn Hooks) -> WalkResult {
        let walker =
            Walker::new(&self.config, &self.sources, &self.providers, &self.graph, opts, WalkMode::Plan, vars, prior, hooks, &crate::walk::NoPersist);
        walker.run().await
    }

    pub async fn apply(
        &self,
        prior: WorkingState,
        vars: BTreeMap<String, Value>,
        opts: &RunOptions,
        hooks: &dyn Hooks,
        persister: &dyn Persister,
        saved: Option<&Plan>,
    ) -> WalkResult {
        let mut walker = Walker::new(&self.config, &self.sources, &self.providers, &self.graph, opts, WalkMode::Apply, vars, prior, hooks, persister);
        walker.saved_plan = saved;
        walker.run().await
    }
}

/// The schema and object type of a resource type, among `providers`.
pub fn schema_lookup(providers: &Providers) -> impl Fn(Mode, &str) -> Option<(std::sync::Arc<infra_provider_sdk::ProviderSchema>, Type)> + Sync + '_ {
    move |mode, ty| {
        let s = providers.schema_for_type(mode == Mode::Data, ty)?;
        let t = match mode {
            Mode::Managed => s.resources.get(ty)?.block.implied_type(),
            Mode::Data => s.data_sources.get(ty)?.block.implied_type(),
        };
        Some((s, t))
    }
}

/// Decodes a stored state with the providers' schemas. Needs no configuration: the schemas are
/// the built-in providers', so the CLI decodes a state it reads while the configuration is
/// still being parsed ([`Session::decode_state`] is the same with the session's providers).
pub fn decode_state(providers: &Providers, sf: Option<&StateFile>) -> Result<WorkingState, Diagnostic> {
    match sf {
        None => Ok(WorkingState::default()),
        Some(sf) => state_bridge::from_state_file(sf, &schema_lookup(providers))
            .map_err(|e| Diagnostic::error("Invalid state", format!("The state could not be decoded: {e}."))),
    }
}
