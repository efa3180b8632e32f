//! Known crawlers, by User-Agent: one case-insensitive multi-pattern pass over the header
//! with the maintained list in `config/bots.txt`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

const BOTS_TXT: &str = include_str!("../../config/bots.txt");

pub struct Bots {
    matcher: AhoCorasick,
}

impl Bots {
    /// The compiled-in list.
    pub fn builtin() -> Self {
        Self::from_list(BOTS_TXT)
    }

    /// One pattern per line; blank lines and `#` comments skipped.
    pub fn from_list(list: &str) -> Self {
        let patterns: Vec<&str> = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&patterns)
            .unwrap_or_else(|_| unreachable!("a few hundred short patterns always build"));
        Self { matcher }
    }

    /// A missing or empty User-Agent counts as a bot: every browser sends one.
    pub fn is_bot(&self, user_agent: Option<&str>) -> bool {
        match user_agent.map(str::trim) {
            None | Some("") => true,
            Some(ua) => self.matcher.is_match(ua),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bots;

    #[test]
    fn crawlers_are_bots_and_browsers_are_not() {
        let bots = Bots::builtin();
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0",
            "curl/8.5.0",
            "python-requests/2.31",
            "Mozilla/5.0 (compatible; BINGBOT/2.0)",
        ] {
            assert!(bots.is_bot(Some(ua)), "{ua}");
        }
        for ua in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        ] {
            assert!(!bots.is_bot(Some(ua)), "{ua}");
        }
        assert!(bots.is_bot(None));
        assert!(bots.is_bot(Some("  ")));
    }
}
