//! Everything the server writes, as compact JSON lines on one bounded channel to the stdout
//! writer: responses, errors, notifications (with `emittedAtMs`) and server→client requests,
//! plus the bookkeeping of those requests until the client replies.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicI64;
use std::sync::atomic::Ordering;

use codex_app_server_protocol::RequestId;
use codex_app_server_protocol::ServerNotification;
use codex_app_server_protocol::ServerRequest;
use serde::Serialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

/// A client's reply to one of our requests.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientReply {
    Result(Value),
    Error(Value),
}

/// Why a request got no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReply {
    Timeout,
    /// The connection (or the channel to it) is gone, or the request was dropped.
    Canceled,
}

pub struct Outgoing {
    tx: mpsc::Sender<String>,
    next_request_id: AtomicI64,
    pending: Mutex<HashMap<i64, oneshot::Sender<ClientReply>>>,
}

impl Outgoing {
    pub fn new(tx: mpsc::Sender<String>) -> Self {
        Outgoing {
            tx,
            next_request_id: AtomicI64::new(0),
            pending: Mutex::new(HashMap::new()),
        }
    }

    async fn send(&self, message: Map<String, Value>) {
        let line = Value::Object(message).to_string();
        // A closed writer means the client is gone; there is nobody left to tell.
        let _ = self.tx.send(line).await;
    }

    /// `{"id":ID,"result":R}`
    pub async fn respond<T: Serialize>(&self, id: &RequestId, result: &T) {
        let result = serde_json::to_value(result).unwrap_or(Value::Null);
        let mut message = Map::new();
        message.insert("id".into(), json!(id));
        message.insert("result".into(), result);
        self.send(message).await;
    }

    /// `{"error":{"code":C,"message":S},"id":ID}` — `error` first, as the original writes it.
    pub async fn error(&self, id: &RequestId, code: i64, message: impl Into<String>) {
        let mut envelope = Map::new();
        envelope.insert(
            "error".into(),
            json!({"code": code, "message": message.into()}),
        );
        envelope.insert("id".into(), json!(id));
        self.send(envelope).await;
    }

    /// `{"method":M,"params":P,"emittedAtMs":N}`
    pub async fn notify(&self, notification: ServerNotification) {
        let mut message = match serde_json::to_value(&notification) {
            Ok(Value::Object(message)) => message,
            Ok(other) => {
                tracing::error!("notification did not encode as an object: {other}");
                return;
            }
            Err(err) => {
                tracing::error!("failed to encode a notification: {err}");
                return;
            }
        };
        message.insert(
            "emittedAtMs".into(),
            json!(chrono::Utc::now().timestamp_millis()),
        );
        self.send(message).await;
    }

    /// Sends `{"method":M,"id":N,"params":P}` and returns its id and the reply to come.
    pub async fn request(&self, request: ServerRequest) -> (i64, oneshot::Receiver<ClientReply>) {
        let id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending_map().insert(id, tx);
        match request
            .to_jsonrpc(RequestId::Integer(id))
            .and_then(|request| serde_json::to_value(&request))
        {
            Ok(Value::Object(message)) => self.send(message).await,
            Ok(_) | Err(_) => tracing::error!("failed to encode server request {id}"),
        }
        (id, rx)
    }

    /// Sends a request and waits for its reply until `deadline`, which covers queueing the line
    /// too. On expiry the request is forgotten, so a late reply is an unknown id; nothing is
    /// sent to the client about it.
    pub async fn request_until(
        &self,
        request: ServerRequest,
        deadline: tokio::time::Instant,
    ) -> Result<ClientReply, NoReply> {
        let id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending_map().insert(id, tx);
        let line = match request
            .to_jsonrpc(RequestId::Integer(id))
            .and_then(|request| serde_json::to_value(&request))
        {
            Ok(message @ Value::Object(_)) => message.to_string(),
            Ok(_) | Err(_) => {
                tracing::error!("failed to encode server request {id}");
                self.forget(id);
                return Err(NoReply::Canceled);
            }
        };
        let outcome = match tokio::time::timeout_at(deadline, self.tx.send(line)).await {
            Err(_) => Err(NoReply::Timeout),
            Ok(Err(_)) => Err(NoReply::Canceled),
            Ok(Ok(())) => match tokio::time::timeout_at(deadline, rx).await {
                Err(_) => Err(NoReply::Timeout),
                Ok(Err(_)) => Err(NoReply::Canceled),
                Ok(Ok(reply)) => Ok(reply),
            },
        };
        if outcome.is_err() {
            self.forget(id);
        }
        outcome
    }

    /// Routes a client reply; `false` when no request with that id is waiting.
    pub fn resolve(&self, id: i64, reply: ClientReply) -> bool {
        match self.pending_map().remove(&id) {
            Some(tx) => {
                let _ = tx.send(reply);
                true
            }
            None => false,
        }
    }

    /// Forgets a request nobody will answer (its turn ended).
    pub fn forget(&self, id: i64) {
        self.pending_map().remove(&id);
    }

    fn pending_map(&self) -> std::sync::MutexGuard<'_, HashMap<i64, oneshot::Sender<ClientReply>>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
