pub mod composer_history;
pub mod paste_burst;
pub mod textarea;
