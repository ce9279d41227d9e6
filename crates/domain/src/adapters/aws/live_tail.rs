//! Live Tail (StartLiveTail) behind the log source's tail. This module is a placeholder until
//! the streaming session lands; a tail in live mode answers `Unsupported` meanwhile.

use crate::error::{DomainError, DomainResult};
use crate::model::{TailRequest, TailStream};

/// Starts a Live Tail session for the request's groups.
pub(crate) async fn start(
    client: aws_sdk_cloudwatchlogs::Client,
    request: TailRequest,
) -> DomainResult<TailStream> {
    let _ = (client, request);
    Err(DomainError::Unsupported("live tail".into()))
}
