//! The model client: sends one sampling request to `{base_url}/responses` and streams back its
//! events. It owns the request-layer retries (silent, for 5xx and transport errors) and the
//! classification of failures; the visible stream-layer retries belong to the turn loop.

mod error;
pub mod hooks;
pub mod sse;
pub mod websocket;

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::sync::mpsc;

pub use error::ApiError;
pub use error::ErrorKind;
pub use error::backoff;
pub use error::parse_try_again_in;
pub use hooks::RequestHooks;

use crate::config::ConfigEnv;
use crate::config::ModelProviderInfo;
use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseEvent {
    /// An item begins streaming; only its type and id are meaningful yet.
    OutputItemAdded(ResponseItem),
    OutputItemDone(ResponseItem),
    OutputTextDelta {
        item_id: String,
        delta: String,
    },
    ReasoningSummaryPartAdded {
        item_id: String,
        summary_index: u64,
    },
    ReasoningSummaryDelta {
        item_id: String,
        summary_index: u64,
        delta: String,
    },
    Completed {
        response_id: String,
        usage: TokenUsage,
    },
}

/// One sampling request, ready to send: the body in wire order and the per-request headers.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

pub type ResponseStream = mpsc::Receiver<Result<ResponseEvent, ApiError>>;

#[derive(Debug, Clone)]
pub struct ModelClient {
    http: reqwest::Client,
    provider: ModelProviderInfo,
    /// Provider headers that do not change between requests (static + from the environment).
    provider_headers: Vec<(String, String)>,
    hooks: RequestHooks,
    /// Present when the provider supports the WebSocket transport (§9).
    websocket: Option<websocket::WebsocketTransport>,
}

impl ModelClient {
    pub fn new(provider: ModelProviderInfo, env: &ConfigEnv) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .build()
            .map_err(|err| {
                ApiError::fatal(
                    format!("failed to build the HTTP client: {err}"),
                    ErrorKind::Other,
                )
            })?;
        let mut provider_headers: Vec<(String, String)> = provider
            .http_headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        for (header, var) in &provider.env_http_headers {
            if let Some(value) = env.non_blank(var) {
                provider_headers.push((header.clone(), value.to_string()));
            }
        }
        let mut client = ModelClient {
            http,
            provider,
            provider_headers,
            hooks: RequestHooks::default(),
            websocket: None,
        };
        if client.provider.supports_websockets {
            client.websocket = Some(websocket::WebsocketTransport::new(
                &client.responses_url(),
                Duration::from_millis(client.provider.stream_idle_timeout_ms),
            ));
        }
        Ok(client)
    }

    /// True while requests go over the WebSocket (the provider supports it, no fallback yet).
    pub fn uses_websocket(&self) -> bool {
        self.websocket
            .as_ref()
            .is_some_and(websocket::WebsocketTransport::is_active)
    }

    /// W6: the rest of the session uses HTTP.
    pub fn fall_back_to_http(&self) {
        if let Some(websocket) = &self.websocket {
            websocket.fall_back();
        }
    }

    /// Sends the request over the WebSocket when it is in use (connecting and prewarming with
    /// `prewarm` first when needed), else as an HTTP POST.
    pub async fn stream_with_prewarm(
        &self,
        request: &ApiRequest,
        prewarm: &ApiRequest,
    ) -> Result<ResponseStream, ApiError> {
        match &self.websocket {
            Some(websocket) if websocket.is_active() => {
                websocket
                    .stream(request, prewarm, &self.provider_headers, &self.hooks)
                    .await
            }
            Some(_) | None => self.stream(request).await,
        }
    }

    /// Installs the session's per-request hooks (attestation, token refresh).
    pub fn with_hooks(mut self, hooks: RequestHooks) -> Self {
        self.hooks = hooks;
        self
    }

    pub fn provider(&self) -> &ModelProviderInfo {
        &self.provider
    }

    pub fn responses_url(&self) -> String {
        let mut url = format!("{}/responses", self.provider.base_url.trim_end_matches('/'));
        if !self.provider.query_params.is_empty() {
            let query: Vec<String> = self
                .provider
                .query_params
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            url.push('?');
            url.push_str(&query.join("&"));
        }
        url
    }

    /// Sends the request (retrying 5xx and transport errors silently) and returns its events.
    pub async fn stream(&self, request: &ApiRequest) -> Result<ResponseStream, ApiError> {
        let url = self.responses_url();
        let body = serde_json::to_vec(&request.body).map_err(|err| {
            ApiError::fatal(
                format!("failed to encode the request: {err}"),
                ErrorKind::Other,
            )
        })?;
        let max_retries = self.provider.request_max_retries;
        let mut attempt = 0u64;
        let mut headers = request.headers.clone();
        let mut refreshed = false;
        loop {
            attempt += 1;
            let mut builder = self.http.post(&url);
            for (name, value) in headers.iter().chain(&self.provider_headers) {
                builder = builder.header(name.as_str(), value.as_str());
            }
            if let Some(value) = self.hooks.attestation_header().await {
                builder = builder.header(crate::attestation::ATTESTATION_HEADER, value);
            }
            let outcome = builder.body(body.clone()).send().await;
            let failure = match outcome {
                Ok(response) if response.status().is_success() => {
                    return Ok(self.spawn_reader(response));
                }
                Ok(response) => {
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        refreshed = true;
                        if let Some(updated) = self.hooks.refresh_login(&self.http, &headers).await
                        {
                            headers = updated;
                            continue;
                        }
                    }
                    let retry_after = retry_after(response.headers());
                    let request_id = header_str(response.headers(), "x-request-id");
                    let text = response.text().await.unwrap_or_default();
                    if status.is_server_error() {
                        RequestFailure::Retry(ApiError::Retryable {
                            message: error::HIGH_DEMAND_MESSAGE.to_string(),
                            delay: retry_after,
                            kind: ErrorKind::InternalServerError,
                        })
                    } else {
                        RequestFailure::Final(classify_status(
                            status,
                            retry_after,
                            request_id,
                            &text,
                            &url,
                        ))
                    }
                }
                Err(err) => RequestFailure::Retry(ApiError::Retryable {
                    message: format!("stream disconnected before completion: {}", describe(&err)),
                    delay: None,
                    kind: ErrorKind::HttpConnectionFailed,
                }),
            };
            match failure {
                RequestFailure::Final(err) => return Err(err),
                RequestFailure::Retry(err) if attempt > max_retries => return Err(err),
                RequestFailure::Retry(err) => {
                    let delay = match &err {
                        ApiError::Retryable { delay, .. } => *delay,
                        ApiError::Fatal { .. } => None,
                    };
                    tracing::debug!("request attempt {attempt} failed: {err}; retrying");
                    tokio::time::sleep(backoff(attempt, delay)).await;
                }
            }
        }
    }

    fn spawn_reader(&self, response: reqwest::Response) -> ResponseStream {
        let (tx, rx) = mpsc::channel(64);
        let idle_timeout = Duration::from_millis(self.provider.stream_idle_timeout_ms);
        tokio::spawn(async move {
            let mut bytes = response.bytes_stream();
            let mut decoder = sse::SseDecoder::default();
            loop {
                let chunk = match tokio::time::timeout(idle_timeout, bytes.next()).await {
                    Err(_) => Err(ApiError::disconnected("idle timeout waiting for SSE")),
                    Ok(None) => Err(ApiError::disconnected(
                        "stream closed before response.completed",
                    )),
                    Ok(Some(Err(err))) => Err(ApiError::disconnected(describe(&err))),
                    Ok(Some(Ok(chunk))) => Ok(chunk),
                };
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(err) => {
                        let _ = tx.send(Err(err)).await;
                        return;
                    }
                };
                for payload in decoder.push(&chunk) {
                    let (message, done) = match sse::parse_event(&payload) {
                        sse::Parsed::Ignored => continue,
                        sse::Parsed::Event(event) => {
                            let done = matches!(event, ResponseEvent::Completed { .. });
                            (Ok(event), done)
                        }
                        sse::Parsed::Failed(err) => (Err(err), true),
                    };
                    if tx.send(message).await.is_err() || done {
                        return;
                    }
                }
            }
        });
        rx
    }
}

enum RequestFailure {
    Retry(ApiError),
    Final(ApiError),
}

fn classify_status(
    status: StatusCode,
    retry_after: Option<Duration>,
    request_id: Option<String>,
    body: &str,
    url: &str,
) -> ApiError {
    let request_id = request_id.unwrap_or_default();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let message =
            format!("exceeded retry limit, last status: {status}, request id: {request_id}");
        return match retry_after {
            Some(delay) => ApiError::Retryable {
                message,
                delay: Some(delay),
                kind: ErrorKind::ResponseTooManyFailedAttempts { http_status: 429 },
            },
            None => ApiError::fatal(
                message,
                ErrorKind::ResponseTooManyFailedAttempts { http_status: 429 },
            ),
        };
    }
    if status == StatusCode::UNAUTHORIZED {
        let detail = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|json| {
                json.pointer("/error/message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| body.to_string());
        return ApiError::Retryable {
            message: format!(
                "unexpected status {status}: {detail}, url: {url}, request id: {request_id}"
            ),
            delay: None,
            kind: ErrorKind::Unauthorized,
        };
    }
    if body.trim().is_empty() {
        return ApiError::fatal(
            format!("unexpected status {status}, url: {url}"),
            ErrorKind::BadRequest,
        );
    }
    ApiError::fatal(body, ErrorKind::BadRequest)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_str(headers, "retry-after")?;
    let seconds: f64 = value.trim().parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// reqwest's Display hides the cause chain; the user needs the innermost reason.
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
