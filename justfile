# Developer recipes. `just` is optional: every recipe is one plain command you can run yourself.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Run codex (e.g. `just codex exec "hello"`).
codex *args:
    cargo run --release -p codex-cli -- {{args}}

fmt:
    cargo fmt --all

fix:
    cargo clippy --fix --workspace --all-targets --allow-dirty --allow-staged

# The whole test suite, as CI runs it.
test:
    ./scripts/test

# Benchmarks: one `codex exec --json` turn with 20 sequential commands against a mock server;
# the per-command cost of the Linux sandbox (`true` bare vs through the helper, median of 200);
# `codex app-server` turn latency (50 one-message turns) and delta throughput (2 MiB reply);
# the TUI's 120x40 alt-screen frame over a 2,000-cell transcript and keystroke-to-frame latency
# while a 1 MiB reply streams (target under 16 ms).
bench:
    cargo build --release -p codex-cli --bin codex --example bench_exec --example bench_sandbox --example bench_app_server
    cargo build --release -p codex-tui --example bench_tui
    ./target/release/examples/bench_exec
    ./target/release/examples/bench_sandbox
    ./target/release/examples/bench_app_server
    ./target/release/examples/bench_tui

# Regenerate the app-server protocol's JSON Schema (committed under app-server-protocol/schema/).
write-app-server-schema:
    cargo run -p codex-app-server-protocol --bin write-app-server-schema -- app-server-protocol/schema
