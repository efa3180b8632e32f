//! `PUT /v1/sites/{site}/articles/{article}` (publisher, moderator or admin key): metadata and
//! comment settings. The body is flat; absent fields keep their value. Audited, with the
//! article before and after.

use actix_web::{HttpRequest, put, web};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Credentials, require_staff};
use crate::domain::Role;
use crate::error::{ApiResult, Problem};
use crate::routes::ApiJson;
use crate::routes::comments::parse_article;
use crate::state::AppState;
use crate::storage::{Actor, Article, ArticlePatch};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CommentsSetting {
    Open,
    Closed,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutArticle {
    #[validate(length(min = 1, max = 300))]
    pub title: Option<String>,
    #[validate(url, length(max = 2048))]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 100))]
    pub section: Option<String>,
    #[validate(length(max = 20), custom(function = "valid_tags"))]
    pub tags: Option<Vec<String>>,
    #[validate(length(min = 1, max = 100))]
    pub story: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    #[validate(length(min = 2, max = 10))]
    pub lang: Option<String>,
    #[validate(url, length(max = 2048))]
    pub image: Option<String>,
    pub comments: Option<CommentsSetting>,
    /// `true` or `false` forces pre-moderation on or off; `null` returns to the site's policy.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub premod: Option<Option<bool>>,
    /// Comments close at this time; `null` cancels a scheduled close.
    #[serde(default, deserialize_with = "present_time")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub close_at: Option<Option<OffsetDateTime>>,
}

fn valid_tags(tags: &[String]) -> Result<(), validator::ValidationError> {
    if tags
        .iter()
        .all(|t| (1..=64).contains(&t.chars().count()) && !t.chars().any(char::is_control))
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_tag").with_message("tags are 1 to 64 characters".into()))
    }
}

/// Tells an absent field (outer `None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn present_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<OffsetDateTime>>, D::Error> {
    time::serde::rfc3339::option::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    pub site: String,
    pub article: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub story: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub lang: Option<String>,
    pub image: Option<String>,
    pub comments: CommentsSetting,
    pub premod: Option<bool>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub close_at: Option<OffsetDateTime>,
    pub comment_count: i64,
}

impl From<Article> for ArticleView {
    fn from(a: Article) -> Self {
        let tags = a.tag_list();
        Self {
            comments: if a.comments_open {
                CommentsSetting::Open
            } else {
                CommentsSetting::Closed
            },
            site: a.site,
            article: a.article_id,
            title: a.title,
            url: a.url,
            section: a.section,
            tags,
            story: a.story,
            published_at: a.published_at,
            lang: a.lang,
            image: a.image,
            premod: a.premod,
            close_at: a.close_at,
            comment_count: a.comment_count,
        }
    }
}

#[utoipa::path(
    tag = "articles",
    params(("site" = String, Path), ("article" = String, Path)),
    request_body = PutArticle,
    security(("staff_key" = [])),
    responses((status = 200, body = ArticleView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[put("/v1/sites/{site}/articles/{article}")]
pub async fn put_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: ApiJson<PutArticle>,
) -> ApiResult<web::Json<ArticleView>> {
    let (site_raw, article_raw) = path.into_inner();
    let (site_id, _) = state.site(&site_raw)?;
    let article_id = parse_article(&article_raw)?;
    // Publishers, moderators and admins (roles are ordered).
    let key = require_staff(
        &Credentials::from_request(&req)?,
        state.store.as_ref(),
        Role::Publisher,
    )
    .await?;
    body.validate()?;
    let b = body.into_inner();
    let patch = ArticlePatch {
        title: b.title,
        url: b.url,
        section: b.section,
        tags: b.tags,
        story: b.story,
        published_at: b.published_at,
        lang: b.lang,
        image: b.image,
        comments_open: b.comments.map(|c| c == CommentsSetting::Open),
        premod: b.premod,
        close_at: b.close_at,
    };
    let article = state
        .store
        .put_article_audited(
            site_id.as_str(),
            article_id.as_str(),
            &patch,
            &Actor::from(&key),
            state.clock.now(),
        )
        .await?;
    Ok(web::Json(article.into()))
}
