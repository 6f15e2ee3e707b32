//! CSRF tokens: one random token per session, compared in constant time.

use crate::tokens::random_hex;

/// Whether the token a form carried is the session's; takes the same time wherever the two differ.
/// An empty expected token matches nothing.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    if expected.is_empty() || expected.len() != given.len() {
        return false;
    }
    let difference = expected
        .iter()
        .zip(given)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    std::hint::black_box(difference) == 0
}

/// A fresh token: 32 random bytes as hex.
pub(crate) fn new_token() -> String {
    random_hex(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert!(csrf_matches(&token, &token.clone()));
        let mut last_changed = token.clone();
        let last = if token.ends_with('0') { "1" } else { "0" };
        last_changed.replace_range(63.., last);
        assert!(!csrf_matches(&token, &last_changed));
        assert!(!csrf_matches(&token, &token[..63]));
        assert!(!csrf_matches(&token, ""));
        assert!(!csrf_matches(&token, &new_token()));
    }

    #[test]
    fn an_empty_expected_token_matches_nothing() {
        assert!(!csrf_matches("", ""));
        assert!(!csrf_matches("", "x"));
    }
}
