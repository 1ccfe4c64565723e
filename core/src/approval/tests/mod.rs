//! Table tests for the approval rules (spec §8 A6): known-safe and dangerous commands, plain
//! scripts, likely sandbox denials, and the command and patch decision tables.

mod dangerous;
mod decisions;
mod denial;
mod known_safe;
mod plain_script;
mod prefix_rule;

fn to_argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_string()).collect()
}

/// Runs `rule` on every case and compares all results at once, so a failure lists every
/// wrong row with its argv.
fn check_table(rule: fn(&[String]) -> bool, cases: &[(&[&str], bool)]) {
    let actual: Vec<(&[&str], bool)> = cases
        .iter()
        .map(|(words, _)| (*words, rule(&to_argv(words))))
        .collect();
    pretty_assertions::assert_eq!(actual, cases.to_vec());
}
