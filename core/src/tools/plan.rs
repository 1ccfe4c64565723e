//! `update_plan`: the model records its plan; front ends show it (exec: a `todo_list` item).

use serde::Deserialize;

use super::parse_arguments;
use crate::protocol::EventMsg;
use crate::protocol::PlanItem;
use crate::protocol::models::FunctionCallOutput;
use crate::session::Session;
use crate::session::TurnContext;

#[derive(Deserialize)]
struct UpdatePlanArgs {
    #[serde(default)]
    explanation: Option<String>,
    plan: Vec<PlanItem>,
}

pub(super) fn update_plan(
    sess: &Session,
    turn: &TurnContext,
    arguments: &str,
) -> FunctionCallOutput {
    let args: UpdatePlanArgs = match parse_arguments("update_plan", arguments) {
        Ok(args) => args,
        Err(message) => return FunctionCallOutput::Text(message),
    };
    sess.emit(
        &turn.sub_id,
        EventMsg::PlanUpdate {
            explanation: args.explanation,
            plan: args.plan,
        },
    );
    FunctionCallOutput::Text("Plan updated".to_string())
}
