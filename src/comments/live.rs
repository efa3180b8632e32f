//! Live events for a thread's SSE listeners, on every instance. A failed publish is logged
//! and counted, never turned into an error for the writer: the comment is already stored.

use serde_json::json;

use super::view::ViewContext;
use crate::counters::LiveEvent;
use crate::state::AppState;
use crate::storage::CommentRow;

pub async fn comment_created(state: &AppState, row: &CommentRow) {
    publish(state, row, "comment.created", public_json(row)).await;
}

pub async fn comment_edited(state: &AppState, row: &CommentRow) {
    publish(state, row, "comment.edited", public_json(row)).await;
}

pub async fn comment_deleted(state: &AppState, row: &CommentRow) {
    publish(
        state,
        row,
        "comment.deleted",
        json!({ "id": row.id, "parent_id": row.parent_id }),
    )
    .await;
}

pub async fn comment_liked(state: &AppState, row: &CommentRow, like_count: i64) {
    publish(
        state,
        row,
        "comment.liked",
        json!({ "id": row.id, "like_count": like_count }),
    )
    .await;
}

/// The comment as an anonymous reader sees it.
fn public_json(row: &CommentRow) -> serde_json::Value {
    let ctx = ViewContext {
        viewer: None,
        liked: Default::default(),
        lang: String::new(),
    };
    serde_json::to_value(ctx.view(row)).unwrap_or_default()
}

async fn publish(state: &AppState, row: &CommentRow, kind: &str, data: serde_json::Value) {
    // Before the event leaves: a reader of this instance must not get the old page back after
    // the writer's own request has returned (other instances invalidate when it arrives).
    state.pages.invalidate(&row.site, &row.article_id);
    let event = LiveEvent {
        site: row.site.clone(),
        article: row.article_id.clone(),
        kind: kind.to_string(),
        data,
    };
    if let Err(e) = state.shared.publish(&event).await {
        state
            .metrics
            .backend_errors
            .with_label_values(&[state.shared.name()])
            .inc();
        tracing::warn!(error = %e, kind, "live event not published");
    }
}
