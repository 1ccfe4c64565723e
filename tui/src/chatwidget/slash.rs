//! What each slash command does (tui.md §8), and the `/model` and `/permissions` views'
//! results. Idle-only commands typed while busy commit one error cell and nothing else.

use codex_core::config::AskForApproval;
use codex_core::config::ReasoningEffort;
use codex_core::model_catalog;
use codex_core::protocol::Op;
use codex_core::sandbox::SandboxPolicy;

use super::ChatWidget;
use super::status;
use crate::app_event::AppEvent;
use crate::bottom_pane::list_selection::ListSelectionView;
use crate::bottom_pane::list_selection::SelectionItem;
use crate::bottom_pane::list_selection::SelectionKind;
use crate::bottom_pane::list_selection::SelectionOutcome;
use crate::bottom_pane::list_selection::SelectionScope;
use crate::history_cell;
use crate::slash_command::SlashCommand;

/// The canned `/init` prompt.
const INIT_PROMPT: &str = include_str!("../../prompt_for_init_command.md");

const EFFORTS: [(ReasoningEffort, &str); 4] = [
    (ReasoningEffort::Low, "Low"),
    (ReasoningEffort::Medium, "Medium"),
    (ReasoningEffort::High, "High"),
    (ReasoningEffort::Xhigh, "Extra high"),
];

/// `/permissions` presets: name, description, approval, sandbox.
pub(crate) struct PermissionPreset {
    pub name: &'static str,
    pub description: &'static str,
    pub approval: AskForApproval,
    pub sandbox: fn() -> SandboxPolicy,
}

pub(crate) const PERMISSION_PRESETS: [PermissionPreset; 3] = [
    PermissionPreset {
        name: "Ask for approval",
        description: "Codex can read and edit files in the workspace and run commands; it asks before going further.",
        approval: AskForApproval::OnRequest,
        sandbox: workspace_write,
    },
    PermissionPreset {
        name: "Full Access",
        description: "Codex can edit any file and run any command, with network access, without asking. Use with caution.",
        approval: AskForApproval::Never,
        sandbox: danger_full_access,
    },
    PermissionPreset {
        name: "Read Only",
        description: "Codex can read files; it asks before editing them or running commands that need more.",
        approval: AskForApproval::OnRequest,
        sandbox: read_only,
    },
];

fn workspace_write() -> SandboxPolicy {
    SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    }
}

fn danger_full_access() -> SandboxPolicy {
    SandboxPolicy::DangerFullAccess
}

fn read_only() -> SandboxPolicy {
    SandboxPolicy::ReadOnly
}

impl ChatWidget {
    pub(super) fn dispatch_command(&mut self, command: SlashCommand) {
        if command.idle_only() && self.is_busy() {
            self.app_event_tx
                .insert_cell(history_cell::error_cell(format!(
                    "'/{}' is disabled while a task is in progress.",
                    command.name()
                )));
            return;
        }
        match command {
            SlashCommand::Model => self.open_model_view(),
            SlashCommand::Permissions => self.open_permissions_view(),
            SlashCommand::New => self.app_event_tx.send(AppEvent::NewSession {
                clear_screen: false,
            }),
            SlashCommand::Clear => self
                .app_event_tx
                .send(AppEvent::NewSession { clear_screen: true }),
            SlashCommand::Resume => self.app_event_tx.send(AppEvent::OpenResumePicker),
            SlashCommand::Init => {
                if self.config.cwd.join("AGENTS.md").exists() {
                    self.app_event_tx.insert_cell(history_cell::info_cell(
                        "AGENTS.md already exists here. Skipping /init to avoid overwriting it.",
                    ));
                } else {
                    self.submit_user_turn(INIT_PROMPT.to_string(), Vec::new());
                }
            }
            SlashCommand::Compact => {
                self.compacting = true;
                self.app_event_tx.codex_op(Op::Compact);
                self.start_task();
            }
            SlashCommand::Diff => self.app_event_tx.send(AppEvent::ComputeDiff),
            SlashCommand::Mention => self.bottom_pane.composer.insert_mention(),
            SlashCommand::Status => {
                let card = status::status_card(&status::StatusInputs {
                    version: &self.version,
                    settings: &self.settings,
                    config: &self.config,
                    home: self.home.as_deref(),
                    thread_id: self.thread_id.as_deref(),
                    total: &self.total_usage,
                    last: &self.last_usage,
                    context_window: self.context_window,
                });
                self.app_event_tx
                    .insert_cell(history_cell::command_card("/status", card));
            }
            // Core answers with `McpListToolsResponse`, rendered by `status::mcp_lines`.
            SlashCommand::Mcp => self.app_event_tx.codex_op(Op::ListMcpTools),
            SlashCommand::Logout => self.app_event_tx.send(AppEvent::Logout),
            SlashCommand::Exit => self.app_event_tx.send(AppEvent::ExitRequest),
        }
    }

    /// Core's catalog for the OpenAI provider, plus the configured model (the only choice for
    /// custom providers).
    fn model_choices(&self) -> Vec<String> {
        let mut models: Vec<String> = if self.config.model_provider_id == "openai" {
            model_catalog::PRESETS
                .iter()
                .map(ToString::to_string)
                .collect()
        } else {
            Vec::new()
        };
        if !models.contains(&self.settings.model) {
            models.insert(0, self.settings.model.clone());
        }
        models
    }

    fn open_model_view(&mut self) {
        let current = self.settings.model.clone();
        let items = self
            .model_choices()
            .into_iter()
            .map(|model| SelectionItem {
                is_current: model == current,
                name: model,
                description: None,
                is_default: false,
            })
            .collect();
        self.bottom_pane.selection = Some(ListSelectionView::new(
            SelectionKind::Model,
            "Select Model and Effort".to_string(),
            items,
            "enter select · esc back",
        ));
    }

    fn open_effort_view(&mut self, model: String) {
        let default = model_catalog::find_model(&model).default_reasoning_effort;
        let current = (model == self.settings.model)
            .then_some(self.settings.effort)
            .flatten();
        let items = EFFORTS
            .iter()
            .map(|(effort, label)| SelectionItem {
                name: (*label).to_string(),
                description: None,
                is_current: current == Some(*effort),
                is_default: default == Some(*effort),
            })
            .collect();
        self.bottom_pane.selection = Some(ListSelectionView::new(
            SelectionKind::Effort {
                model: model.clone(),
            },
            format!("Select Reasoning Level for {model}"),
            items,
            "enter default · s session · esc back",
        ));
    }

    fn open_permissions_view(&mut self) {
        let items = PERMISSION_PRESETS
            .iter()
            .map(|preset| SelectionItem {
                name: preset.name.to_string(),
                description: Some(preset.description.to_string()),
                is_current: preset.approval == self.settings.approval_policy
                    && same_sandbox_kind(&(preset.sandbox)(), &self.settings.sandbox_policy),
                is_default: false,
            })
            .collect();
        self.bottom_pane.selection = Some(ListSelectionView::new(
            SelectionKind::Permissions,
            "Update Model Permissions".to_string(),
            items,
            "enter select · esc back",
        ));
    }

    pub(super) fn on_selection(&mut self, outcome: SelectionOutcome) {
        let SelectionOutcome::Chosen { kind, index, scope } = outcome else {
            return;
        };
        match kind {
            SelectionKind::Model => {
                if let Some(model) = self.model_choices().get(index).cloned() {
                    self.open_effort_view(model);
                }
            }
            SelectionKind::Effort { model } => {
                let Some((effort, _)) = EFFORTS.get(index) else {
                    return;
                };
                self.settings.model = model.clone();
                self.settings.effort = Some(*effort);
                self.refresh_footer();
                self.app_event_tx
                    .insert_cell(history_cell::info_cell(format!(
                        "Model changed to {model} {}",
                        effort.as_str()
                    )));
                match scope {
                    SelectionScope::Default => self.app_event_tx.send(AppEvent::PersistModel {
                        model,
                        effort: Some(*effort),
                    }),
                    SelectionScope::SessionOnly => {}
                }
            }
            SelectionKind::Permissions => {
                let Some(preset) = PERMISSION_PRESETS.get(index) else {
                    return;
                };
                self.settings.approval_policy = preset.approval;
                self.settings.sandbox_policy = (preset.sandbox)();
                self.app_event_tx
                    .insert_cell(history_cell::info_cell(format!(
                        "Permissions updated to {}",
                        preset.name
                    )));
            }
        }
    }
}

fn same_sandbox_kind(a: &SandboxPolicy, b: &SandboxPolicy) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
