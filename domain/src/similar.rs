//! 类案 similar cases: how alike two requests are, for the similar-case finder and the hot spots.
//!
//! A score in [0, 1] from four signals, each with the reason it gives:
//! - the same category (`same_category`);
//! - distance, when both have coordinates: full within 30 m, fading to nothing at 300 m (`near`);
//! - the same place: the same normalised address (`same_address`), else the same community
//!   (`same_community`);
//! - the descriptions: Dice similarity of their character bigrams (`similar_text`), which works
//!   for Chinese where words are not separated by spaces.
//!
//! Pure functions over [`Request`]s; no store, no clock.

/// What the finder compares of a case (or of a draft at intake).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub category: String,
    pub street: String,
    pub community: Option<String>,
    /// The address as written; compared after [`normalise_address`].
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub description: String,
}

/// How alike two requests are, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Why two requests look alike.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    SameCategory,
    /// Metres apart.
    Near {
        metres: f64,
    },
    SameAddress,
    SameCommunity,
    /// Dice coefficient of the descriptions' character bigrams.
    SimilarText {
        dice: f64,
    },
}

impl Reason {
    /// The reason as the API lists it: `same_category`, `near:35m`, `same_address`,
    /// `same_community`, `similar_text:0.62`.
    pub fn label(&self) -> String {
        match self {
            Reason::SameCategory => "same_category".into(),
            Reason::Near { metres } => format!("near:{metres:.0}m"),
            Reason::SameAddress => "same_address".into(),
            Reason::SameCommunity => "same_community".into(),
            Reason::SimilarText { dice } => format!("similar_text:{dice:.2}"),
        }
    }
}

/// Weights of the four signals; they add up to 1.
const CATEGORY: f64 = 0.35;
const PLACE: f64 = 0.30;
const TEXT: f64 = 0.35;
/// A place signal: coordinates this close count fully, and nothing from `FAR_M` on.
const NEAR_M: f64 = 30.0;
pub const FAR_M: f64 = 300.0;
/// The same community says less about the place than the same address or coordinates.
const SAME_COMMUNITY: f64 = 0.5;
/// Text below this Dice similarity is not given as a reason (it still counts in the score).
const TEXT_REASON: f64 = 0.2;

/// A request prepared for many comparisons: its normalised address and its bigram set.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub request: Request,
    pub place: Option<String>,
    /// Sorted, each once.
    pub bigrams: Vec<(char, char)>,
}

impl Prepared {
    pub fn new(request: Request) -> Self {
        Prepared {
            place: request.address.as_deref().and_then(normalise_address),
            bigrams: bigrams(&request.description),
            request,
        }
    }

    /// How alike `self` and `other` are.
    pub fn similarity(&self, other: &Prepared) -> Similarity {
        let (a, b) = (&self.request, &other.request);
        let mut score = 0.0;
        let mut reasons = Vec::new();
        if a.category == b.category {
            score += CATEGORY;
            reasons.push(Reason::SameCategory);
        }
        let near = match (a.lat, a.lon, b.lat, b.lon) {
            (Some(lat1), Some(lon1), Some(lat2), Some(lon2)) => {
                let metres = distance_m(lat1, lon1, lat2, lon2);
                let weight = ((FAR_M - metres) / (FAR_M - NEAR_M)).clamp(0.0, 1.0);
                if weight > 0.0 {
                    reasons.push(Reason::Near { metres });
                }
                weight
            }
            _ => 0.0,
        };
        let same_address = self.place.is_some() && self.place == other.place;
        let same_community = a.community.is_some() && a.community == b.community;
        let place = if same_address {
            reasons.push(Reason::SameAddress);
            1.0
        } else if same_community {
            reasons.push(Reason::SameCommunity);
            SAME_COMMUNITY
        } else {
            0.0
        };
        score += PLACE * near.max(place);
        let dice = dice(&self.bigrams, &other.bigrams);
        if dice >= TEXT_REASON {
            reasons.push(Reason::SimilarText { dice });
        }
        score += TEXT * dice;
        Similarity {
            score: score.clamp(0.0, 1.0),
            reasons,
        }
    }
}

/// The character bigrams of `text`'s letters and digits (punctuation and spaces dropped, Latin
/// letters lower-cased), sorted and each once: "路灯不亮" → [不亮, 灯不, 路灯].
pub fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let mut pairs: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Dice coefficient of two bigram sets (as [`bigrams`] gives them): 2|A∩B| / (|A|+|B|), 0 when
/// both are empty. One merge pass over the sorted lists.
pub fn dice(a: &[(char, char)], b: &[(char, char)]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / total as f64
}

/// An address as a key: full-width forms folded to ASCII, spaces and punctuation dropped, Latin
/// letters lower-cased, and Chinese numerals before 号/楼/单元/室 read as digits, so
/// "吉祥胡同１２号" and "吉祥胡同 十二号" are the same place. `None` when nothing is left.
pub fn normalise_address(address: &str) -> Option<String> {
    let folded: String = address
        .chars()
        .map(fold_width)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let normal = chinese_numbers_to_digits(&folded);
    (!normal.is_empty()).then_some(normal)
}

fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Runs of Chinese numerals (一 … 九, 十, 百, 〇/零) become their value in digits.
fn chinese_numbers_to_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if numeral(c).is_some() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut String, out: &mut String) {
    if !run.is_empty() {
        out.push_str(&chinese_value(run).to_string());
        run.clear();
    }
}

fn numeral(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        _ => return None,
    })
}

/// 十二 → 12, 二十 → 20, 一百零五 → 105; digit by digit when there is no 十/百 (一二 → 12).
fn chinese_value(run: &str) -> u64 {
    let values: Vec<u32> = run.chars().filter_map(numeral).collect();
    if !values.iter().any(|v| *v >= 10) {
        return values.iter().fold(0, |n, d| n * 10 + u64::from(*d));
    }
    let (mut total, mut digit) = (0u64, 0u64);
    for v in values {
        match v {
            10 | 100 => {
                total += digit.max(1) * u64::from(v);
                digit = 0;
            }
            d => digit = u64::from(d),
        }
    }
    total + digit
}

/// Great-circle distance in metres (haversine; plenty for a few hundred metres).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(category: &str, address: &str, description: &str) -> Request {
        Request {
            category: category.into(),
            street: "jingshan".into(),
            community: Some("jingshan-jixiang".into()),
            address: Some(address.into()),
            lat: None,
            lon: None,
            description: description.into(),
        }
    }

    #[test]
    fn addresses_normalise_width_spacing_and_numerals() {
        assert_eq!(
            normalise_address("吉祥胡同１２号"),
            normalise_address("吉祥胡同 十二 号")
        );
        assert_eq!(
            normalise_address("一百零五号楼").as_deref(),
            Some("105号楼")
        );
        assert_eq!(normalise_address(" ，。"), None);
    }

    #[test]
    fn chinese_text_is_compared_by_bigrams() {
        let a = bigrams("小区门口路灯不亮，晚上很黑");
        let b = bigrams("门口的路灯坏了不亮");
        let c = bigrams("楼上装修噪声扰民");
        assert!(dice(&a, &b) > 0.3, "{}", dice(&a, &b));
        assert_eq!(dice(&a, &c), 0.0);
    }

    #[test]
    fn the_same_place_and_category_score_high_with_reasons() {
        let a = Prepared::new(request("street_light", "吉祥胡同12号", "门口路灯不亮"));
        let b = Prepared::new(request("street_light", "吉祥胡同十二号", "路灯不亮了很黑"));
        let similar = a.similarity(&b);
        assert!(similar.score > 0.75, "{similar:?}");
        let labels: Vec<String> = similar.reasons.iter().map(Reason::label).collect();
        assert_eq!(labels[..2], ["same_category", "same_address"]);
        assert!(labels[2].starts_with("similar_text:"));
        let other = Prepared::new(request("noise", "景山前街1号", "夜间施工噪声"));
        let unlike = a.similarity(&other);
        assert!(unlike.score < 0.2, "{unlike:?}");
        assert!((0.0..=1.0).contains(&unlike.score));
    }

    #[test]
    fn coordinates_a_few_metres_apart_are_near() {
        let mut a = request("street_light", "甲", "路灯不亮");
        let mut b = request("street_light", "乙", "灯不亮");
        (a.lat, a.lon) = (Some(39.9250), Some(116.3970));
        (b.lat, b.lon) = (Some(39.9251), Some(116.3971));
        a.community = None;
        let similar = Prepared::new(a).similarity(&Prepared::new(b));
        assert!(matches!(similar.reasons[1], Reason::Near { metres } if metres < 20.0));
    }
}
