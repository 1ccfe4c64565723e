//! Model providers (`config.md` §6): the built-in `openai`, `ollama` and `lmstudio` entries,
//! custom `[model_providers.<id>]` tables with their defaults, and the local-server settings
//! that `--oss` uses.

use std::collections::BTreeMap;

use super::ConfigEnv;
use super::InstructionsPlacement;
use super::ModelProviderInfo;
use super::WireApi;
use super::schema::LocalProvider;
use super::schema::ModelProviderToml;

pub(crate) const OPENAI_PROVIDER_ID: &str = "openai";
pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_REQUEST_MAX_RETRIES: u64 = 4;
const DEFAULT_STREAM_MAX_RETRIES: u64 = 5;
const DEFAULT_STREAM_IDLE_TIMEOUT_MS: u64 = 300_000;
/// Retries beyond this are a configuration mistake, not a policy.
const MAX_RETRIES_CAP: u64 = 100;

impl LocalProvider {
    pub(crate) fn from_id(id: &str) -> Option<Self> {
        match id {
            "lmstudio" => Some(LocalProvider::Lmstudio),
            "ollama" => Some(LocalProvider::Ollama),
            _ => None,
        }
    }

    pub(crate) fn id(self) -> &'static str {
        match self {
            LocalProvider::Lmstudio => "lmstudio",
            LocalProvider::Ollama => "ollama",
        }
    }

    /// The model `--oss` uses when no `-m` is given.
    pub(crate) fn default_model(self) -> &'static str {
        match self {
            LocalProvider::Lmstudio => "openai/gpt-oss-20b",
            LocalProvider::Ollama => "gpt-oss:20b",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            LocalProvider::Lmstudio => 1234,
            LocalProvider::Ollama => 11434,
        }
    }
}

/// The built-in providers, keyed by id.
pub(crate) fn built_in_providers(
    openai_base_url: Option<&str>,
    env: &ConfigEnv,
) -> BTreeMap<String, ModelProviderInfo> {
    let mut providers = BTreeMap::new();
    providers.insert(
        OPENAI_PROVIDER_ID.to_string(),
        openai_provider(openai_base_url, env),
    );
    for local in [LocalProvider::Lmstudio, LocalProvider::Ollama] {
        providers.insert(local.id().to_string(), local_provider(local, env));
    }
    providers
}

fn openai_provider(openai_base_url: Option<&str>, env: &ConfigEnv) -> ModelProviderInfo {
    let base_url = openai_base_url
        .or_else(|| env.non_blank("OPENAI_BASE_URL"))
        .unwrap_or(OPENAI_DEFAULT_BASE_URL)
        .to_string();
    let env_http_headers = [
        ("OpenAI-Organization", "OPENAI_ORGANIZATION"),
        ("OpenAI-Project", "OPENAI_PROJECT"),
    ]
    .into_iter()
    .map(|(header, var)| (header.to_string(), var.to_string()))
    .collect();
    ModelProviderInfo {
        env_http_headers,
        requires_openai_auth: true,
        supports_websockets: true,
        is_builtin_openai: true,
        ..provider_with_defaults("OpenAI".to_string(), base_url)
    }
}

/// `CODEX_OSS_BASE_URL` replaces the whole URL, else `CODEX_OSS_PORT` replaces the port.
fn local_provider(local: LocalProvider, env: &ConfigEnv) -> ModelProviderInfo {
    let base_url = match env.non_blank("CODEX_OSS_BASE_URL") {
        Some(url) => url.to_string(),
        None => {
            let port = env
                .non_blank("CODEX_OSS_PORT")
                .and_then(|port| port.trim().parse::<u16>().ok())
                .unwrap_or(local.default_port());
            format!("http://localhost:{port}/v1")
        }
    };
    provider_with_defaults("gpt-oss".to_string(), base_url)
}

/// A provider with every optional field at its §6 default.
fn provider_with_defaults(name: String, base_url: String) -> ModelProviderInfo {
    ModelProviderInfo {
        name,
        base_url,
        env_key: None,
        env_key_instructions: None,
        wire_api: WireApi::Responses,
        query_params: BTreeMap::new(),
        http_headers: BTreeMap::new(),
        env_http_headers: BTreeMap::new(),
        request_max_retries: DEFAULT_REQUEST_MAX_RETRIES,
        stream_max_retries: DEFAULT_STREAM_MAX_RETRIES,
        stream_idle_timeout_ms: DEFAULT_STREAM_IDLE_TIMEOUT_MS,
        requires_openai_auth: false,
        supports_websockets: false,
        experimental_bearer_token: None,
        instructions_placement: InstructionsPlacement::Input,
        is_builtin_openai: false,
    }
}

/// A custom provider with the defaults of §6; `name` must have been checked by the caller.
pub(crate) fn custom_provider(name: String, table: ModelProviderToml) -> ModelProviderInfo {
    ModelProviderInfo {
        name,
        base_url: table
            .base_url
            .unwrap_or_else(|| OPENAI_DEFAULT_BASE_URL.to_string()),
        env_key: table.env_key,
        env_key_instructions: table.env_key_instructions,
        wire_api: table.wire_api.map_or(WireApi::Responses, |wire| wire.0),
        query_params: table.query_params.unwrap_or_default(),
        http_headers: table.http_headers.unwrap_or_default(),
        env_http_headers: table.env_http_headers.unwrap_or_default(),
        request_max_retries: table
            .request_max_retries
            .unwrap_or(DEFAULT_REQUEST_MAX_RETRIES)
            .min(MAX_RETRIES_CAP),
        stream_max_retries: table
            .stream_max_retries
            .unwrap_or(DEFAULT_STREAM_MAX_RETRIES)
            .min(MAX_RETRIES_CAP),
        stream_idle_timeout_ms: table
            .stream_idle_timeout_ms
            .unwrap_or(DEFAULT_STREAM_IDLE_TIMEOUT_MS),
        requires_openai_auth: table.requires_openai_auth.unwrap_or(false),
        supports_websockets: table.supports_websockets.unwrap_or(false),
        experimental_bearer_token: table.experimental_bearer_token,
        instructions_placement: table
            .instructions_placement
            .unwrap_or(InstructionsPlacement::Input),
        is_builtin_openai: false,
    }
}
