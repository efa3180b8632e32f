//! What the widget does with a comment once it is posted (reply pages, edit, delete, like,
//! report), a few readers of the answers, and distinct texts to post.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Auth, TestApp};

/// Ordinary, distinct comments: a spam filter that holds repeated or near-repeated text must
/// have no reason to hold a test's setup.
const TEXTS: [&str; 24] = [
    "مقال ممتاز يشرح الموقف بوضوح",
    "أختلف مع الكاتب في النقطة الثانية",
    "هل من مصدر لهذه الأرقام؟",
    "تغطية متوازنة، شكراً لفريق التحرير",
    "الصورة لا تعبّر عن مضمون الخبر",
    "أتمنى متابعة القصة في الأيام القادمة",
    "العنوان مبالغ فيه قليلاً",
    "كنت هناك أمس وكان الوضع هادئاً",
    "The translation of the second paragraph is off",
    "نحتاج إلى رأي الخبراء الاقتصاديين",
    "معلومة جديدة بالنسبة لي",
    "ما علاقة هذا بالقرار السابق؟",
    "أحسنتم في ذكر الخلفية التاريخية",
    "الخريطة المرفقة مفيدة جداً",
    "متى يبدأ تطبيق القانون الجديد؟",
    "رأيي أن الحل في الحوار بين الطرفين",
    "Great summary, thanks for linking the sources",
    "الأسعار ارتفعت في مدينتنا أيضاً",
    "قرأت رواية مختلفة في صحيفة أخرى",
    "ننتظر بيان الوزارة الرسمي",
    "التحليل يفتقد إلى الإحصاءات الحديثة",
    "شكراً على الترجمة الدقيقة للتصريحات",
    "الوضع يتطلب حلولاً عاجلة لا وعوداً",
    "لماذا لم يُذكر موقف المعارضة؟",
];

/// The `i`-th of the distinct texts.
pub fn text(i: usize) -> String {
    match i / TEXTS.len() {
        0 => TEXTS[i].to_string(),
        round => format!("{} ({round})", TEXTS[i % TEXTS.len()]),
    }
}

/// A new guest on `demo`, made by posting once on an article no test reads.
pub async fn another_guest(app: &TestApp) -> Auth {
    app.guest_comment("elsewhere", "تعليق على مقال آخر").await.1
}

/// Asserts the status of `res` and returns its JSON body.
pub async fn json_with(res: Response, status: StatusCode) -> Value {
    let got = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "status for {body}");
    body
}

/// The `id` of a comment as a string.
pub fn id_of(comment: &Value) -> String {
    comment["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {comment}"))
        .to_string()
}

/// The ids of a page's `comments`, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["comments"]
        .as_array()
        .unwrap_or_else(|| panic!("no comments in {page}"))
        .iter()
        .map(id_of)
        .collect()
}

/// The ids of a listed comment's first `replies`, in order.
pub fn reply_ids(comment: &Value) -> Vec<String> {
    comment["replies"]
        .as_array()
        .unwrap_or_else(|| panic!("no replies in {comment}"))
        .iter()
        .map(id_of)
        .collect()
}

/// The stored row of a comment, read from the database.
pub async fn stored(app: &TestApp, id: &str) -> majlis::storage::CommentRow {
    let id = Uuid::parse_str(id).unwrap_or_else(|e| panic!("{id:?} is not a uuid: {e}"));
    match app.state.store.comment(id).await {
        Ok(Some(row)) => row,
        other => panic!("comment {id} is not stored: {other:?}"),
    }
}

/// Follows `next_cursor` through a thread (`query` without cursor) and returns every id in
/// the order served, failing on a page that is over `limit` or a runaway loop.
pub async fn all_thread_pages(app: &TestApp, article: &str, query: &str, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let page_query = match &cursor {
            Some(c) => format!("{query}&limit={limit}&cursor={c}"),
            None => format!("{query}&limit={limit}"),
        };
        let page = app.thread("demo", article, &page_query, &Auth::None).await;
        let page_ids = ids(&page);
        assert!(page_ids.len() <= limit, "a page holds at most {limit}: {page}");
        seen.extend(page_ids);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return seen,
        }
    }
    panic!("paging did not end after 50 pages: {seen:?}");
}

pub async fn replies(app: &TestApp, id: &str, query: &str, auth: &Auth) -> Response {
    app.get(&format!("/v1/comments/{id}/replies?{query}"), auth).await
}

pub async fn edit(app: &TestApp, id: &str, auth: &Auth, body: &Value) -> Response {
    app.request(Method::PATCH, &format!("/v1/comments/{id}"), auth)
        .json(body)
        .send()
        .await
        .expect("request")
}

pub async fn delete(app: &TestApp, id: &str, auth: &Auth) -> Response {
    app.request(Method::DELETE, &format!("/v1/comments/{id}"), auth)
        .send()
        .await
        .expect("request")
}

pub async fn like(app: &TestApp, id: &str, auth: &Auth) -> Response {
    app.request(Method::PUT, &format!("/v1/comments/{id}/like"), auth)
        .send()
        .await
        .expect("request")
}

pub async fn unlike(app: &TestApp, id: &str, auth: &Auth) -> Response {
    app.request(Method::DELETE, &format!("/v1/comments/{id}/like"), auth)
        .send()
        .await
        .expect("request")
}

pub async fn report(app: &TestApp, id: &str, auth: &Auth, body: &Value) -> Response {
    app.post_json(&format!("/v1/comments/{id}/reports"), auth, body)
        .await
}

/// `assert_problem` for one row of a table: every failure names the row's `case`.
pub async fn assert_problem_for(case: &str, res: Response, status: StatusCode, code: &str) -> Value {
    let got = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{case}: status for {body}");
    assert_eq!(
        content_type, "application/problem+json",
        "{case}: content type for {body}"
    );
    assert_eq!(body["code"], code, "{case}: code in {body}");
    assert_eq!(body["status"], status.as_u16(), "{case}: status in {body}");
    body
}
