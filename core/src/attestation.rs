//! Attestation: an embedding front end (only the app-server) may install a provider that asks
//! its client for a token just before each covered upstream request; the model client sends the
//! outcome as `x-oai-attestation`. This module owns the trait, the header encoding and the gate
//! (ChatGPT auth and an installed provider), and bounds every call by the 100 ms deadline.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::HeaderValue;

pub const ATTESTATION_HEADER: &str = "x-oai-attestation";
/// The whole budget of one attestation, from asking the provider to having a header value.
pub const ATTESTATION_DEADLINE: Duration = Duration::from_millis(100);

/// What the provider is told about the request it attests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationContext {
    pub thread_id: String,
}

/// The result of asking the client, one per `s` value of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationOutcome {
    /// `s: 0`, with the client's token, forwarded unchanged.
    Ok(String),
    /// `s: 1`: no reply within the deadline.
    Timeout,
    /// `s: 2`: the client answered with an error.
    RequestFailed,
    /// `s: 3`: the request was dropped before a reply (connection closed).
    Canceled,
    /// `s: 4`: the reply was not `{token: string}`.
    Malformed,
}

impl AttestationOutcome {
    /// The compact envelope `{"v":1,"s":N}` (plus `"t"` for `Ok`), keys in this order.
    pub fn envelope(&self) -> String {
        let status = match self {
            AttestationOutcome::Ok(token) => {
                // Serializing a string cannot fail; the fallback keeps the header well-formed.
                let token = serde_json::to_string(token).unwrap_or_else(|_| "\"\"".to_string());
                return format!(r#"{{"v":1,"s":0,"t":{token}}}"#);
            }
            AttestationOutcome::Timeout => 1,
            AttestationOutcome::RequestFailed => 2,
            AttestationOutcome::Canceled => 3,
            AttestationOutcome::Malformed => 4,
        };
        format!(r#"{{"v":1,"s":{status}}}"#)
    }

    /// The header value; `None` when the envelope has bytes a header may not carry.
    pub fn header_value(&self) -> Option<HeaderValue> {
        let envelope = self.envelope();
        match HeaderValue::from_str(&envelope) {
            Ok(value) => Some(value),
            Err(_) => {
                tracing::warn!("attestation token is not a valid header value; header omitted");
                None
            }
        }
    }
}

/// Asks someone for an attestation. `None` means nobody can be asked (no header).
pub trait AttestationProvider: Send + Sync + fmt::Debug {
    fn attest(&self, context: AttestationContext)
    -> BoxFuture<'static, Option<AttestationOutcome>>;
}

/// Whether the session's login is a ChatGPT login: the only auth attestation applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAuthKind {
    ChatGpt,
    Other,
}

/// The provider of one thread, present only when the gate is open.
#[derive(Debug, Clone)]
pub struct AttestationGate {
    provider: Arc<dyn AttestationProvider>,
    thread_id: String,
}

impl AttestationGate {
    /// `None` (never ask) without a provider or without ChatGPT auth.
    pub fn open(
        provider: Option<Arc<dyn AttestationProvider>>,
        auth: SessionAuthKind,
        thread_id: &str,
    ) -> Option<Self> {
        match auth {
            SessionAuthKind::ChatGpt => provider.map(|provider| AttestationGate {
                provider,
                thread_id: thread_id.to_string(),
            }),
            SessionAuthKind::Other => None,
        }
    }

    /// Asks the provider once; a provider that overruns the deadline yields `Timeout`.
    pub async fn header_value(&self) -> Option<HeaderValue> {
        let context = AttestationContext {
            thread_id: self.thread_id.clone(),
        };
        let outcome =
            match tokio::time::timeout(ATTESTATION_DEADLINE, self.provider.attest(context)).await {
                Ok(outcome) => outcome?,
                Err(_) => AttestationOutcome::Timeout,
            };
        outcome.header_value()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn envelopes_are_byte_exact() {
        let cases = [
            (
                AttestationOutcome::Ok("v1.opaque-client-payload".into()),
                r#"{"v":1,"s":0,"t":"v1.opaque-client-payload"}"#,
            ),
            (AttestationOutcome::Timeout, r#"{"v":1,"s":1}"#),
            (AttestationOutcome::RequestFailed, r#"{"v":1,"s":2}"#),
            (AttestationOutcome::Canceled, r#"{"v":1,"s":3}"#),
            (AttestationOutcome::Malformed, r#"{"v":1,"s":4}"#),
            (
                AttestationOutcome::Ok(r#"a"b\c"#.into()),
                r#"{"v":1,"s":0,"t":"a\"b\\c"}"#,
            ),
            (
                AttestationOutcome::Ok("line\nbreak".into()),
                r#"{"v":1,"s":0,"t":"line\nbreak"}"#,
            ),
        ];
        for (outcome, expected) in cases {
            assert_eq!(outcome.envelope(), expected);
            assert_eq!(
                outcome
                    .header_value()
                    .map(|value| value.as_bytes().to_vec()),
                Some(expected.as_bytes().to_vec())
            );
        }
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_omitted() {
        assert_eq!(
            AttestationOutcome::Ok("bad\u{7f}token".into()).header_value(),
            None
        );
    }

    #[derive(Debug)]
    struct Recording {
        answer: Option<AttestationOutcome>,
        delay: Duration,
        calls: Mutex<Vec<AttestationContext>>,
    }

    impl AttestationProvider for Recording {
        fn attest(
            &self,
            context: AttestationContext,
        ) -> BoxFuture<'static, Option<AttestationOutcome>> {
            self.calls.lock().unwrap().push(context);
            let (answer, delay) = (self.answer.clone(), self.delay);
            Box::pin(async move {
                tokio::time::sleep(delay).await;
                answer
            })
        }
    }

    fn recording(answer: Option<AttestationOutcome>, delay: Duration) -> Arc<Recording> {
        Arc::new(Recording {
            answer,
            delay,
            calls: Mutex::new(Vec::new()),
        })
    }

    #[tokio::test]
    async fn gate_opens_only_for_chatgpt_auth_with_a_provider() {
        let provider = recording(Some(AttestationOutcome::Ok("t".into())), Duration::ZERO);
        let as_dyn = || Some(Arc::clone(&provider) as Arc<dyn AttestationProvider>);
        assert!(AttestationGate::open(as_dyn(), SessionAuthKind::Other, "th").is_none());
        assert!(AttestationGate::open(None, SessionAuthKind::ChatGpt, "th").is_none());
        let gate = AttestationGate::open(as_dyn(), SessionAuthKind::ChatGpt, "th").unwrap();
        assert_eq!(
            gate.header_value().await,
            Some(HeaderValue::from_static(r#"{"v":1,"s":0,"t":"t"}"#))
        );
        assert_eq!(
            *provider.calls.lock().unwrap(),
            vec![AttestationContext {
                thread_id: "th".into()
            }]
        );
    }

    #[tokio::test]
    async fn no_outcome_means_no_header() {
        let provider = recording(None, Duration::ZERO);
        let gate = AttestationGate::open(Some(provider), SessionAuthKind::ChatGpt, "th").unwrap();
        assert_eq!(gate.header_value().await, None);
    }

    #[tokio::test]
    async fn a_slow_provider_is_cut_at_the_deadline() {
        let provider = recording(
            Some(AttestationOutcome::Ok("late".into())),
            Duration::from_secs(10),
        );
        let gate = AttestationGate::open(Some(provider), SessionAuthKind::ChatGpt, "th").unwrap();
        let started = std::time::Instant::now();
        assert_eq!(
            gate.header_value().await,
            Some(HeaderValue::from_static(r#"{"v":1,"s":1}"#))
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
