//! How a failed model request is classified: retry the whole attempt (with an optional
//! server-given delay) or give up with a message the user can act on.

use std::time::Duration;

use rand::RngExt;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The attempt failed in a way that may succeed if retried (after `delay` when the server
    /// said how long to wait).
    #[error("{message}")]
    Retryable {
        message: String,
        delay: Option<Duration>,
        kind: ErrorKind,
    },
    /// Retrying cannot help; the turn fails with this message.
    #[error("{message}")]
    Fatal { message: String, kind: ErrorKind },
}

/// What kind of failure it was, for clients that react to it (app-server `codexErrorInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ContextWindowExceeded,
    UsageLimitExceeded,
    ServerOverloaded,
    InternalServerError,
    Unauthorized,
    BadRequest,
    HttpConnectionFailed,
    ResponseStreamDisconnected,
    /// Retries ran out on a status the server kept answering with.
    ResponseTooManyFailedAttempts {
        http_status: u16,
    },
    Other,
}

impl ApiError {
    pub fn disconnected(detail: impl std::fmt::Display) -> Self {
        ApiError::Retryable {
            message: format!("stream disconnected before completion: {detail}"),
            delay: None,
            kind: ErrorKind::ResponseStreamDisconnected,
        }
    }

    pub fn fatal(message: impl Into<String>, kind: ErrorKind) -> Self {
        ApiError::Fatal {
            message: message.into(),
            kind,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Retryable { kind, .. } | ApiError::Fatal { kind, .. } => *kind,
        }
    }
}

pub const HIGH_DEMAND_MESSAGE: &str =
    "We\u{2019}re currently experiencing high demand, which may cause temporary errors.";
pub const CONTEXT_WINDOW_MESSAGE: &str = "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.";
pub const QUOTA_MESSAGE: &str = "Quota exceeded. Check your plan and billing details.";
pub const OVERLOADED_MESSAGE: &str = "Selected model is at capacity. Please try a different model.";

/// Maps a `response.failed` error code to what the turn must do.
pub fn classify_response_failed(code: Option<&str>, message: &str) -> ApiError {
    match code {
        Some("context_length_exceeded") => {
            ApiError::fatal(CONTEXT_WINDOW_MESSAGE, ErrorKind::ContextWindowExceeded)
        }
        Some("insufficient_quota") => ApiError::fatal(QUOTA_MESSAGE, ErrorKind::UsageLimitExceeded),
        Some("server_is_overloaded") => {
            ApiError::fatal(OVERLOADED_MESSAGE, ErrorKind::ServerOverloaded)
        }
        Some("rate_limit_exceeded") => ApiError::Retryable {
            message: format!("rate limit exceeded: {message}"),
            delay: parse_try_again_in(message),
            kind: ErrorKind::ResponseTooManyFailedAttempts { http_status: 429 },
        },
        _ => ApiError::disconnected(message),
    }
}

/// Reads the delay out of a rate-limit message such as `Please try again in 1.5s` or `… in 500ms`.
pub fn parse_try_again_in(message: &str) -> Option<Duration> {
    let lower = message.to_ascii_lowercase();
    let start = lower.find("try again in")? + "try again in".len();
    let rest = lower[start..].trim_start();
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let value: f64 = rest[..number_len].parse().ok()?;
    let unit = rest[number_len..].trim_start();
    let seconds = if unit.starts_with("ms") {
        value / 1000.0
    } else if unit.starts_with('s') {
        value
    } else {
        return None;
    };
    Duration::try_from_secs_f64(seconds).ok()
}

/// Delay before retry `attempt` (1-based): the server's word if it gave one, else exponential
/// backoff from 200 ms with ±10 % jitter.
pub fn backoff(attempt: u64, server_delay: Option<Duration>) -> Duration {
    if let Some(delay) = server_delay {
        return delay;
    }
    let exponent = attempt.saturating_sub(1).min(16) as i32;
    let base_ms = 200.0 * 2f64.powi(exponent);
    let jitter = rand::rng().random_range(0.9..1.1);
    Duration::from_millis((base_ms * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn parses_try_again_phrases() {
        assert_eq!(
            parse_try_again_in("Rate limit reached. Please try again in 0.5s."),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_try_again_in("Please try again in 250ms"),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_try_again_in("slow down"), None);
        assert_eq!(parse_try_again_in("try again in a while"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        for (attempt, nominal) in [(1u64, 200u64), (2, 400), (3, 800), (5, 3200)] {
            let ms = backoff(attempt, None).as_millis() as u64;
            assert!(
                ms >= nominal * 9 / 10 && ms <= nominal * 11 / 10,
                "{attempt}: {ms}"
            );
        }
        assert_eq!(
            backoff(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn classifies_failed_codes() {
        assert_eq!(
            classify_response_failed(Some("insufficient_quota"), "x"),
            ApiError::fatal(QUOTA_MESSAGE, ErrorKind::UsageLimitExceeded)
        );
        assert_eq!(
            classify_response_failed(Some("server_error"), "boom"),
            ApiError::Retryable {
                message: "stream disconnected before completion: boom".to_string(),
                delay: None,
                kind: ErrorKind::ResponseStreamDisconnected,
            }
        );
        assert_eq!(
            classify_response_failed(Some("rate_limit_exceeded"), "try again in 0.5s"),
            ApiError::Retryable {
                message: "rate limit exceeded: try again in 0.5s".to_string(),
                delay: Some(Duration::from_millis(500)),
                kind: ErrorKind::ResponseTooManyFailedAttempts { http_status: 429 },
            }
        );
    }
}
