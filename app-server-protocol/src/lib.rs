//! Wire types of the app-server protocol (JSON-RPC v2 over JSONL), mirroring the original's
//! names and shapes, plus the JSON Schema generated from them. No IO lives here: the app-server
//! and the debug client decode lines into these types and encode these types into lines.

mod account;
mod approvals;
mod command_exec;
mod common;
mod config;
mod envelope;
mod initialize;
mod items;
mod methods;
mod model;
mod notifications;
mod schema;
mod thread;
mod thread_requests;
mod turn;

pub use account::*;
pub use approvals::*;
pub use command_exec::*;
pub use common::*;
pub use config::*;
pub use envelope::*;
pub use initialize::*;
pub use items::*;
pub use methods::ClientNotification;
pub use methods::ClientRequest;
pub use methods::ServerNotification;
pub use methods::ServerRequest;
pub use model::*;
pub use notifications::*;
pub use schema::SchemaFile;
pub use schema::generate_schema_files;
pub use schema::write_schema_files;
pub use thread::*;
pub use thread_requests::*;
pub use turn::*;
