//! The filter's throughput on a mixed Arabic/English comment corpus, and `rustrict` on the
//! same English texts as the reference, in the same run (SPEC §10).
//!
//! The corpus is read from the team's data folder (`../shared/data/`, or `MAJLIS_BENCH_DATA`):
//! 2,000 Arabic-script and 2,000 Latin-script comments. Nothing of it is committed.
//!
//! ```sh
//! cargo bench --bench filter
//! ```

#![allow(
    clippy::expect_used,
    reason = "a bench without its corpus or lists has nothing to measure"
)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use majlis::filter::lexicon::Lexicon;
use majlis::filter::matcher::Matcher;
use majlis::filter::normalize::normalize;
use majlis::filter_cli::Offline;

const PER_SCRIPT: usize = 2000;

fn corpus() -> (Vec<String>, Vec<String>) {
    let dir = std::env::var("MAJLIS_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| "../shared/data".into());
    let mut arabic = Vec::new();
    let mut latin = Vec::new();
    for file in ["offense_dev.tsv", "spam_dev.tsv"] {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()));
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(body), Some(script)) = (cols.get(2), cols.last()) else {
                continue;
            };
            match *script {
                "arabic" if arabic.len() < PER_SCRIPT => arabic.push(body.to_string()),
                "latin" if latin.len() < PER_SCRIPT => latin.push(body.to_string()),
                _ => {}
            }
        }
    }
    (arabic, latin)
}

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn filter_benches(c: &mut Criterion) {
    let (arabic, latin) = corpus();
    let mixed: Vec<String> = arabic.iter().chain(&latin).cloned().collect();
    let offline = Offline::load().expect("shipped lists and models");
    let matcher = Matcher::new(&Lexicon::builtin().expect("lists"));

    let mut group = c.benchmark_group("filter");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes(&mixed)));
    group.bench_function("normalize/mixed", |b| {
        b.iter(|| mixed.iter().map(|t| normalize(t).text.len()).sum::<usize>())
    });
    group.bench_function("word_lists/mixed", |b| {
        b.iter(|| mixed.iter().map(|t| matcher.find(t).len()).sum::<usize>())
    });
    group.bench_function("pipeline/mixed", |b| {
        b.iter(|| {
            mixed
                .iter()
                .map(|t| offline.judge(t).reasons.len())
                .sum::<usize>()
        })
    });

    group.throughput(Throughput::Bytes(bytes(&latin)));
    group.bench_function("pipeline/english", |b| {
        b.iter(|| {
            latin
                .iter()
                .map(|t| offline.judge(t).reasons.len())
                .sum::<usize>()
        })
    });
    group.bench_function("rustrict/english", |b| {
        b.iter(|| {
            latin
                .iter()
                .filter(|t| rustrict::CensorStr::is_inappropriate(t.as_str()))
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, filter_benches);
criterion_main!(benches);
