pub mod paste_burst;
pub mod textarea;
