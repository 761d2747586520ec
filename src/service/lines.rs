//! Places in a text as editors count them: 0-based lines and UTF-16 columns (the Language
//! Server Protocol's default), and back to byte offsets.

use serde::Serialize;

/// A place in a file: 0-based line, and column in UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

/// A range of a file, as editors count (`start`, `end`) and as byte offsets into the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
    pub start_byte: usize,
    pub end_byte: usize,
}

/// Where each line of a text starts.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text, moved back to a character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = crate::source::char_start(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        let start = crate::source::char_start(text, start);
        let end = crate::source::char_start(text, end.max(start));
        Range {
            start: self.position(text, start),
            end: self.position(text, end),
            start_byte: start,
            end_byte: end,
        }
    }

    /// The byte offset of a position; a line or column past the end is clamped.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The range that covers the whole text.
    pub fn whole(&self, text: &str) -> Range {
        self.range(text, 0, text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units() {
        let text = "a\n€x😀y\n";
        let lines = LineIndex::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(
            lines.position(text, y),
            Position {
                line: 1,
                character: 4
            }
        );
        assert_eq!(
            lines.offset(
                text,
                Position {
                    line: 1,
                    character: 4
                }
            ),
            y
        );
        assert_eq!(
            lines.offset(
                text,
                Position {
                    line: 9,
                    character: 0
                }
            ),
            text.len()
        );
        assert_eq!(
            lines.offset(
                text,
                Position {
                    line: 0,
                    character: 99
                }
            ),
            1
        );
    }
}
