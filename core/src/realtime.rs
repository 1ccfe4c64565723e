//! Realtime session setup (attestation.md §6), without voice: the call-creation request
//! `POST {base_url}/realtime/calls` (an SDP offer in, the call id and SDP answer out) and the
//! headers of a call's sideband WebSocket `{base_url}/realtime?call_id=…`. Every header set comes
//! from one builder, which asks the attestation gate just in time for each request it attests.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::header::HeaderName;
use reqwest::header::HeaderValue;

use crate::attestation::ATTESTATION_HEADER;
use crate::attestation::AttestationGate;

#[derive(Debug, thiserror::Error)]
pub enum RealtimeError {
    #[error(
        "invalid header {name} for the realtime request: {detail}; check the login and the provider's http_headers"
    )]
    InvalidHeader { name: String, detail: String },
    #[error("realtime call creation at {url} failed: {source}; check the network and base_url")]
    Request { url: String, source: reqwest::Error },
    #[error("realtime call creation at {url} answered {status}: {body}")]
    Status {
        url: String,
        status: StatusCode,
        body: String,
    },
    #[error("realtime call creation at {url} answered without a Location header naming the call")]
    MissingCallId { url: String },
}

/// A call created by [`RealtimeSetup::create_call`].
#[derive(Debug, Clone, PartialEq)]
pub struct RealtimeCall {
    pub call_id: String,
    /// The server's SDP answer, as sent.
    pub sdp_answer: String,
    /// The attestation sent with the creation request, reused for this call's sideband.
    pub attestation: Option<HeaderValue>,
}

/// Where the `x-oai-attestation` value of a request comes from.
enum Attestation<'a> {
    /// Ask the gate now (when it is open).
    Fresh,
    /// The value already sent with the call's creation.
    Reuse(Option<&'a HeaderValue>),
}

/// Builds and sends the realtime setup requests of one thread.
#[derive(Debug, Clone)]
pub struct RealtimeSetup {
    http: reqwest::Client,
    /// The provider's base URL, e.g. `https://api.openai.com/v1`.
    base_url: String,
    /// The login's and the provider's headers, sent with every setup request.
    headers: Vec<(String, String)>,
    /// Present only under ChatGPT auth with a provider installed.
    attestation: Option<AttestationGate>,
}

impl RealtimeSetup {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        headers: Vec<(String, String)>,
        attestation: Option<AttestationGate>,
    ) -> Self {
        RealtimeSetup {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            headers,
            attestation,
        }
    }

    pub fn calls_url(&self) -> String {
        format!("{}/realtime/calls", self.base_url)
    }

    /// The sideband WebSocket URL of `call_id` (`http` becomes `ws`, `https` becomes `wss`).
    pub fn sideband_url(&self, call_id: &str) -> String {
        let url = match self.base_url.split_once("://") {
            Some(("https", rest)) => format!("wss://{rest}"),
            Some(("http", rest)) => format!("ws://{rest}"),
            _ => self.base_url.clone(),
        };
        format!("{url}/realtime?call_id={call_id}")
    }

    /// The headers of a call-creation request, attested fresh.
    pub async fn call_create_headers(&self) -> Result<HeaderMap, RealtimeError> {
        self.build_headers(Attestation::Fresh).await
    }

    /// The sideband headers of an existing call (one this session did not just create),
    /// attested fresh.
    pub async fn existing_call_sideband_headers(&self) -> Result<HeaderMap, RealtimeError> {
        self.build_headers(Attestation::Fresh).await
    }

    /// The sideband headers of a call created here: its creation's attestation is reused.
    pub async fn created_call_sideband_headers(
        &self,
        call: &RealtimeCall,
    ) -> Result<HeaderMap, RealtimeError> {
        self.build_headers(Attestation::Reuse(call.attestation.as_ref()))
            .await
    }

    /// Creates a call from an SDP offer: `POST {base_url}/realtime/calls` with
    /// `content-type: application/sdp`; the call id is the last segment of `Location`.
    pub async fn create_call(&self, sdp_offer: &str) -> Result<RealtimeCall, RealtimeError> {
        let url = self.calls_url();
        let mut headers = self.call_create_headers().await?;
        let attestation = headers.get(ATTESTATION_HEADER).cloned();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/sdp"),
        );
        let response = self
            .http
            .post(&url)
            .headers(headers)
            .body(sdp_offer.to_string())
            .send()
            .await
            .map_err(|source| RealtimeError::Request {
                url: url.clone(),
                source,
            })?;
        let status = response.status();
        let call_id = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|location| location.trim_end_matches('/').rsplit('/').next())
            .filter(|id| !id.is_empty())
            .map(str::to_string);
        let body = response
            .text()
            .await
            .map_err(|source| RealtimeError::Request {
                url: url.clone(),
                source,
            })?;
        if !status.is_success() {
            return Err(RealtimeError::Status { url, status, body });
        }
        let call_id = call_id.ok_or(RealtimeError::MissingCallId { url })?;
        Ok(RealtimeCall {
            call_id,
            sdp_answer: body,
            attestation,
        })
    }

    /// The one header builder of every realtime setup request.
    async fn build_headers(
        &self,
        attestation: Attestation<'_>,
    ) -> Result<HeaderMap, RealtimeError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let invalid = |detail: String| RealtimeError::InvalidHeader {
                name: name.clone(),
                detail,
            };
            let header_name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|err| invalid(err.to_string()))?;
            let header_value =
                HeaderValue::from_str(value).map_err(|err| invalid(err.to_string()))?;
            headers.insert(header_name, header_value);
        }
        let value = match attestation {
            Attestation::Fresh => match &self.attestation {
                Some(gate) => gate.header_value().await,
                None => None,
            },
            Attestation::Reuse(value) => value.cloned(),
        };
        if let Some(value) = value {
            headers.insert(ATTESTATION_HEADER, value);
        }
        Ok(headers)
    }
}

#[cfg(test)]
#[path = "realtime_tests.rs"]
mod tests;
