//! Reading the development data, and which rows may train what ships.

use anyhow::{Context, bail};
use std::path::Path;

/// Sources whose licence lets parameters trained on them ship (CC-BY OSACT 2020, Apache
/// MPOLD, UCI YouTube spam, SMS Spam Collection). Every other source is evaluation only.
const SHIPPABLE_PREFIXES: [&str; 4] = ["osact2020_", "mpold_", "youtube_", "sms"];

/// Our own Arabic spam examples (none of the shippable sources has Arabic spam).
const ARABIC_SPAM_SEEDS: &str = include_str!("../../../config/models/spam_seeds_ar.txt");
/// How many filled-in copies of each seed template.
const SEED_COPIES: usize = 4;

#[derive(Debug, Clone)]
pub struct Row {
    pub source: String,
    pub id: String,
    pub text: String,
    pub label: bool,
}

pub fn may_ship(source: &str) -> bool {
    SHIPPABLE_PREFIXES.iter().any(|p| source.starts_with(p))
}

/// Reads a TSV with a header; `label` names the 0/1 column.
pub fn read_tsv(path: &Path, label: &str) -> anyhow::Result<Vec<Row>> {
    let all = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = all.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(source), Some(id), Some(text), Some(y)) = (col("source"), col("id"), col("text"), col(label))
    else {
        bail!(
            "{}: missing one of the columns source, id, text, {label}",
            path.display()
        );
    };
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| {
            f.get(i)
                .copied()
                .with_context(|| format!("{}:{}", path.display(), n + 2))
        };
        rows.push(Row {
            source: get(source)?.to_owned(),
            id: get(id)?.to_owned(),
            text: clean(get(text)?),
            label: get(y)? == "1",
        });
    }
    Ok(rows)
}

/// Removes what the datasets added and comments will not have: the anonymised mentions and
/// links of OSACT (`@USER`, `URL`, `<LF>`, `RT`) and MPOLD (`@User.IDX`, `<url>`), and CSV
/// quote doubling.
fn clean(text: &str) -> String {
    let text = text.replace("<LF>", " ").replace("\"\"", "\"");
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.trim_end_matches(':'),
                "@USER" | "@User.IDX" | "URL" | "<url>" | "RT"
            )
        })
        .collect();
    words.join(" ").trim_matches('"').trim().to_owned()
}

/// A stable fold for a row, from its id.
pub fn fold(id: &str, folds: usize) -> usize {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (h % folds as u64) as usize
}

/// The Arabic spam seed templates, filled in deterministically.
pub fn arabic_spam_seeds() -> Vec<Row> {
    let mut rng = SplitMix(0x6d61_6a6c_6973);
    let mut rows = Vec::new();
    let templates = ARABIC_SPAM_SEEDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    for (t, template) in templates.enumerate() {
        for copy in 0..SEED_COPIES {
            let text = template
                .replace("{phone}", &phone(&mut rng))
                .replace("{url}", &url(&mut rng))
                .replace("{handle}", &handle(&mut rng))
                .replace("{num}", &(rng.below(500) * 10 + 10).to_string());
            rows.push(Row {
                source: "seed_spam_ar".into(),
                id: format!("seed-{t}-{copy}"),
                text,
                label: true,
            });
        }
    }
    rows
}

fn phone(rng: &mut SplitMix) -> String {
    let digits = |rng: &mut SplitMix, n: usize| {
        (0..n)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect::<String>()
    };
    let plain = match rng.below(6) {
        0 => format!("010{}", digits(rng, 8)),
        1 => format!("011{}", digits(rng, 8)),
        2 => format!("05{}", digits(rng, 8)),
        3 => format!("+966 5{} {} {}", digits(rng, 1), digits(rng, 3), digits(rng, 4)),
        4 => format!("00971 5{}", digits(rng, 8)),
        _ => format!("+20 1{} {}", digits(rng, 2), digits(rng, 7)),
    };
    if rng.below(4) == 0 {
        // Arabic-Indic digits, as many Arabic keyboards type them.
        plain
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .and_then(|d| char::from_u32(0x0660 + d))
                    .unwrap_or(c)
            })
            .collect()
    } else {
        plain
    }
}

fn url(rng: &mut SplitMix) -> String {
    let name = handle(rng).trim_start_matches('@').to_owned();
    match rng.below(5) {
        0 => format!("https://bit.ly/{name}"),
        1 => format!("https://t.me/{name}"),
        2 => format!("wa.me/9665{}", rng.below(100_000_000)),
        3 => format!("www.{name}.com"),
        _ => format!("https://youtube.com/@{name}"),
    }
}

fn handle(rng: &mut SplitMix) -> String {
    const PARTS: [&str; 10] = [
        "store", "offers", "ksa", "shop", "vip", "star", "best", "cairo", "gulf", "deals",
    ];
    let a = PARTS[rng.below(10) as usize];
    let b = PARTS[rng.below(10) as usize];
    format!("@{a}_{b}{}", rng.below(100))
}

/// A tiny deterministic generator (SplitMix64), so the seeds are the same on every run.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
