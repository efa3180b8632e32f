//! What follows a committed decision: readers' live streams, the site's classifier and the
//! metrics. None of it can undo the decision, so failures are logged, never answered.

use crate::comments::live;
use crate::domain::CommentStatus;
use crate::state::AppState;
use crate::storage::{CommentRow, Decided};

use super::{DecisionAction, RejectReason};

/// Live event, learning and metrics for one decision.
pub async fn after_decision(
    state: &AppState,
    decided: &Decided,
    action: DecisionAction,
    reason: Option<RejectReason>,
) {
    status_changed(state, decided.before.status(), &decided.after).await;
    let (abuse, spam) = lesson(action, reason);
    if abuse.is_some() || spam.is_some() {
        let c = &decided.after;
        if let Err(e) = state
            .screening
            .learn(
                state.store.as_ref(),
                &c.site,
                &c.body,
                abuse,
                spam,
                state.clock.now(),
            )
            .await
        {
            tracing::warn!(error = %e, comment = %c.id, "the classifier did not learn from a decision");
        }
    }
    let site = decided.after.site.as_str();
    state
        .metrics
        .moderation_decisions
        .with_label_values(&[site, action.as_str()])
        .inc();
    let waited = (state.clock.now() - decided.after.created_at).as_seconds_f64();
    state
        .metrics
        .moderation_decision_latency
        .with_label_values(&[site])
        .observe(waited.max(0.0));
}

/// Readers see a comment appear when it becomes published and disappear when it stops being.
pub async fn status_changed(state: &AppState, before: CommentStatus, after: &CommentRow) {
    let published = CommentStatus::Published;
    match (before == published, after.status() == published) {
        (false, true) => live::comment_created(state, after).await,
        (true, false) => live::comment_deleted(state, after).await,
        _ => {}
    }
}

/// What a decision teaches the classifier: `(abuse, spam)`, `None` where it says nothing.
/// Approving or restoring says the text is clean; spam says spam; a rejection says abuse or
/// spam only when that is its reason (off-topic or personal details are not abuse).
pub fn lesson(action: DecisionAction, reason: Option<RejectReason>) -> (Option<bool>, Option<bool>) {
    match (action, reason) {
        (DecisionAction::Approve | DecisionAction::Restore, _) => (Some(false), Some(false)),
        (DecisionAction::Spam, _) | (DecisionAction::Reject, Some(RejectReason::Spam)) => (None, Some(true)),
        (DecisionAction::Reject, Some(RejectReason::Abuse)) => (Some(true), None),
        (DecisionAction::Reject, _) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decisions_about_the_text_teach_the_classifier() {
        assert_eq!(lesson(DecisionAction::Approve, None), (Some(false), Some(false)));
        assert_eq!(lesson(DecisionAction::Spam, None), (None, Some(true)));
        assert_eq!(
            lesson(DecisionAction::Reject, Some(RejectReason::Abuse)),
            (Some(true), None)
        );
        assert_eq!(
            lesson(DecisionAction::Reject, Some(RejectReason::OffTopic)),
            (None, None)
        );
    }
}
