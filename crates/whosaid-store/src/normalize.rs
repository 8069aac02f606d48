//! Text folding and hashing shared by speaker keys, alias search and quote grouping.
//!
//! Everything that compares names or quotations across documents goes through [`fold`]:
//! lowercase, accents removed, every run of characters that are not letters or digits
//! turned into one space. "NATO's Jens  Stoltenberg" and "nato s jens stoltenberg" fold
//! alike, and so do a quotation printed with curly quotes and one with straight quotes.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` for comparison: lowercase, accents removed, runs of non-alphanumeric
/// characters collapsed to one space, no leading or trailing space.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            push_lower(c, out);
        } else if !is_combining_mark(c) {
            gap = true;
        }
    };
    if s.is_ascii() {
        s.chars().for_each(|c| push(c, &mut out));
    } else {
        s.nfkd().for_each(|c| push(c, &mut out));
    }
    out
}

/// Pushes `c` lowercased, spelling out the Latin letters that have no decomposition.
fn push_lower(c: char, out: &mut String) {
    let spelled = match c {
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'þ' | 'Þ' => "th",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ł' | 'Ł' => "l",
        'ħ' | 'Ħ' => "h",
        'ı' => "i",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(spelled);
}

/// The words of a folded string.
pub(crate) fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

fn name_suffixes() -> &'static [&'static str] {
    static SUFFIXES: OnceLock<Vec<&'static str>> = OnceLock::new();
    SUFFIXES.get_or_init(|| {
        include_str!("../data/name-suffixes.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// The surname of a folded multi-word personal name: its last word that is not a
/// generational suffix ("jr"). `None` for a single-word name.
pub(crate) fn surname(folded: &str) -> Option<&str> {
    let all: Vec<&str> = words(folded).collect();
    if all.len() < 2 {
        return None;
    }
    let suffixes = name_suffixes();
    let core = all.iter().rposition(|w| !suffixes.contains(w))?;
    (core > 0).then(|| all[core])
}

/// A stable 64-bit hash (FNV-1a) stored in the database; stable across Rust releases
/// and platforms, unlike `std`'s hasher.
pub(crate) fn fnv64(bytes: &[u8]) -> i64 {
    fnv64_parts(&[bytes])
}

/// [`fnv64`] of the concatenation of `parts`, without building it.
fn fnv64_parts<T: AsRef<[u8]>>(parts: &[T]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in parts.iter().flat_map(|p| p.as_ref()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The sorted, deduplicated hashes of the word 3-shingles of a folded text.
pub(crate) fn shingles(folded: &str) -> Vec<i64> {
    let all: Vec<&str> = words(folded).collect();
    let mut out: Vec<i64> = all
        .windows(3)
        .map(|w| fnv64_parts(&[w[0], " ", w[1], " ", w[2]]))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The sizes of the intersection and the union of two sorted sets.
pub(crate) fn overlap(a: &[i64], b: &[i64]) -> (usize, usize) {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (common, a.len() + b.len() - common)
}

/// Whether the Jaccard similarity of two non-empty sorted sets is at least 4/5.
pub(crate) fn jaccard_at_least_080(a: &[i64], b: &[i64]) -> bool {
    let (common, union) = overlap(a, b);
    union > 0 && common * 5 >= union * 4
}

/// How many of a set's smallest elements must be indexed so that any two sets with a
/// Jaccard similarity of at least 4/5 share an indexed element (prefix filtering: such
/// sets overlap in at least ⌈4n/5⌉ elements of each).
pub(crate) fn prefix_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        n - (4 * n).div_ceil(5) + 1
    }
}

/// SHA-256 of some bytes.
pub(crate) fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_cases() {
        let cases = [
            ("Jens Stoltenberg", "jens stoltenberg"),
            ("  JENS   STOLTENBERG. ", "jens stoltenberg"),
            ("José Álvarez-Muñoz", "jose alvarez munoz"),
            ("Łukasz Ørsted Straße", "lukasz orsted strasse"),
            ("“We will win,” she said", "we will win she said"),
            ("\"We will win\", she said", "we will win she said"),
            ("¡!?", ""),
            ("", ""),
            ("ﬁnance", "finance"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn surname_cases() {
        assert_eq!(surname("jens stoltenberg"), Some("stoltenberg"));
        assert_eq!(surname("martin luther king jr"), Some("king"));
        assert_eq!(surname("stoltenberg"), None);
        assert_eq!(surname("jr"), None);
        assert_eq!(surname("iii jr"), None);
        assert_eq!(surname(""), None);
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv64(b""), 0xcbf2_9ce4_8422_2325_u64 as i64);
        assert_eq!(fnv64(b"a"), 0xaf63_dc4c_8601_ec8c_u64 as i64);
        assert_eq!(fnv64_parts(&["a b", " ", "c"]), fnv64(b"a b c"));
    }

    #[test]
    fn shingle_similarity() {
        let a = shingles(&fold(
            "we will not accept any deal that hurts our workers and their families",
        ));
        let b = shingles(&fold(
            "We will not accept any deal that hurts our workers and their families.",
        ));
        let c = shingles(&fold(
            "we will not accept any deal that hurts our farmers and their families",
        ));
        let d = shingles(&fold(
            "the weather will be fine tomorrow across the whole region",
        ));
        assert!(jaccard_at_least_080(&a, &b));
        assert!(
            !jaccard_at_least_080(&a, &c),
            "one word changed in 13 lowers J below 0.8"
        );
        assert!(!jaccard_at_least_080(&a, &d));
        assert!(!jaccard_at_least_080(&[], &[]));
    }

    #[test]
    fn prefix_filter_lengths() {
        assert_eq!(prefix_len(0), 0);
        assert_eq!(prefix_len(1), 1);
        assert_eq!(prefix_len(5), 2);
        assert_eq!(prefix_len(10), 3);
        for n in 1..200usize {
            let need = (4 * n).div_ceil(5);
            assert_eq!(prefix_len(n), n - need + 1);
        }
    }
}
