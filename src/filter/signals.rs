//! Spam and abuse signals besides the word lists: links, phone numbers and messenger
//! handles, shouting, floods of repeated characters or emoji, and what the context knows
//! (form timing, the author's record, posting rate, duplicates). Each becomes a reason with
//! a weight; the policy combines the weights.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::Reason;
use super::normalize::is_ascii_space;

/// A reason and how strongly it suggests spam or abuse (0 to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub reason: Reason,
    pub weight: f32,
    pub kind: SignalKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    Spam,
    Abuse,
    /// About the author, not the text: raises either suspicion a little.
    Author,
}

/// Facts about the submission that the text alone does not carry. The service fills them
/// in from the shared state before calling the filter; everything here is plain data.
#[derive(Debug, Clone, Copy, Default)]
pub struct Activity {
    /// Comments by this author in the last minutes, this one included.
    pub recent_by_author: u32,
    /// Comments from this address in the last minutes, this one included.
    pub recent_by_ip: u32,
    /// Earlier comments in the window with the same or nearly the same text.
    pub near_duplicates: u32,
}

/// Messenger and contact words common in Arabic and English comment spam.
const CONTACT_WORDS: &[&str] = &[
    "واتساب",
    "واتس",
    "الواتس",
    "واتس اب",
    "whatsapp",
    "telegram",
    "تلغرام",
    "تليجرام",
    "تيليجرام",
    "سناب",
    "snapchat",
    "انستا",
    "instagram",
    "للتواصل",
    "للاستفسار",
    "للحجز",
    "اتصل",
    "call now",
    "dm me",
    "inbox me",
    "راسلني",
    "كلمني",
];

/// Words that sell rather than comment.
const PROMO_WORDS: &[&str] = &[
    "subscribe",
    "check out my",
    "my channel",
    "free money",
    "click here",
    "win a",
    "promo code",
    "اشترك",
    "قناتي",
    "اربح",
    "ربح مضمون",
    "خصم",
    "عرض خاص",
    "تخفيضات",
    "سارع",
    // Live-match stream links, clickbait video and slimming ads: the commonest Arabic social
    // media spam. Written as normalized text (ة is ه, no tatweel or marks), since the
    // stretched and voweled spellings spammers use fold to these.
    "بث مباشر",
    "البث المباشر",
    "رابط البث",
    "روابط البث",
    "بدون تقطيع",
    "بدون اعلانات",
    "شاهد بالفيديو",
    "شاهد الفيديو",
    "شاهد المقطع",
    "مشاهده مباراه",
    "مشاهده المباراه",
    "التفاصيل كامله",
    "التفاصيل من هنا",
    "الحلقه كامله",
    "للتخسيس",
    "التخلص من الكرش",
    "تخلص من الكرش",
];

/// The contact and promotion wordings, in list order, for one pass over the text.
#[allow(clippy::expect_used, reason = "a fixed list of short words always builds")]
static WORDINGS: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(CONTACT_WORDS.iter().chain(PROMO_WORDS)).expect("fixed word list"));

/// The same wordings, only to tell whether any occurs: leftmost-first semantics let the
/// automaton use its SIMD prefilter (Teddy), which the overlapping one above cannot. Over the
/// bench's English half: 0.13 ms against 0.34 ms for `WORDINGS.is_match`.
#[allow(clippy::expect_used, reason = "a fixed list of short words always builds")]
static ANY_WORDING: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(CONTACT_WORDS.iter().chain(PROMO_WORDS))
        .expect("fixed word list")
});

/// Which of the contact words (bits `0..CONTACT_WORDS.len()`) and promotion words (the bits
/// after them) occur in `normalized`: one overlapping Aho-Corasick pass instead of a
/// substring search per word, with the same answer (every occurrence is reported).
fn wordings_found(normalized: &str) -> u64 {
    const _: () = assert!(CONTACT_WORDS.len() + PROMO_WORDS.len() <= 64);
    // Most comments have none of them, which a prefilter tells much faster than an
    // overlapping walk of every byte.
    if !ANY_WORDING.is_match(normalized) {
        return 0;
    }
    WORDINGS
        .find_overlapping_iter(normalized)
        .fold(0u64, |found, m| found | 1 << m.pattern().as_usize())
}

pub fn text_signals(original: &str, normalized: &str) -> Vec<Signal> {
    let mut out = Vec::new();
    let links = count_links(original);
    if links > 0 {
        let weight = (0.25 * links as f32).min(0.75);
        out.push(signal(
            "links",
            &format!("{links} link(s)"),
            weight,
            SignalKind::Spam,
        ));
    }
    // One pass over the characters for the phone number, the capitals, the runs, the
    // ornaments and the emoji.
    let counts = char_counts(original);
    if let Some(span) = counts.phone {
        let mut s = signal("phone_number", "a phone number", 0.45, SignalKind::Spam);
        s.reason.span = Some(span);
        out.push(s);
    }
    let found = wordings_found(normalized);
    let contact = (0..CONTACT_WORDS.len()).find(|&k| found >> k & 1 == 1);
    if let Some(word) = contact.map(|k| CONTACT_WORDS[k]) {
        let mut s = signal(
            "contact_handle",
            "asks readers to get in touch elsewhere",
            0.35,
            SignalKind::Spam,
        );
        s.reason.term = Some(word.to_string());
        out.push(s);
    }
    let promos = (found >> CONTACT_WORDS.len()).count_ones();
    if promos > 0 {
        out.push(signal(
            "promotion",
            "promotional wording",
            (0.2 * promos as f32).min(0.6),
            SignalKind::Spam,
        ));
    }
    let HashtagCounts { tags, decorated } = hashtag_counts(original);
    if tags >= 3 {
        out.push(signal(
            "hashtags",
            &format!("{tags} hashtags"),
            (0.1 * tags as f32).min(0.45),
            SignalKind::Spam,
        ));
    }
    if decorated > 0 {
        out.push(signal(
            "decorated_hashtag",
            "a hashtag with vowel marks or tatweel",
            0.35,
            SignalKind::Spam,
        ));
    }
    if counts.is_shouting() {
        out.push(signal(
            "shouting",
            "mostly capital letters",
            0.15,
            SignalKind::Abuse,
        ));
    }
    if counts.longest_run >= 8 {
        out.push(signal(
            "repeated_characters",
            "a long run of one character",
            0.15,
            SignalKind::Spam,
        ));
    }
    let ornaments = counts.ornaments;
    if ornaments >= 4 {
        out.push(signal(
            "ornaments",
            &format!("{ornaments} box-drawing or ornament characters"),
            0.3,
            SignalKind::Spam,
        ));
    }
    let emoji = counts.emoji;
    if emoji >= 12 {
        out.push(signal(
            "emoji_flood",
            &format!("{emoji} emoji"),
            0.2,
            SignalKind::Spam,
        ));
    }
    out
}

pub fn activity_signals(activity: &Activity, author_approved: i64, author_rejected: i64) -> Vec<Signal> {
    let mut out = Vec::new();
    if activity.near_duplicates >= 2 {
        let weight = (0.3 + 0.15 * activity.near_duplicates as f32).min(0.9);
        let detail = format!(
            "the same text was posted {} times recently",
            activity.near_duplicates + 1
        );
        out.push(signal("duplicate", &detail, weight, SignalKind::Spam));
    }
    let burst = activity.recent_by_author.max(activity.recent_by_ip);
    // Alone this never holds a comment (the rate limits handle floods); it tips a text that
    // already looks like spam.
    if burst >= 4 {
        let weight = (0.05 * (burst - 3) as f32).min(0.3);
        out.push(signal(
            "posting_rate",
            &format!("{burst} comments in a few minutes"),
            weight,
            SignalKind::Spam,
        ));
    }
    if author_rejected > author_approved && author_rejected >= 2 {
        out.push(signal(
            "distrusted_author",
            "most of this author's comments were rejected",
            0.3,
            SignalKind::Author,
        ));
    } else if author_approved == 0 {
        out.push(signal(
            "new_author",
            "the author has no approved comment yet",
            0.05,
            SignalKind::Author,
        ));
    }
    out
}

/// A SimHash of the text's word pairs, as two 32-bit halves. Texts that differ in a word or
/// two (a changed number, an added greeting) keep most pairs, so at least one half usually
/// survives; unrelated texts share a half by chance about once in four billion.
pub fn fingerprints(text: &str) -> [u32; 2] {
    let normalized = super::normalize::normalize(text).text;
    // Numbers and links change from copy to copy of the same spam; the words around them don't.
    let words: Vec<&str> = normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    let mut votes = [0i32; 64];
    let mut add = |h: u64| {
        for (bit, vote) in votes.iter_mut().enumerate() {
            *vote += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    if words.len() < 2 {
        words.iter().for_each(|w| add(fnv1a(w.as_bytes(), 0)));
    } else {
        words
            .windows(2)
            .for_each(|pair| add(fnv1a(pair[1].as_bytes(), fnv1a(pair[0].as_bytes(), 0))));
    }
    let hash = votes
        .iter()
        .enumerate()
        .fold(0u64, |h, (bit, v)| if *v > 0 { h | 1 << bit } else { h });
    [(hash >> 32) as u32, hash as u32]
}

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn signal(code: &str, detail: &str, weight: f32, kind: SignalKind) -> Signal {
    Signal {
        reason: Reason {
            code: code.into(),
            detail: detail.into(),
            span: None,
            term: None,
        },
        weight,
        kind,
    }
}

pub fn count_links(text: &str) -> usize {
    // Only the words holding a link mark are looked at: every test below needs one, and the
    // '.' that ends a sentence is not one.
    words_holding(text, [b'.', b':'], link_mark)
        .filter(|w| {
            // Lowered only when it has a capital (most words around a '.' are plain).
            let w: std::borrow::Cow<'_, str> = if w.bytes().any(|b| b.is_ascii_uppercase()) {
                w.to_ascii_lowercase().into()
            } else {
                (*w).into()
            };
            w.contains("http://") || w.contains("https://") || w.starts_with("www.") || looks_like_domain(&w)
        })
        .count()
}

/// Whether the '.' or ':' at byte `p` of `b` is where a link can show: followed by a letter,
/// a digit or '/' (`x.com`, `http://`), or the '.' after "www". Each test of [`count_links`]
/// needs one: `http://` and `https://` have ":/", `www.` its '.', and a domain the '.'
/// before its top-level name.
fn link_mark(b: &[u8], p: usize) -> bool {
    b.get(p + 1)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'/')
        || p >= 3 && b[p - 3..p].eq_ignore_ascii_case(b"www")
}

/// The whitespace-separated words (as `split_whitespace` cuts them) holding one of the ASCII
/// bytes `needles` (in UTF-8 always its character) where `wanted(bytes, position)`, each
/// once. Found by a vectorized byte search rather than by splitting the whole text: most
/// comments have no link and no tag, and those that do have few.
fn words_holding(
    text: &str,
    needles: [u8; 2],
    wanted: impl Fn(&[u8], usize) -> bool,
) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut from = 0;
    memchr::memchr2_iter(needles[0], needles[1], b).filter_map(move |p| {
        if p < from || !wanted(b, p) {
            return None;
        }
        let (start, end) = word_around(text, from, p);
        from = end;
        Some(&text[start..end])
    })
}

/// The bytes `[start, end)` of the whitespace-separated word (as `split_whitespace` cuts
/// them) that holds byte `at`; the word starts at or after `from`, a word boundary.
fn word_around(text: &str, from: usize, at: usize) -> (usize, usize) {
    let start = text[from..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(from, |(k, space)| from + k + space.len_utf8());
    let end = text[at..]
        .find(char::is_whitespace)
        .map_or(text.len(), |k| at + k);
    (start, end)
}

fn looks_like_domain(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let host = word.split('/').next().unwrap_or("");
    match host.rsplit_once('.') {
        Some((name, tld)) => {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                && matches!(
                    tld,
                    "com"
                        | "net"
                        | "org"
                        | "io"
                        | "co"
                        | "me"
                        | "info"
                        | "biz"
                        | "xyz"
                        | "ly"
                        | "link"
                        | "site"
                        | "online"
                        | "shop"
                        | "top"
                )
        }
        None => false,
    }
}

/// Follows the digits of a text a character at a time, for [`CharCounts::phone`].
#[derive(Default)]
struct PhoneScan {
    digits: usize,
    start: usize,
    end: usize,
    in_gap: bool,
    found: Option<[usize; 2]>,
}

impl PhoneScan {
    #[inline(always)]
    fn push(&mut self, i: usize, c: char) {
        let is_digit = c.is_ascii_digit()
            || ('\u{0660}'..='\u{0669}').contains(&c)
            || ('\u{06F0}'..='\u{06F9}').contains(&c);
        if is_digit {
            if self.digits == 0 {
                self.start = i;
            }
            self.digits += 1;
            self.end = i + 1;
            self.in_gap = false;
        } else if self.digits > 0 && !self.in_gap && matches!(c, ' ' | '-' | '.' | '(' | ')') {
            self.in_gap = true;
        } else if self.digits > 0 {
            self.finish();
            self.digits = 0;
            self.in_gap = false;
        }
    }

    /// The first run long enough is the one reported.
    fn finish(&mut self) {
        if self.digits >= 8 && self.found.is_none() {
            self.found = Some([self.start, self.end]);
        }
    }
}

/// Words written as hashtags (`#` then a letter or digit, any script). A news comment rarely
/// has more than one or two; spam rides trending tags by stuffing several.
pub fn count_hashtags(text: &str) -> usize {
    hashtag_counts(text).tags
}

/// The hashtags of a text, and of them the decorated ones, counted over the words that hold a
/// `#` in one pass.
#[derive(Debug, Default, PartialEq, Eq)]
struct HashtagCounts {
    /// Words written as hashtags: `#` then a letter or digit.
    tags: usize,
    /// Tags whose letters carry vowel marks or tatweel (#الاهلُي_الهلالِ). Nobody vowels a
    /// tag they type; bots riding a trending tag do, so that each post's tag differs and
    /// duplicate and rate limits miss it. Read on the original text: normalization strips
    /// marks.
    decorated: usize,
}

fn hashtag_counts(text: &str) -> HashtagCounts {
    let mut counts = HashtagCounts::default();
    for word in words_holding(text, [b'#'; 2], |_, _| true) {
        let tag = word.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#');
        let Some(after) = tag.strip_prefix('#') else {
            continue;
        };
        counts.tags += usize::from(after.chars().next().is_some_and(char::is_alphanumeric));
        counts.decorated += usize::from(tag.chars().any(is_arabic_decoration));
    }
    counts
}

fn is_arabic_decoration(c: char) -> bool {
    matches!(c as u32, 0x064B..=0x065F | 0x0670 | 0x0640)
}

/// What the signals count character by character, counted in one pass over the text (one
/// pass per count, for plain ASCII).
#[derive(Debug, Default, PartialEq, Eq)]
struct CharCounts {
    /// The first phone number, as its span in scalar values: a run of 8 or more digits
    /// (Arabic-Indic included), with single spaces, dashes, dots or brackets between groups,
    /// how phone numbers appear in comment spam.
    phone: Option<[usize; 2]>,
    /// ASCII letters, and of them capitals.
    letters: usize,
    upper: usize,
    /// The longest run of one character, whitespace skipped ("a a a" is a run of three).
    longest_run: usize,
    ornaments: usize,
    emoji: usize,
}

impl CharCounts {
    /// Mostly capital letters, over enough of them to tell.
    fn is_shouting(&self) -> bool {
        self.letters >= 12 && self.upper * 10 >= self.letters * 8
    }
}

fn char_counts(text: &str) -> CharCounts {
    if text.is_ascii() {
        ascii_char_counts(text.as_bytes())
    } else {
        each_char_counts(text)
    }
}

/// [`char_counts`] of a plain ASCII text (most English comments), a count per tight loop
/// over the bytes: it has no ornament and no emoji, and no phone number under 8 digits.
fn ascii_char_counts(b: &[u8]) -> CharCounts {
    let mut counts = CharCounts {
        letters: b.iter().filter(|c| c.is_ascii_alphabetic()).count(),
        upper: b.iter().filter(|c| c.is_ascii_uppercase()).count(),
        ..CharCounts::default()
    };
    // Spaces skipped, without a branch per byte (a branch on the space was mispredicted at
    // every word's end). `prev` starts as NUL: with `run` at 0, a NUL first byte gives a run
    // of 1 either way.
    let (mut run, mut prev) = (0, 0u8);
    for &c in b {
        let space = is_ascii_space(c);
        let next = if c == prev { run + 1 } else { 1 };
        run = if space { run } else { next };
        prev = if space { prev } else { c };
        counts.longest_run = counts.longest_run.max(run);
    }
    if b.iter().filter(|c| c.is_ascii_digit()).count() >= 8 {
        let mut phone = PhoneScan::default();
        for (i, &c) in b.iter().enumerate() {
            phone.push(i, char::from(c));
        }
        phone.finish();
        counts.phone = phone.found;
    }
    counts
}

/// [`char_counts`] character by character, for any text.
fn each_char_counts(text: &str) -> CharCounts {
    let mut counts = CharCounts::default();
    let mut phone = PhoneScan::default();
    // `prev` starts as no character at all.
    let (mut run, mut prev) = (0, u32::MAX);
    for (i, c) in text.chars().enumerate() {
        phone.push(i, c);
        let u = c as u32;
        // ASCII first: most of most comments, and three comparisons tell all it needs.
        let space = if let Ok(b) = u8::try_from(u)
            && b.is_ascii()
        {
            counts.letters += usize::from(b.is_ascii_alphabetic());
            counts.upper += usize::from(b.is_ascii_uppercase());
            is_ascii_space(b)
        } else {
            counts.ornaments += usize::from(is_ornament(c));
            counts.emoji += usize::from(is_emoji(c));
            c.is_whitespace()
        };
        if space {
            continue;
        }
        run = if u == prev { run + 1 } else { 1 };
        prev = u;
        counts.longest_run = counts.longest_run.max(run);
    }
    phone.finish();
    counts.phone = phone.found;
    counts
}

/// Box-drawing, block and geometric-shape characters, and the Arabic ornaments ۞ and ۩:
/// the frames and dividers of promotional posts (♥▬▬۩۞۩▬▬♥, ╔═╗). People commenting
/// type a heart or a bullet, rarely a row of these.
fn is_ornament(c: char) -> bool {
    matches!(c as u32, 0x2500..=0x25FF | 0x06DE | 0x06E9)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        text_signals(text, &text.to_lowercase())
            .into_iter()
            .map(|s| s.reason.code)
            .collect()
    }

    #[test]
    fn links_phones_and_messenger_handles_are_spam_signals() {
        assert!(codes("زوروا https://x.test و www.y.test").contains(&"links".to_string()));
        assert_eq!(count_links("https://a.test b.com/x c"), 2);
        assert_eq!(
            char_counts("للتواصل واتساب 0100 123 4567 الآن").phone,
            Some([15, 28])
        );
        assert_eq!(char_counts("رقم ٠١٠٠١٢٣٤٥٦٧").phone, Some([4, 15]));
        assert_eq!(char_counts("عام 2026 وفي 1999").phone, None);
        assert!(codes("للتواصل واتساب 0100 123 4567").contains(&"contact_handle".to_string()));
    }

    /// `count_links` as it was: every whitespace-separated word.
    fn count_links_by_words(text: &str) -> usize {
        text.split_whitespace()
            .filter(|w| w.contains(['.', ':']))
            .filter(|w| {
                let w = w.to_ascii_lowercase();
                w.contains("http://")
                    || w.contains("https://")
                    || w.starts_with("www.")
                    || looks_like_domain(&w)
            })
            .count()
    }

    #[test]
    fn links_are_counted_as_over_every_word() {
        for text in [
            "",
            ".",
            "a.com",
            " a.com ",
            "a.com b.com. c:d.org\u{3000}x.io\u{a0}y.net",
            "see HTTP://x.test/a.b and www.",
            "ذهبت إلى موقع.com\u{2003}ثم https://مثال.test",
            "one.two.three.com:80 ..: ::",
            "end.com",
            "é.com\u{85}ü.org",
        ] {
            assert_eq!(count_links(text), count_links_by_words(text), "{text:?}");
        }
    }

    #[test]
    fn hashtag_stuffing_is_a_spam_signal_but_a_tag_or_two_is_not() {
        assert_eq!(count_hashtags("#عاجل #بث_مباشر #الدوري شاهد الان"), 3);
        assert_eq!(
            count_hashtags("C# and F# # #1 ##"),
            1,
            "a tag needs a letter or digit after #"
        );
        assert!(codes("#عاجل #بث_مباشر #الدوري #ترند شاهد الان").contains(&"hashtags".to_string()));
        assert!(!codes("مقال ممتاز #السعودية #مصر").contains(&"hashtags".to_string()));
    }

    #[test]
    fn ornament_dividers_are_a_spam_signal_but_a_bullet_or_two_is_not() {
        assert!(codes("بث مباشر ♥▬▬۩۞۩▬▬♥ الشوط الثاني").contains(&"ornaments".to_string()));
        assert!(!codes("■ اولا القرار خاطئ ■ ثانيا التوقيت").contains(&"ornaments".to_string()));
    }

    #[test]
    fn a_voweled_or_stretched_hashtag_is_a_spam_signal_but_a_plain_one_is_not() {
        let decorated = |t: &str| codes(t).contains(&"decorated_hashtag".to_string());
        assert!(decorated("شاهد الان #الاهلُي_الهلالِ"));
        assert!(decorated("#برشلـــونة مباشر"));
        assert!(!decorated("#الاهلي_الهلال مباراة قوية"));
        assert!(!decorated("قالَ الرئيسُ كلاما جميلا"));
    }

    #[test]
    fn stream_links_and_clickbait_video_are_promotional_wording() {
        assert!(codes("شاهد بالفيديو لحظة الحادث").contains(&"promotion".to_string()));
        assert!(codes("بث مباشر بدون تقطيع").contains(&"promotion".to_string()));
        assert!(!codes("نقلت القناة الخطاب على الهواء").contains(&"promotion".to_string()));
    }

    proptest::proptest! {
        /// The one-pass counts equal each count taken on its own, the plain way.
        #[test]
        fn one_pass_counts_equal_the_counts_taken_one_by_one(
            text in "([0-9٠-٩ .()\\-aA\u{2550}\u{1F602}\u{3000}\t]|[a-z]{1,3}){0,40}"
        ) {
            let counts = char_counts(&text);
            let chars: Vec<char> = text.chars().collect();
            let letters = text.bytes().filter(u8::is_ascii_alphabetic).count();
            let upper = text.bytes().filter(u8::is_ascii_uppercase).count();
            let visible: Vec<char> = chars.iter().copied().filter(|c| !c.is_whitespace()).collect();
            let longest_run = visible
                .chunk_by(|a, b| a == b)
                .map(<[char]>::len)
                .max()
                .unwrap_or(0);
            proptest::prop_assert_eq!((counts.letters, counts.upper), (letters, upper));
            proptest::prop_assert_eq!(counts.longest_run, longest_run);
            proptest::prop_assert_eq!(counts.ornaments, chars.iter().filter(|&&c| is_ornament(c)).count());
            proptest::prop_assert_eq!(counts.emoji, chars.iter().filter(|&&c| is_emoji(c)).count());
        }

        /// The words found through their `#` are the words that hold one.
        #[test]
        fn words_with_a_hash_are_the_words_split_on_whitespace_that_hold_one(
            text in "([a#1 .ـ\u{64e}é\u{3000}\u{a0}\t]|#[a-zب]{1,3}){0,30}"
        ) {
            let by_words: Vec<&str> = text.split_whitespace().filter(|w| w.contains('#')).collect();
            proptest::prop_assert_eq!(words_holding(&text, [b'#'; 2], |_, _| true).collect::<Vec<_>>(), by_words);
        }

        /// The bytewise counts of a plain ASCII text are those of the general path.
        #[test]
        fn ascii_counts_equal_the_counts_character_by_character(
            text in "([0-9 .()\\-aA\t\n]|[a-z]{1,3}|[0-9]{3,4}){0,40}"
        ) {
            proptest::prop_assert_eq!(ascii_char_counts(text.as_bytes()), each_char_counts(&text));
        }
    }

    #[test]
    fn shouting_floods_and_repeats_are_flagged_but_ordinary_text_is_not() {
        assert!(codes("THIS IS A SCANDAL AND A DISGRACE").contains(&"shouting".to_string()));
        assert!(codes("هههههههههههه").contains(&"repeated_characters".to_string()));
        assert!(codes(&"😂".repeat(15)).contains(&"emoji_flood".to_string()));
        assert!(codes("مقال ممتاز عن القمة العربية في الرياض، شكراً للكاتب").is_empty());
        assert!(codes("The UN and NATO met in Geneva on 12 May 2026.").is_empty());
    }

    #[test]
    fn near_duplicates_share_a_fingerprint_half_and_unrelated_texts_do_not() {
        let a = fingerprints("للتواصل واتساب 0100 123 4567 خصومات كبيرة على جميع المنتجات اليوم فقط");
        let b = fingerprints("للتواصل واتساب 0111 999 8888 خصومات كبيرة على جميع المنتجات اليوم فقط");
        let c = fingerprints("مقال ممتاز عن القمة العربية في الرياض وشكراً للكاتب على التحليل");
        assert_eq!(a, b, "only the number changed");
        assert!(a[0] != c[0] && a[1] != c[1]);
    }

    #[test]
    fn activity_becomes_signals_only_past_its_thresholds() {
        let calm = Activity {
            recent_by_author: 1,
            recent_by_ip: 1,
            near_duplicates: 0,
        };
        assert!(activity_signals(&calm, 5, 0).is_empty());
        let busy = Activity {
            recent_by_author: 6,
            recent_by_ip: 6,
            near_duplicates: 3,
        };
        let codes: Vec<_> = activity_signals(&busy, 5, 0)
            .into_iter()
            .map(|s| s.reason.code)
            .collect();
        assert_eq!(codes, ["duplicate", "posting_rate"]);
        let codes: Vec<_> = activity_signals(&calm, 0, 4)
            .into_iter()
            .map(|s| s.reason.code)
            .collect();
        assert_eq!(codes, ["distrusted_author"]);
    }
}
