//! Ranking related stories, pure: candidates come in tiers (same story, shared tags, same
//! section, read by the same readers, the whole site), and a tier always comes before the
//! next; within a tier, candidates rank by their views in the last 24 hours, boosted by
//! co-reading.

use std::collections::{HashMap, HashSet};

/// A reader who read both articles weighs as much as this many views.
pub const CO_READ_WEIGHT: u64 = 3;

/// Up to `limit` articles, never `article` itself nor twice, with their 24-hour views.
pub fn rank_related(
    article: &str,
    tiers: &[Vec<String>],
    views: &HashMap<String, u64>,
    co_reads: &HashMap<String, u64>,
    limit: usize,
) -> Vec<(String, u64)> {
    let score =
        |a: &str| views.get(a).copied().unwrap_or(0) + CO_READ_WEIGHT * co_reads.get(a).copied().unwrap_or(0);
    let mut taken: HashSet<&str> = HashSet::from([article]);
    let mut out = Vec::new();
    for tier in tiers {
        let mut candidates: Vec<&str> = tier
            .iter()
            .map(String::as_str)
            .filter(|a| !taken.contains(a))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        candidates.sort_by(|a, b| score(b).cmp(&score(a)).then_with(|| a.cmp(b)));
        for a in candidates {
            if out.len() == limit {
                return out;
            }
            taken.insert(a);
            out.push((a.to_owned(), views.get(a).copied().unwrap_or(0)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn counts(list: &[(&str, u64)]) -> HashMap<String, u64> {
        list.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect()
    }

    #[test]
    fn tiers_come_in_order_and_co_reading_boosts_within_a_tier() {
        let tiers = vec![ids(&["self", "s1", "s2"]), ids(&["t1", "s1"]), ids(&["x1", "x2"])];
        let views = counts(&[("s1", 10), ("s2", 5), ("t1", 100), ("x1", 1), ("x2", 2)]);
        let co = counts(&[("s2", 2), ("x1", 1)]);
        let got = rank_related("self", &tiers, &views, &co, 10);
        let order: Vec<&str> = got.iter().map(|(a, _)| a.as_str()).collect();
        // s2 (5 + 3·2 = 11) passes s1 (10); x1 (1 + 3) passes x2 (2).
        assert_eq!(order, ["s2", "s1", "t1", "x1", "x2"]);
        assert_eq!(got[0].1, 5, "views are the views, not the boosted score");
        assert_eq!(rank_related("self", &tiers, &views, &co, 2).len(), 2);
    }
}
