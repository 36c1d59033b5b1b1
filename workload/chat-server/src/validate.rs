//! Input checks. Each failure is a [`Rejection`] with a specific code, sent back to the client; none of them
//! closes the connection.

use escala_chat_proto::{ErrorCode, Rejection};

/// A room name or nickname: non-empty after trimming, bounded in characters, no control characters (they
/// would corrupt terminals and logs), no leading/trailing whitespace.
fn check_name(kind: &str, code: ErrorCode, value: &str, max_chars: usize) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(Rejection::new(code, format!("{kind} must not be empty")));
    }
    if value.trim() != value {
        return Err(Rejection::new(
            code,
            format!("{kind} must not start or end with whitespace"),
        ));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(Rejection::new(
            code,
            format!("{kind} is {chars} characters long, the limit is {max_chars}"),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Rejection::new(
            code,
            format!("{kind} contains the control character U+{:04X}", c as u32),
        ));
    }
    Ok(())
}

pub fn room(value: &str, max_chars: usize) -> Result<(), Rejection> {
    check_name("room name", ErrorCode::InvalidRoom, value, max_chars)
}

pub fn nick(value: &str, max_chars: usize) -> Result<(), Rejection> {
    check_name("nickname", ErrorCode::InvalidNick, value, max_chars)
}

/// Message text: not blank, bounded in characters. Newlines and tabs are allowed (multi-line messages);
/// other control characters are not.
pub fn text(value: &str, max_chars: usize) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(Rejection::new(
            ErrorCode::EmptyMessage,
            "message text must not be empty",
        ));
    }
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(Rejection::new(
            ErrorCode::MessageTooLong,
            format!("message is {chars} characters long, the limit is {max_chars}"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(Rejection::new(
            ErrorCode::BadPayload,
            format!("message contains the control character U+{:04X}", c as u32),
        ));
    }
    Ok(())
}

/// The sender's own message id: short and printable, it is echoed to every receiver.
pub fn cid(value: Option<&str>) -> Result<(), Rejection> {
    match value {
        Some(v) if v.len() > 64 || v.chars().any(char::is_control) => Err(Rejection::new(
            ErrorCode::BadPayload,
            "cid must be at most 64 printable bytes",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_reject_control_characters_blank_and_long_names() {
        assert!(room("lobby", 32).is_ok());
        assert!(room("café ☕", 32).is_ok());
        assert_eq!(
            room("a\u{7}b", 32).unwrap_err().code,
            ErrorCode::InvalidRoom
        );
        assert_eq!(room("a\nb", 32).unwrap_err().code, ErrorCode::InvalidRoom);
        assert_eq!(room("   ", 32).unwrap_err().code, ErrorCode::InvalidRoom);
        assert_eq!(room(" x", 32).unwrap_err().code, ErrorCode::InvalidRoom);
        assert_eq!(
            room(&"r".repeat(33), 32).unwrap_err().code,
            ErrorCode::InvalidRoom
        );
    }

    #[test]
    fn text_limits_are_in_characters() {
        assert!(text(&"é".repeat(10), 10).is_ok());
        assert_eq!(
            text(&"é".repeat(11), 10).unwrap_err().code,
            ErrorCode::MessageTooLong
        );
        assert_eq!(text(" \n ", 10).unwrap_err().code, ErrorCode::EmptyMessage);
        assert!(text("two\nlines", 10).is_ok());
        assert_eq!(
            text("bell\u{7}", 10).unwrap_err().code,
            ErrorCode::BadPayload
        );
    }
}
