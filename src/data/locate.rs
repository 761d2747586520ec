//! Finding where a field path points in JSON text, to give line and column for errors found
//! after a value was read (a bad month, a duplicate id, an unknown reference).

use super::Step;

/// The byte offset of the value (or, with `key`, of the key) at `path` in `text`.
pub fn locate(text: &str, path: &[Step], key: bool) -> Option<usize> {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    s.ws();
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match step {
            Step::Field(name) | Step::Key(name) => {
                let key_at = s.find_key(name)?;
                if last && key {
                    return Some(key_at);
                }
            }
            Step::Index(index) => s.find_index(*index)?,
        }
    }
    Some(s.pos)
}

/// The keys of the top-level object, one at a time, without reading the values: `f` is called
/// with each key until it returns `false`. Returns `None` when the text is not an object.
pub fn top_level_keys(text: &str, mut f: impl FnMut(&str) -> bool) -> Option<()> {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    s.ws();
    if s.peek()? != b'{' {
        return None;
    }
    s.pos += 1;
    loop {
        s.ws();
        match s.peek()? {
            b'}' => return Some(()),
            b',' => {
                s.pos += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key = s.string()?;
        if !f(&key) {
            return Some(());
        }
        s.ws();
        if s.peek()? != b':' {
            return None;
        }
        s.pos += 1;
        s.skip_value()?;
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::source::line_col(text, offset)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// At an object: moves to the value of `name` and returns where its key starts.
    fn find_key(&mut self, name: &str) -> Option<usize> {
        if self.peek()? != b'{' {
            return None;
        }
        self.pos += 1;
        loop {
            self.ws();
            match self.peek()? {
                b'}' => return None,
                b',' => {
                    self.pos += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let key_at = self.pos;
            let key = self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.ws();
            if key == name {
                return Some(key_at);
            }
            self.skip_value()?;
        }
    }

    /// At an array: moves to its element `index`.
    fn find_index(&mut self, index: usize) -> Option<()> {
        if self.peek()? != b'[' {
            return None;
        }
        self.pos += 1;
        let mut i = 0;
        loop {
            self.ws();
            match self.peek()? {
                b']' => return None,
                b',' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            if i == index {
                return Some(());
            }
            self.skip_value()?;
            i += 1;
        }
    }

    /// Reads a string, resolving escapes well enough to compare keys.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_string()?;
        serde_json::from_slice(&self.bytes[start..self.pos]).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return Some(()),
                _ => {}
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                None
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}
