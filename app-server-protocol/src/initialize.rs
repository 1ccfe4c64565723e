//! The handshake: `initialize` params (client info and capabilities) and its response.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;

/// Params of `initialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    pub client_info: ClientInfo,
    /// Absent or `null` means every capability is off.
    #[serde(default)]
    pub capabilities: Option<InitializeCapabilities>,
}

/// Who the client is; `name` becomes the originator and the first user-agent token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClientInfo {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    pub version: String,
}

/// Capabilities declared by the client; unknown members are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializeCapabilities {
    /// Opt into experimental methods and fields.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub experimental_api: bool,
    /// Opt into `attestation/generate` requests (does not need `experimentalApi`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub request_attestation: bool,
    /// Exact notification method names not to send on this connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_out_notification_methods: Option<Vec<String>>,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explicit_gateway_oauth: bool,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mcp_server_openai_form_elicitation: bool,
    /// Accepted and ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required_human_approval: bool,
}

/// Result of `initialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResponse {
    pub user_agent: String,
    /// Absolute `$CODEX_HOME`.
    pub codex_home: PathBuf,
    /// `unix` or `windows`.
    pub platform_family: String,
    /// `linux`, `macos` or `windows`.
    pub platform_os: String,
}
