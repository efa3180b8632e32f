//! `GET` / `POST` / `DELETE /v1/moderation/lexicon`: moderators' word-list entries, global or
//! for one site, merged with the shipped lists and picked up by every instance within seconds.
//! Every addition and removal writes an audit row in the same transaction.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::staff;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::filter::lexicon::{EntryAction, Lang, Mode, Morph, Severity};
use crate::routes::ApiJson;
use crate::state::AppState;
use crate::storage::{Actor, LexiconRow};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    #[validate(length(min = 1, max = 100))]
    pub term: String,
    #[schema(value_type = String, example = "ar")]
    pub lang: Lang,
    /// An allow-list entry: never flagged (severity, action and mode are then ignored).
    #[serde(default)]
    pub allow: bool,
    #[schema(value_type = String, example = "strong")]
    pub severity: Option<Severity>,
    #[schema(value_type = String, example = "hold")]
    pub action: Option<EntryAction>,
    #[schema(value_type = String, example = "word")]
    pub mode: Option<Mode>,
    #[schema(value_type = String, example = "proclitics")]
    pub morph: Option<Morph>,
    /// Only this site; every site when absent.
    #[validate(length(min = 1, max = 64))]
    pub site: Option<String>,
}

impl NewEntry {
    /// The row to store, with defaults for what was left out.
    pub fn to_row(&self, created_by: &str, created_at: OffsetDateTime) -> ApiResult<LexiconRow> {
        let term = self.term.trim();
        if term.is_empty() || term.chars().any(char::is_control) {
            return Err(ApiError::field(
                "term",
                "invalid",
                "a word or phrase of visible characters",
            ));
        }
        Ok(LexiconRow {
            id: Uuid::now_v7(),
            site: self.site.clone(),
            term: term.to_string(),
            lang: snake_case(self.lang)?,
            allow: self.allow,
            severity: snake_case(self.severity.unwrap_or(Severity::Strong))?,
            action: snake_case(self.action.unwrap_or(EntryAction::Hold))?,
            mode: snake_case(self.mode.unwrap_or(Mode::Word))?,
            morph: snake_case(self.morph.unwrap_or(Morph::Proclitics))?,
            created_by: created_by.to_string(),
            created_at,
            removed_by: None,
            removed_at: None,
        })
    }
}

/// An enum's serde name (`strong`, `proclitics`): how rows store it.
fn snake_case(value: impl Serialize) -> ApiResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        other => Err(ApiError::Internal(anyhow::anyhow!(
            "not a unit variant: {other:?}"
        ))),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    pub site: Option<String>,
    pub term: String,
    pub lang: String,
    pub allow: bool,
    pub severity: String,
    pub action: String,
    pub mode: String,
    pub morph: String,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<LexiconRow> for EntryView {
    fn from(r: LexiconRow) -> Self {
        Self {
            id: r.id,
            site: r.site,
            term: r.term,
            lang: r.lang,
            allow: r.allow,
            severity: r.severity,
            action: r.action,
            mode: r.mode,
            morph: r.morph,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    /// Run-time entries (the shipped lists live in `config/lexicons/`).
    pub entries: Vec<EntryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only entries of this site (and global ones).
    pub site: Option<String>,
}

#[utoipa::path(tag = "moderation", params(ListParams), security(("staff_key" = [])),
    responses((status = 200, body = EntryList), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/v1/moderation/lexicon")]
pub async fn list_entries(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> ApiResult<web::Json<EntryList>> {
    staff(&req, &state, Role::Moderator).await?;
    let rows = state.store.lexicon_entries().await?;
    let entries = rows
        .into_iter()
        .filter(|r| params.site.is_none() || r.site.is_none() || r.site == params.site)
        .map(EntryView::from)
        .collect();
    Ok(web::Json(EntryList { entries }))
}

#[utoipa::path(tag = "moderation", request_body = NewEntry, security(("staff_key" = [])),
    responses((status = 201, body = EntryView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/v1/moderation/lexicon")]
pub async fn add_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<NewEntry>,
) -> ApiResult<HttpResponse> {
    let key = staff(&req, &state, Role::Moderator).await?;
    body.validate()?;
    if let Some(site) = &body.site {
        state.site(site)?;
    }
    let row = body.to_row(&key.name, state.clock.now())?;
    state
        .store
        .insert_lexicon_entry_audited(&row, &Actor::from(&key))
        .await?;
    // This instance at once; the others at their next poll.
    state
        .screening
        .refresh(state.store.as_ref())
        .await
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Created().json(EntryView::from(row)))
}

#[utoipa::path(tag = "moderation", params(("id" = Uuid, Path)), security(("staff_key" = [])),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
#[delete("/v1/moderation/lexicon/{id}")]
pub async fn remove_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let key = staff(&req, &state, Role::Moderator).await?;
    let not_found = || ApiError::not_found("entry_not_found", "no such word-list entry");
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    state
        .store
        .remove_lexicon_entry_audited(id, &Actor::from(&key), state.clock.now())
        .await
        .map_err(|e| match e {
            crate::storage::StoreError::NotFound => not_found(),
            other => other.into(),
        })?;
    state
        .screening
        .refresh(state.store.as_ref())
        .await
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::NoContent().finish())
}
