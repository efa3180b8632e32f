//! One contract for both view counters: in process always, Redis when
//! `MAJLIS_TEST_REDIS_URL` is set. Times are passed in, so hours roll over on demand; each
//! Redis run has a namespace of its own.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::Arc;

use majlis::metrics::Metrics;
use majlis::popularity::{MemoryViews, READER_MARKS, RedisViews, View, ViewCounters};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const T0: OffsetDateTime = datetime!(2026-03-02 10:05 UTC);

async fn backends() -> Vec<Arc<dyn ViewCounters>> {
    let mut all: Vec<Arc<dyn ViewCounters>> = vec![Arc::new(MemoryViews::new())];
    match std::env::var("MAJLIS_TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let namespace = format!("majlis-test:{}:", uuid::Uuid::now_v7().simple());
            let redis = RedisViews::connect(&url, &namespace, Metrics::new().unwrap())
                .await
                .expect("connect to the test Redis");
            all.push(Arc::new(redis));
        }
        None => eprintln!("note: MAJLIS_TEST_REDIS_URL is unset; skipping the Redis back-end"),
    }
    all
}

fn view(article: &str, visitor: &str, scopes: &[&str], at: OffsetDateTime) -> View {
    View {
        site: "demo".into(),
        article: article.into(),
        visitor: visitor.into(),
        scopes: Arc::new(scopes.iter().map(|s| (*s).to_owned()).collect()),
        at,
    }
}

fn site_view(article: &str, visitor: &str, at: OffsetDateTime) -> View {
    view(article, visitor, &["site"], at)
}

async fn ranking(c: &dyn ViewCounters, scope: &str, hours: i64, now: OffsetDateTime) -> Vec<(String, u64)> {
    c.ranking("demo", scope, hours, now, 50).await.unwrap()
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect()
}

#[tokio::test]
async fn a_visitor_counts_once_per_article_per_half_hour() {
    for c in backends().await {
        let got = c
            .record(&[
                site_view("a", "v1", T0),
                site_view("a", "v1", T0 + Duration::minutes(1)),
                site_view("a", "v2", T0 + Duration::minutes(2)),
                site_view("b", "v1", T0 + Duration::minutes(3)),
            ])
            .await
            .unwrap();
        assert_eq!(got, [true, false, true, true], "{}: within one batch", c.name());
        let later = c
            .record(&[
                site_view("a", "v1", T0 + Duration::minutes(29)),
                site_view("a", "v1", T0 + Duration::minutes(30)),
                site_view("a", "v1", T0 + Duration::minutes(31)),
            ])
            .await
            .unwrap();
        assert_eq!(later, [false, true, false], "{}: the window restarts", c.name());
        assert_eq!(
            ranking(c.as_ref(), "site", 1, T0 + Duration::minutes(31)).await,
            pairs(&[("a", 3), ("b", 1)]),
            "{}",
            c.name()
        );
        assert_eq!(
            c.totals("demo", &["a".into(), "b".into(), "zzz".into()])
                .await
                .unwrap(),
            [3, 1, 0],
            "{}",
            c.name()
        );
    }
}

#[tokio::test]
async fn windows_are_unions_of_hourly_buckets_that_roll_over() {
    for c in backends().await {
        let h = |n: i64| T0 + Duration::hours(n);
        c.record(&[
            site_view("old", "v1", h(0)),
            site_view("old", "v2", h(0)),
            site_view("new", "v1", h(1)),
            site_view("new", "v3", h(2)),
            site_view("old", "v3", h(2)),
        ])
        .await
        .unwrap();
        let c = c.as_ref();
        assert_eq!(
            ranking(c, "site", 1, h(1)).await,
            pairs(&[("new", 1)]),
            "{}: 1h",
            c.name()
        );
        assert_eq!(
            ranking(c, "site", 1, h(2)).await,
            pairs(&[("new", 1), ("old", 1)])
        );
        assert_eq!(
            ranking(c, "site", 24, h(2)).await,
            pairs(&[("old", 3), ("new", 2)]),
            "{}: 24h",
            c.name()
        );
        // 24 hours after the first hour, its bucket leaves the 24h window but not the 7d one.
        assert_eq!(
            ranking(c, "site", 24, h(24)).await,
            pairs(&[("new", 2), ("old", 1)])
        );
        assert_eq!(
            ranking(c, "site", 168, h(24)).await,
            pairs(&[("old", 3), ("new", 2)])
        );
        assert_eq!(
            ranking(c, "site", 168, h(170)).await,
            pairs(&[]),
            "{}: 7d",
            c.name()
        );
        // Views before the window's first hour never count, whatever the clock says later.
        assert_eq!(ranking(c, "site", 1, h(-1)).await, pairs(&[]));
    }
}

#[tokio::test]
async fn each_scope_counts_its_own_views_and_depth_bounds_a_ranking() {
    for c in backends().await {
        c.record(&[
            view("a", "v1", &["site", "sec:sport", "tag:cup"], T0),
            view("b", "v1", &["site", "sec:economy", "story:budget"], T0),
            view("b", "v2", &["site", "sec:economy", "story:budget"], T0),
            view("c", "v1", &["site", "sec:sport"], T0),
        ])
        .await
        .unwrap();
        let c = c.as_ref();
        assert_eq!(
            ranking(c, "sec:sport", 24, T0).await,
            pairs(&[("a", 1), ("c", 1)]),
            "{}",
            c.name()
        );
        assert_eq!(ranking(c, "sec:economy", 24, T0).await, pairs(&[("b", 2)]));
        assert_eq!(ranking(c, "story:budget", 24, T0).await, pairs(&[("b", 2)]));
        assert_eq!(ranking(c, "tag:cup", 24, T0).await, pairs(&[("a", 1)]));
        assert_eq!(ranking(c, "tag:none", 24, T0).await, pairs(&[]));
        assert_eq!(
            c.ranking("demo", "site", 24, T0, 2).await.unwrap(),
            pairs(&[("b", 2), ("c", 1)]),
            "{}: the top 2; at the cut, ties keep the larger id",
            c.name()
        );
    }
}

#[tokio::test]
async fn readers_of_one_article_feed_also_read_for_the_others() {
    for c in backends().await {
        let m = |n: i64| T0 + Duration::minutes(n);
        c.record(&[
            site_view("a", "v1", m(0)),
            site_view("b", "v1", m(1)),
            site_view("c", "v1", m(2)),
            site_view("a", "v2", m(3)),
            site_view("b", "v2", m(4)),
            // A duplicate adds no co-reading.
            site_view("b", "v2", m(5)),
        ])
        .await
        .unwrap();
        let c = c.as_ref();
        assert_eq!(
            c.also_read("demo", "a", 10).await.unwrap(),
            pairs(&[("b", 2), ("c", 1)]),
            "{}",
            c.name()
        );
        assert_eq!(
            c.also_read("demo", "b", 10).await.unwrap(),
            pairs(&[("a", 2), ("c", 1)])
        );
        assert_eq!(c.also_read("demo", "c", 1).await.unwrap(), pairs(&[("b", 1)]));
        assert_eq!(c.also_read("demo", "nobody", 10).await.unwrap(), pairs(&[]));
    }
}

#[tokio::test]
async fn a_visitor_remembers_only_their_latest_articles() {
    for c in backends().await {
        let views: Vec<View> = (0..12)
            .map(|i| site_view(&format!("a{i:02}"), "v1", T0 + Duration::minutes(i)))
            .collect();
        c.record(&views).await.unwrap();
        let co = c.also_read("demo", "a11", 50).await.unwrap();
        // The 12th article pairs with the 10 before it, not with the first one.
        assert_eq!(co.len(), 10, "{}: {co:?}", c.name());
        assert!(co.iter().all(|(a, _)| a != "a00"), "{}: {co:?}", c.name());
    }
}

#[tokio::test]
async fn a_visitor_is_deduped_on_their_last_reader_marks_articles() {
    for c in backends().await {
        let at = |s: usize| T0 + Duration::seconds(i64::try_from(s).unwrap());
        let first: Vec<View> = (0..=READER_MARKS)
            .map(|i| site_view(&format!("a{i:03}"), "v1", at(i)))
            .collect();
        let counted = c.record(&first).await.unwrap();
        assert!(counted.iter().all(|&b| b), "{}: {counted:?}", c.name());
        // Still within the half hour: an article read long before the recent ten, and the
        // oldest one kept, are duplicates; the one past the cap was forgotten and counts.
        let again = c
            .record(&[
                site_view("a050", "v1", at(300)),
                site_view("a001", "v1", at(301)),
                site_view("a000", "v1", at(302)),
            ])
            .await
            .unwrap();
        assert_eq!(again, [false, false, true], "{}", c.name());
        assert_eq!(
            c.totals("demo", &["a000".into(), "a001".into(), "a050".into()])
                .await
                .unwrap(),
            [2, 1, 1],
            "{}",
            c.name()
        );
    }
}

#[tokio::test]
async fn a_reread_moves_the_article_to_the_front_without_pairing_it_with_itself() {
    for c in backends().await {
        let m = |n: i64| T0 + Duration::minutes(n);
        c.record(&[
            site_view("a", "v1", m(0)),
            site_view("b", "v1", m(1)),
            site_view("a", "v1", m(40)),
        ])
        .await
        .unwrap();
        assert_eq!(
            c.also_read("demo", "a", 10).await.unwrap(),
            pairs(&[("b", 2)]),
            "{}",
            c.name()
        );
        assert_eq!(c.also_read("demo", "b", 10).await.unwrap(), pairs(&[("a", 2)]));
        assert_eq!(c.totals("demo", &["a".into()]).await.unwrap(), [2]);
    }
}

#[tokio::test]
async fn one_batch_records_the_views_of_many_sites_each_in_its_own() {
    // On Redis Cluster the sites' keys hash to different slots (so, with three masters,
    // mostly to different nodes): one batch must still reach them all.
    let sites: Vec<String> = (0..12).map(|n| format!("site-{n}")).collect();
    for c in backends().await {
        let batch: Vec<View> = sites
            .iter()
            .flat_map(|site| {
                ["v1", "v2"].map(|visitor| View {
                    site: site.clone(),
                    ..site_view("shared", visitor, T0)
                })
            })
            .collect();

        let got = c.record(&batch).await.unwrap();

        assert_eq!(got, vec![true; batch.len()], "{}", c.name());
        for site in &sites {
            assert_eq!(
                c.ranking(site, "site", 1, T0, 10).await.unwrap(),
                pairs(&[("shared", 2)]),
                "{}: {site}",
                c.name()
            );
            assert_eq!(
                c.totals(site, &["shared".into()]).await.unwrap(),
                [2],
                "{}",
                c.name()
            );
        }
    }
}
