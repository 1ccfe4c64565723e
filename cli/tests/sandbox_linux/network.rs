//! The network filter: sockets and connections refused, AF_UNIX kept, network when enabled,
//! and the environment marker (S7-S9, S11).

use std::os::unix::net::UnixListener;

use pretty_assertions::assert_eq;

use crate::Layout;
use crate::Outcome;
use crate::probe;

#[test]
fn s7_network_off_refuses_sockets_and_connections() {
    let l = Layout::new();
    let socket_path = l.t.join("unix.sock");
    let _unix = UnixListener::bind(&socket_path).unwrap();
    let unix_path = socket_path.to_string_lossy().into_owned();
    let probe = probe();
    let address = l.address();
    let actions: [&[&str]; 6] = [
        &["tcp-connect", &address],
        &["socket", "inet"],
        &["socket", "inet6"],
        &["socket", "netlink"],
        &["socket", "vsock"],
        &["unix-connect", &unix_path],
    ];
    for flags in [&[][..], &["--full-auto"][..]] {
        for action in actions {
            let mut command = vec![probe.as_str()];
            command.extend_from_slice(action);
            assert_eq!(
                l.run(flags, &command),
                Outcome::err("EPERM"),
                "{flags:?} {action:?}"
            );
        }
    }
    assert!(!l.accepted(), "the listener saw a connection");
}

#[test]
fn s8_unix_sockets_and_socketpairs_still_work() {
    let l = Layout::new();
    for flags in [&[][..], &["--full-auto"][..]] {
        assert_eq!(l.run(flags, &[&probe(), "socket", "unix"]), Outcome::ok());
        assert_eq!(l.run(flags, &[&probe(), "socketpair-rw"]), Outcome::ok());
    }
}

#[test]
fn s9_network_when_enabled_or_unsandboxed() {
    let l = Layout::new();
    let address = l.address();
    assert_eq!(
        l.run(
            &[
                "--full-auto",
                "-c",
                "sandbox_workspace_write.network_access=true"
            ],
            &[&probe(), "tcp-connect", &address]
        ),
        Outcome::ok()
    );
    assert!(l.accepted());
    assert_eq!(
        l.run(
            &["-c", "sandbox_mode=\"danger-full-access\""],
            &[&probe(), "tcp-connect", &address]
        ),
        Outcome::ok()
    );
    assert!(l.accepted());
}

fn sandbox_variables(outcome: &Outcome) -> Vec<&str> {
    assert_eq!(outcome.code, Some(0), "{outcome:?}");
    outcome
        .stdout
        .lines()
        .filter(|line| line.starts_with("CODEX_SANDBOX"))
        .collect()
}

#[test]
fn s11_the_network_marker_is_set_only_without_network() {
    let l = Layout::new();
    let marker = vec!["CODEX_SANDBOX_NETWORK_DISABLED=1"];
    assert_eq!(sandbox_variables(&l.ro(&["env"])), marker);
    assert_eq!(sandbox_variables(&l.ww(&["env"])), marker);
    let networked = l.run(
        &[
            "--full-auto",
            "-c",
            "sandbox_workspace_write.network_access=true",
        ],
        &["env"],
    );
    assert_eq!(sandbox_variables(&networked), Vec::<&str>::new());
    let unsandboxed = l.run(&["-c", "sandbox_mode=\"danger-full-access\""], &["env"]);
    assert_eq!(sandbox_variables(&unsandboxed), Vec::<&str>::new());
}
