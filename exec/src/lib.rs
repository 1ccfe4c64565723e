pub mod event_processor;
pub mod exec_events;
pub mod human_output;
pub mod jsonl_output;
pub mod shell_quote;
#[cfg(test)]
mod test_util;
