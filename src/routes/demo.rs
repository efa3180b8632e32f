//! `GET /demo` and `/demo/en`: a sample news article page, in Arabic (right to left) and in
//! English, with the comment widget and the most-read and related boxes. The demo site is
//! seeded on the first request (see `crate::demo`), so a fresh `cargo run` shows a live thread.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use crate::demo::{SITE, ensure_seeded};
use crate::error::ApiResult;
use crate::state::AppState;

const PAGE_AR: &str = include_str!("../../widget/demo/ar.html");
const PAGE_EN: &str = include_str!("../../widget/demo/en.html");

#[get("/demo")]
pub async fn demo_ar(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    page(&state, PAGE_AR).await
}

#[get("/demo/en")]
pub async fn demo_en(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    page(&state, PAGE_EN).await
}

async fn page(state: &AppState, html: &'static str) -> ApiResult<HttpResponse> {
    // Only where the demo site is configured.
    state.site(SITE)?;
    // A failed seed still serves the page: the widget says what it cannot load.
    match ensure_seeded(state.store.as_ref(), state.clock.now()).await {
        // Written straight to the store: pages cached before the seed are out of date.
        Ok(seeded) => seeded
            .iter()
            .for_each(|article| state.pages.invalidate(SITE, article)),
        Err(e) => tracing::warn!(error = %e, "the demo site could not be seeded"),
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}
