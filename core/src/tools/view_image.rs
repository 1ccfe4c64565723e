//! `view_image`: attach a local image to the conversation as an `input_image` content item.

use serde::Deserialize;

use super::parse_arguments;
use crate::protocol::models::ContentItem;
use crate::protocol::models::FunctionCallOutput;
use crate::session::TurnContext;
use crate::session::context::data_url;

#[derive(Deserialize)]
struct ViewImageArgs {
    path: String,
}

pub(super) fn view_image(turn: &TurnContext, arguments: &str) -> FunctionCallOutput {
    let args: ViewImageArgs = match parse_arguments("view_image", arguments) {
        Ok(args) => args,
        Err(message) => return FunctionCallOutput::Text(message),
    };
    let path = turn.config.cwd.join(&args.path);
    match std::fs::read(&path) {
        Ok(bytes) => FunctionCallOutput::Content(vec![ContentItem::InputImage {
            image_url: data_url(&path, &bytes),
            detail: None,
        }]),
        Err(err) => {
            FunctionCallOutput::Text(format!("unable to read image at {}: {err}", path.display()))
        }
    }
}
