//! `GET /v1/sites/{site}/articles/{article}/events`: Server-Sent Events for one thread.
//! Every instance receives every event (Redis pub/sub or in-process) and each stream keeps
//! the ones of its article.

use std::time::Duration;

use actix_web::{get, web};
use actix_web_lab::sse::{self, Sse};
use futures_util::StreamExt;
use prometheus::IntGauge;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::parse_article;
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

/// Counts the stream in `majlis_sse_connections` for as long as the client is connected.
struct ConnectionGuard(IntGauge);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[utoipa::path(
    tag = "comments",
    params(("site" = String, Path), ("article" = String, Path)),
    responses((status = 200, description = "text/event-stream of comment.created, comment.edited, comment.deleted and comment.liked"),
              (status = 404, body = Problem))
)]
#[get("/v1/sites/{site}/articles/{article}/events")]
pub async fn thread_events(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<sse::Event, std::convert::Infallible>>>> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, _) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    let receiver = state.shared.subscribe();
    state.metrics.sse_connections.inc();
    let guard = ConnectionGuard(state.metrics.sse_connections.clone());
    let (site, article) = (site_id.to_string(), article_id.to_string());
    let events = BroadcastStream::new(receiver).filter_map(move |item| {
        let _connected = &guard;
        let event = match item {
            Ok(e) if e.site == site && e.article == article => {
                let data = sse::Data::new(e.data.to_string()).event(e.kind);
                Some(Ok(sse::Event::Data(data)))
            }
            Ok(_) => None,
            // A slow client skipped events; tell it to reload rather than show a wrong thread.
            Err(BroadcastStreamRecvError::Lagged(_)) => {
                Some(Ok(sse::Event::Data(sse::Data::new("{}").event("resync"))))
            }
        };
        std::future::ready(event)
    });
    // The keep-alive is also how a gone client is noticed: with TCP_NODELAY the first write
    // after the client left still succeeds (the kernel sends it and gets a reset), and the
    // next one fails, so a stream is dropped within two intervals.
    Ok(Sse::from_stream(events)
        .with_keep_alive(Duration::from_secs(10))
        .with_retry_duration(Duration::from_secs(3)))
}
