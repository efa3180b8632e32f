//! The route table: the whole API on one screen. Handlers live in `routes/<resource>/`.

pub mod articles;
pub mod comments;
pub mod demo;
mod extract;
pub mod moderation;
pub mod ops;
pub mod popularity;
mod problems_doc;
pub mod widget;

use utoipa_actix_web::service_config::ServiceConfig;

pub use extract::{ApiJson, client_ip, path_config, query_config};

pub fn configure(cfg: &mut ServiceConfig) {
    // The view beacon first, then the reads every article page makes: actix tries the
    // routes in order, matching each pattern with a regex, and these are the busiest.
    cfg.service(popularity::views::record_view)
        .service(comments::list::list_thread)
        .service(popularity::related::related)
        .service(popularity::popular::popular)
        .service(popularity::most_commented::most_commented)
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
        .service(moderation::filter::filter_check)
        .service(moderation::filter::filter_backtest)
        .service(moderation::lexicon::list_entries)
        .service(moderation::lexicon::add_entry)
        .service(moderation::lexicon::remove_entry)
        .service(moderation::queues::queue_counts)
        .service(moderation::queues::list_queue)
        .service(moderation::claims::claim)
        .service(moderation::decisions::decide_one)
        .service(moderation::decisions::decide_many)
        .service(moderation::comment::comment_detail)
        .service(moderation::users::commenter_history)
        .service(moderation::users::set_status)
        .service(moderation::user_data::export_data)
        .service(moderation::user_data::erase_data)
        .service(moderation::audit::audit_log)
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(ops::openapi_json)
        // Pages and assets, not API: kept out of the OpenAPI document.
        .map(|c| {
            c.service(widget::embed_js)
                .service(widget::embed_css)
                .service(demo::demo_ar)
                .service(demo::demo_en)
        });
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
    // Query parameter types are referenced by name but not collected by utoipa-actix-web.
    use utoipa::{PartialSchema, ToSchema};
    api.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert(crate::domain::Sort::name().into(), crate::domain::Sort::schema());
    api
}

/// The served OpenAPI document: `openapi()` plus the error answers every operation shares.
pub fn openapi_document() -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    problems_doc::add_problem_responses(&mut doc);
    doc
}
