//! `account/read`: which account the server authenticates with.

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;

use crate::schema::RequiredNullable;

/// Params of `account/read`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetAccountParams {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refresh_token: bool,
}

/// Result of `account/read`; `account` is `null` without a login (e.g. an `env_key` provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GetAccountResponse {
    #[serde(default)]
    pub account: Option<Account>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub requires_openai_auth: bool,
}

/// The signed-in account, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Account {
    ApiKey,
    #[serde(rename_all = "camelCase")]
    Chatgpt {
        #[schemars(with = "RequiredNullable<String>")]
        email: Option<String>,
        plan_type: PlanType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workspace_name: Option<String>,
    },
}

/// ChatGPT plan of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanType {
    Free,
    Go,
    Plus,
    Pro,
    Prolite,
    Promax,
    Team,
    SelfServeBusinessProlite,
    SelfServeBusinessUsageBased,
    Business,
    Ent26,
    EnterpriseCbpAutomation,
    EnterpriseCbpUsageBased,
    Enterprise,
    Edu,
    EduPlus,
    EduPro,
    Sci,
    SciPlus,
    Unknown,
}
