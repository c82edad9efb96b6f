//! HCL text for the writer: blocks whose attributes line up as `hclwrite`
//! (and so Atlas) lines them up, quoted strings with every escape HCL needs,
//! and references to other blocks.

/// One line (or nested block) of a block's body.
enum Item {
    Attr(String, String),
    Block(Block),
    Comment(String),
}

/// A block: its type, its labels and its body, in the order written.
pub(super) struct Block {
    kind: String,
    labels: Vec<String>,
    items: Vec<Item>,
}

impl Block {
    /// An empty block `kind "label" … {}`.
    pub(super) fn new(kind: &str, labels: &[&str]) -> Block {
        Block { kind: kind.to_string(), labels: labels.iter().map(|l| l.to_string()).collect(), items: Vec::new() }
    }

    /// Adds `key = value`; `value` is an HCL expression, already rendered.
    pub(super) fn attr(&mut self, key: &str, value: impl Into<String>) {
        self.items.push(Item::Attr(key.to_string(), value.into()));
    }

    /// Adds a nested block.
    pub(super) fn child(&mut self, block: Block) {
        self.items.push(Item::Block(block));
    }

    /// Adds a `# comment` line (line breaks become spaces).
    pub(super) fn comment(&mut self, text: &str) {
        self.items.push(Item::Comment(text.replace(['\r', '\n'], " ")));
    }

    /// Appends the block at `depth` levels of indentation to `out`.
    pub(super) fn render(&self, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        out.push_str(&pad);
        out.push_str(&self.kind);
        for label in &self.labels {
            out.push(' ');
            out.push_str(&string(label));
        }
        out.push_str(" {\n");
        let inner = "  ".repeat(depth + 1);
        let mut i = 0;
        while i < self.items.len() {
            match &self.items[i] {
                Item::Attr(..) => {
                    // A run of attributes aligns its `=` signs.
                    let run: Vec<(&str, &str)> = self.items[i..]
                        .iter()
                        .map_while(|item| match item {
                            Item::Attr(k, v) => Some((k.as_str(), v.as_str())),
                            _ => None,
                        })
                        .collect();
                    let width = run.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
                    for (key, value) in &run {
                        out.push_str(&format!("{inner}{key:<width$} = {value}\n"));
                    }
                    i += run.len();
                }
                Item::Block(block) => {
                    block.render(depth + 1, out);
                    i += 1;
                }
                Item::Comment(text) => {
                    out.push_str(&format!("{inner}# {text}\n"));
                    i += 1;
                }
            }
        }
        out.push_str(&pad);
        out.push_str("}\n");
    }
}

/// A quoted HCL string holding exactly `s`: quotes, backslashes and control
/// characters escaped, and the template sequences `${` and `%{` written
/// `$${` and `%%{` so that they are not interpolations or directives.
pub(super) fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string that may span lines: a heredoc (`<<-SQL`, its lines indented
/// under an attribute of a top-level block) when it holds a line break and
/// reads back as `s` (or, `trimmed`, as `s` once the reader trims it: a
/// heredoc ends with a line break), else a quoted string.
pub(super) fn text(s: &str, trimmed: bool) -> String {
    if s.contains('\n')
        && let Some(h) = heredoc(s)
        && let Some(back) = evaluated(&format!("x = {h}\n"))
        && (back == s || (trimmed && back.trim() == s))
    {
        return h;
    }
    string(s)
}

/// `sql(…)` of a text that may span lines ([`text`], trimmed).
pub(super) fn sql_text(s: &str) -> String {
    let t = text(s, true);
    if t.starts_with("<<") { format!("sql({t}\n  )") } else { format!("sql({t})") }
}

fn heredoc(s: &str) -> Option<String> {
    let body = s.strip_suffix('\n').unwrap_or(s);
    if body.contains('\r') || body.lines().any(|l| l.trim() == "SQL") {
        return None;
    }
    let mut out = String::from("<<-SQL\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(&line.replace("${", "$${").replace("%{", "%%{"));
        }
        out.push('\n');
    }
    out.push_str("  SQL");
    Some(out)
}

/// The value of the attribute `x` of `text` as the reader evaluates it (the
/// argument of `sql(…)`); `None` when it is no string.
fn evaluated(text: &str) -> Option<String> {
    use hcl::eval::Evaluate;
    let body = hcl::edit::parser::parse_body(text).ok()?;
    let attr = body.get_attribute("x")?;
    let expr = match &attr.value {
        hcl::edit::expr::Expression::FuncCall(call) => call.args.get(0)?.clone(),
        other => other.clone(),
    };
    let converted: hcl::Expression = expr.into();
    match converted.evaluate(&hcl::eval::Context::new()).ok()? {
        hcl::Value::String(s) => Some(s),
        _ => None,
    }
}

/// `sql("…")`: raw SQL, taken as it is.
pub(super) fn sql(text: &str) -> String {
    format!("sql({})", string(text))
}

/// True for a name written bare in a reference (`column.id`): ASCII letters,
/// digits and underscores, not starting with a digit. Others are written as
/// an index (`column["first name"]`), as Atlas does.
pub(super) fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One step of a reference: `.name`, or `["name"]` for a name that is not an identifier.
pub(super) fn step(name: &str) -> String {
    if is_ident(name) { format!(".{name}") } else { format!("[{}]", string(name)) }
}

/// `root.a.b`, each name a [`step`].
pub(super) fn reference(root: &str, names: &[&str]) -> String {
    let mut out = root.to_string();
    for name in names {
        out.push_str(&step(name));
    }
    out
}

/// `[a, b]`.
pub(super) fn list<I: IntoIterator<Item = String>>(items: I) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

/// `value` as an identifier when it is one (`InnoDB`, `CASCADED`), else as a string.
pub(super) fn ident_or_string(value: &str) -> String {
    if is_ident(value) { value.to_string() } else { string(value) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `s` as hcl-rs reads it back from `x = s`.
    fn read_back(expr: &str) -> String {
        let body: hcl::Body = hcl::from_str(&format!("x = {expr}\n")).unwrap();
        let attr = body.attributes().next().unwrap();
        match attr.expr() {
            hcl::Expression::String(s) => s.clone(),
            other => panic!("not a plain string: {other:?}"),
        }
    }

    #[test]
    fn strings_escape_quotes_backslashes_controls_and_templates() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(string("l1\nl2\r\tx\u{1}"), "\"l1\\nl2\\r\\tx\\u0001\"");
        assert_eq!(string("${x} %{if} $x %x {x}"), "\"$${x} %%{if} $x %x {x}\"");
        assert_eq!(string("$${x}"), "\"$$${x}\"");
        for s in [
            "plain",
            "a\"b\\c",
            "l1\nl2\r\tx\u{1}",
            "${x} %{if} $x %x {x}",
            "$${x}",
            "%%{y}",
            "$",
            "x$",
            "{}",
            "'quoted' \"double\" `back`",
            "é ü 😀",
        ] {
            assert_eq!(read_back(&string(s)), s, "{s:?} as {}", string(s));
        }
    }

    #[test]
    fn texts_spanning_lines_are_heredocs_that_read_back() {
        for (s, trimmed) in [
            ("\nBEGIN\n  RETURN NEW;\nEND;\n", false),
            ("BEGIN\n  x := '${y}' || '%{z}';\n\n  RETURN NEW;\nEND", true),
            ("CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $function$select 1$function$", true),
        ] {
            let t = text(s, trimmed);
            assert!(t.starts_with("<<-SQL\n"), "{t}");
            let back = evaluated(&format!("x = {t}\n")).unwrap();
            assert_eq!(if trimmed { back.trim() } else { &back }, s);
            let wrapped = sql_text(s);
            let back = evaluated(&format!("x = {wrapped}\n")).unwrap();
            assert_eq!(back.trim(), s.trim(), "{wrapped}");
        }
        // Not exactly a heredoc (its common indentation would be taken off): a quoted string.
        assert_eq!(text("  indented\n    more\n", false), "\"  indented\\n    more\\n\"");
        assert_eq!(text("a\nb", false), "\"a\\nb\"");
        assert_eq!(text("a\r\nb\n", false), "\"a\\r\\nb\\n\"");
        assert_eq!(text("one line", true), "\"one line\"");
    }

    #[test]
    fn references_index_names_that_are_not_identifiers() {
        assert!(is_ident("id") && is_ident("_x1") && is_ident("Users"));
        assert!(!is_ident("") && !is_ident("1a") && !is_ident("first name") && !is_ident("a-b") && !is_ident("é"));
        assert_eq!(reference("column", &["id"]), "column.id");
        assert_eq!(reference("table", &["my schema", "t"]), "table[\"my schema\"].t");
        assert_eq!(reference("column", &["a\"b"]), "column[\"a\\\"b\"]");
        let body: hcl::Body = hcl::from_str("x = table[\"my schema\"].t.column[\"a b\"]\n").unwrap();
        assert!(matches!(body.attributes().next().unwrap().expr(), hcl::Expression::Traversal(_)));
    }

    #[test]
    fn blocks_align_runs_of_attributes() {
        let mut b = Block::new("foreign_key", &["fk"]);
        b.attr("columns", "[column.team_id]");
        b.attr("ref_columns", "[table.teams.column.id]");
        let mut on = Block::new("on", &[]);
        on.attr("column", "column.x");
        b.child(on);
        b.attr("on_delete", "CASCADE");
        b.comment("a\nb");
        let mut out = String::new();
        b.render(1, &mut out);
        assert_eq!(
            out,
            "  foreign_key \"fk\" {\n    columns     = [column.team_id]\n    ref_columns = [table.teams.column.id]\n    \
             on {\n      column = column.x\n    }\n    on_delete = CASCADE\n    # a b\n  }\n"
        );
        let mut out = String::new();
        Block::new("schema", &["a \"b\""]).render(0, &mut out);
        assert_eq!(out, "schema \"a \\\"b\\\"\" {\n}\n");
    }
}
