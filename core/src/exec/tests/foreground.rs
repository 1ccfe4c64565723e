//! `run_to_exit`: a command the caller waits on to the end, killed with its group when the
//! wait is cancelled or abandoned.

use pretty_assertions::assert_eq;

use super::*;
use crate::exec::run_to_exit;

#[tokio::test]
async fn runs_to_exit_with_merged_output_and_deltas() {
    let (sink, mut chunks) = mpsc::unbounded_channel();
    let output = run_to_exit(
        &sh("echo out; sleep 0.1; echo err >&2; exit 3"),
        OutputSink::forward_to(sink),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(outcome(&output), (Some(3), None, "out\nerr\n".to_string()));
    let mut streamed = Vec::new();
    while let Ok(chunk) = chunks.try_recv() {
        streamed.extend(chunk);
    }
    assert_eq!(String::from_utf8_lossy(&streamed), "out\nerr\n");
}

#[tokio::test]
async fn a_bad_request_is_an_error() {
    let request = ExecRequest {
        cwd: PathBuf::from("/nonexistent/dir"),
        ..sh("true")
    };
    assert_eq!(
        run_to_exit(&request, OutputSink::discard(), &CancellationToken::new()).await,
        Err(ExecError::WorkdirNotFound(PathBuf::from(
            "/nonexistent/dir"
        )))
    );
}

/// Starts `SLEEPING_GROUP` in a task and returns it with its background grandchild's pid.
async fn sleeping_group(
    cancel: &CancellationToken,
) -> (tokio::task::JoinHandle<Result<ExecOutput, ExecError>>, i32) {
    let (sink, mut chunks) = mpsc::unbounded_channel();
    let running = tokio::spawn({
        let cancel = cancel.clone();
        async move { run_to_exit(&sh(SLEEPING_GROUP), OutputSink::forward_to(sink), &cancel).await }
    });
    let mut printed = Vec::new();
    while !printed.contains(&b'\n') {
        printed.extend(chunks.recv().await.unwrap());
    }
    let grandchild = first_line_pid(&printed);
    assert!(!is_dead(grandchild));
    (running, grandchild)
}

#[tokio::test]
async fn cancel_kills_the_whole_process_group() {
    let cancel = CancellationToken::new();
    let (running, grandchild) = sleeping_group(&cancel).await;
    cancel.cancel();
    assert_eq!(running.await.unwrap(), Err(ExecError::Cancelled));
    assert!(
        wait_until_dead(grandchild).await,
        "pid {grandchild} survived"
    );
}

#[tokio::test]
async fn abandoning_the_wait_kills_the_whole_process_group() {
    let (running, grandchild) = sleeping_group(&CancellationToken::new()).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    assert!(
        wait_until_dead(grandchild).await,
        "pid {grandchild} survived"
    );
}
