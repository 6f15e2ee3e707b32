//! PostgreSQL's `COPY … FROM STDIN` text format, shared by the importer and the projections' bulk
//! loads: fields separated by tabs, rows ended by line breaks, `\N` for null.

use sqlx::PgConnection;

/// COPY data is sent in pieces of about this size, so the server parses while the rest is built.
const CHUNK: usize = 1 << 20;

/// Runs `statement` (a `COPY … FROM STDIN`) with one line per item, `write_row` writing each
/// (fields with [`push_text`] and [`push_null`], tab-separated, without the line break). Items are
/// taken as the copy goes, so deriving them overlaps with the server storing the ones before.
pub async fn copy_rows<T>(
    connection: &mut PgConnection,
    statement: &str,
    items: impl IntoIterator<Item = T>,
    mut write_row: impl FnMut(&mut String, T),
) -> Result<(), sqlx::Error> {
    let mut copy = connection.copy_in_raw(statement).await?;
    let mut buffer = String::with_capacity(CHUNK + (CHUNK >> 2));
    for item in items {
        write_row(&mut buffer, item);
        buffer.push('\n');
        if buffer.len() >= CHUNK {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Appends `text` as one field: backslash, tab and line breaks escaped, the rest copied as is.
pub fn push_text(buffer: &mut String, text: &str) {
    let mut rest = text;
    // Runs without special characters are copied whole: most fields have none.
    while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
        buffer.push_str(&rest[..at]);
        buffer.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    buffer.push_str(rest);
}

/// Appends a null field.
pub fn push_null(buffer: &mut String) {
    buffer.push_str("\\N");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_and_the_rest_kept() {
        let mut buffer = String::new();
        push_text(&mut buffer, "a\\b\tc\nd\re 王\\");
        assert_eq!(buffer, "a\\\\b\\tc\\nd\\re 王\\\\");
        buffer.clear();
        push_text(&mut buffer, "plain");
        push_null(&mut buffer);
        assert_eq!(buffer, "plain\\N");
    }
}
