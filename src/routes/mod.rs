//! The route table: the whole API on one screen. Handlers live in `routes/<resource>/`.

pub mod articles;
pub mod comments;
mod extract;
pub mod moderation;
pub mod ops;
pub mod popularity;

use utoipa_actix_web::service_config::ServiceConfig;

pub use extract::{ApiJson, client_ip, path_config, query_config};

pub fn configure(cfg: &mut ServiceConfig) {
    // The view beacon first: it is the busiest route (one per page view), and actix tries
    // the routes in order, matching each pattern with a regex.
    cfg.service(popularity::views::record_view)
        .service(comments::list::list_thread)
        .service(comments::create::create_comment)
        .service(comments::replies::list_replies)
        .service(comments::edit::edit_comment)
        .service(comments::delete::delete_comment)
        .service(comments::like::like_comment)
        .service(comments::like::unlike_comment)
        .service(comments::report::report_comment)
        .service(comments::counts::comment_counts)
        .service(comments::events::thread_events)
        .service(articles::put::put_article)
        .service(popularity::popular::popular)
        .service(popularity::related::related)
        .service(popularity::most_commented::most_commented)
        .service(moderation::filter::filter_check)
        .service(moderation::filter::filter_backtest)
        .service(moderation::lexicon::list_entries)
        .service(moderation::lexicon::add_entry)
        .service(moderation::lexicon::remove_entry)
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(ops::openapi_json);
}

/// The OpenAPI document of every route above.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .configure(configure)
        .split_for_parts();
    api.info.title = "majlis".into();
    api.info.version = env!("CARGO_PKG_VERSION").into();
    api.info.description = Some("Comments and engagement for news sites, Arabic first.".into());
    api
}
