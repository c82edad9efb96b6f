//! The SQL text of triggers and PostgreSQL functions, as schema HCL reads and
//! writes them: their parts ([`TriggerSql`], [`FunctionSql`]), read out of
//! the definition the model keeps and rendered back into one.
//!
//! The model keeps a trigger's (and a function's) whole definition as the
//! database prints it: PostgreSQL's `pg_get_triggerdef` and
//! `pg_get_functiondef`, the statement Strata's MySQL inspection builds, and
//! SQLite's stored text. The writer writes Atlas's structured form only when
//! the parts read out of a definition render back to exactly that text (so
//! nothing was missed); else the whole definition, `as = sql("CREATE …")`.
//! The reader renders the structured form with every name quoted, which the
//! database then prints its own way (PostgreSQL, MySQL) or keeps as written
//! (SQLite: the structured form there is the text Strata renders).

/// A piece of a definition's text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A bare word, as written.
    Word(String),
    /// A quoted identifier, unquoted.
    Name(String),
    /// A string literal.
    Str,
    /// Any other character.
    Punct(char),
}

/// A token and its byte range.
#[derive(Debug, Clone)]
struct Lexed {
    tok: Tok,
    start: usize,
    end: usize,
}

impl Lexed {
    fn is(&self, word: &str) -> bool {
        matches!(&self.tok, Tok::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    /// The identifier: a bare word or a quoted name, and whether it was quoted.
    fn ident(&self) -> Option<(String, bool)> {
        match &self.tok {
            Tok::Word(w) => Some((w.clone(), false)),
            Tok::Name(n) => Some((n.clone(), true)),
            _ => None,
        }
    }
}

/// The tokens of `text` (comments skipped); `None` when a quote is not closed.
fn lex(text: &str) -> Option<Vec<Lexed>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next()?;
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if text[i..].starts_with("--") {
            i = text[i..].find('\n').map_or(text.len(), |n| i + n);
            continue;
        }
        if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map(|n| i + 2 + n + 2)?;
            continue;
        }
        let close = match c {
            '"' => Some('"'),
            '`' => Some('`'),
            '[' => Some(']'),
            '\'' => Some('\''),
            _ => None,
        };
        if let Some(close) = close {
            let mut value = String::new();
            let mut j = i + 1;
            loop {
                let d = text.get(j..)?.chars().next()?;
                j += d.len_utf8();
                if d == close {
                    // A doubled quote is one quote (not inside `[…]`).
                    if close != ']' && bytes.get(j) == Some(&(close as u8)) {
                        value.push(d);
                        j += 1;
                        continue;
                    }
                    break;
                }
                value.push(d);
            }
            let tok = if c == '\'' { Tok::Str } else { Tok::Name(value) };
            out.push(Lexed { tok, start, end: j });
            i = j;
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let len =
                text[i..].find(|d: char| !(d.is_alphanumeric() || d == '_' || d == '$')).unwrap_or(text.len() - i);
            out.push(Lexed { tok: Tok::Word(text[i..i + len].to_string()), start, end: i + len });
            i += len;
            continue;
        }
        out.push(Lexed { tok: Tok::Punct(c), start, end: i + c.len_utf8() });
        i += c.len_utf8();
    }
    Some(out)
}

/// A cursor over tokens.
struct Cursor<'t> {
    toks: &'t [Lexed],
    at: usize,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<&'t Lexed> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<&'t Lexed> {
        let t = self.toks.get(self.at)?;
        self.at += 1;
        Some(t)
    }

    /// Takes the keyword `word`, if it is next.
    fn eat(&mut self, word: &str) -> bool {
        let yes = self.peek().is_some_and(|t| t.is(word));
        if yes {
            self.at += 1;
        }
        yes
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let yes = self.peek().is_some_and(|t| t.is_punct(c));
        if yes {
            self.at += 1;
        }
        yes
    }

    fn ident(&mut self) -> Option<(String, bool)> {
        let id = self.peek()?.ident()?;
        self.at += 1;
        Some(id)
    }

    /// `name` or `schema.name`.
    fn qualified(&mut self) -> Option<(Option<String>, String)> {
        let (first, _) = self.ident()?;
        if self.eat_punct('.') {
            let (second, _) = self.ident()?;
            return Some((Some(first), second));
        }
        Some((None, first))
    }

    /// The index of the `)` closing the `(` at the cursor, which is taken.
    fn close_paren(&mut self) -> Option<usize> {
        if !self.eat_punct('(') {
            return None;
        }
        let mut depth = 1usize;
        while let Some(t) = self.next() {
            if t.is_punct('(') {
                depth += 1;
            } else if t.is_punct(')') {
                depth -= 1;
                if depth == 0 {
                    return Some(self.at - 1);
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------- names

/// How names are quoted when a definition is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Quoting {
    /// As the database prints them (PostgreSQL quotes a name only when it
    /// needs to; Strata's MySQL inspection always; SQLite as Strata renders it).
    Printed,
    /// Always quoted: what the reader renders.
    Always,
}

/// `name` quoted for `dialect`.
pub(super) fn quote(dialect: &str, name: &str, quoting: Quoting) -> String {
    match dialect {
        "mysql" => format!("`{}`", name.replace('`', "``")),
        "postgres" if quoting == Quoting::Printed && pg_plain(name) => name.to_string(),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// True for a name PostgreSQL's `quote_identifier` may print bare: lower-case
/// letters, digits and `_`, not starting with a digit. (A keyword is printed
/// quoted; rendered bare here, it then differs from the printed text, and the
/// definition is written whole.)
fn pg_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn qualified(dialect: &str, schema: Option<&str>, name: &str, quoting: Quoting) -> String {
    match schema {
        Some(s) => format!("{}.{}", quote(dialect, s, quoting), quote(dialect, name, quoting)),
        None => quote(dialect, name, quoting),
    }
}

// ---------------------------------------------------------------- triggers

/// An event a trigger fires on: `INSERT`, `UPDATE` (with its `OF` columns), `DELETE` or `TRUNCATE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Event {
    pub kind: &'static str,
    pub columns: Vec<String>,
}

/// The parts of a `CREATE TRIGGER` statement that Atlas's `trigger` block holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TriggerSql {
    pub name: String,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: &'static str,
    pub events: Vec<Event>,
    /// The table's schema qualifier, if written, and its name.
    pub table: (Option<String>, String),
    /// `FOR EACH ROW` (else `FOR EACH STATEMENT`, PostgreSQL).
    pub row: bool,
    /// The `WHEN` condition: PostgreSQL's inside its parentheses, SQLite's as written.
    pub when: Option<String>,
    /// PostgreSQL: the function executed (schema qualifier, if written, and name).
    pub function: Option<(Option<String>, String)>,
    /// MySQL and SQLite: the statement after the head (SQLite's `BEGIN … END`).
    pub body: Option<String>,
}

/// The events in the order PostgreSQL prints them.
pub(super) const EVENTS: [&str; 4] = ["INSERT", "DELETE", "UPDATE", "TRUNCATE"];

/// `def` read as [`TriggerSql`], in the shape [`render_trigger`] renders for
/// `dialect`; `None` for anything else.
pub(super) fn parse_trigger(dialect: &str, def: &str) -> Option<TriggerSql> {
    let toks = lex(def)?;
    let mut c = Cursor { toks: &toks, at: 0 };
    if !(c.eat("CREATE") && c.eat("TRIGGER")) {
        return None;
    }
    let (name, _) = c.ident()?;
    let timing = if c.eat("BEFORE") {
        "BEFORE"
    } else if c.eat("AFTER") {
        "AFTER"
    } else if c.eat("INSTEAD") && c.eat("OF") {
        "INSTEAD OF"
    } else {
        return None;
    };
    let mut events = Vec::new();
    loop {
        let kind = EVENTS.into_iter().find(|e| c.peek().is_some_and(|t| t.is(e)))?;
        c.next();
        let mut columns = Vec::new();
        if kind == "UPDATE" && c.eat("OF") {
            loop {
                columns.push(c.ident()?.0);
                if !c.eat_punct(',') {
                    break;
                }
            }
        }
        events.push(Event { kind, columns });
        if !c.eat("OR") {
            break;
        }
    }
    if !c.eat("ON") {
        return None;
    }
    let table = c.qualified()?;
    if !(c.eat("FOR") && c.eat("EACH")) {
        return None;
    }
    let row = if c.eat("ROW") {
        true
    } else if dialect == "postgres" && c.eat("STATEMENT") {
        false
    } else {
        return None;
    };
    let mut t = TriggerSql { name, timing, events, table, row, when: None, function: None, body: None };
    match dialect {
        "postgres" => {
            if c.eat("WHEN") {
                let open = c.peek()?.end;
                let close = c.close_paren()?;
                t.when = Some(def.get(open..toks.get(close)?.start)?.to_string());
            }
            if !(c.eat("EXECUTE") && c.eat("FUNCTION")) {
                return None;
            }
            t.function = Some(c.qualified()?);
            c.close_paren()?;
            if c.peek().is_some() {
                return None;
            }
        }
        "sqlite" => {
            if c.eat("WHEN") {
                let from = c.peek()?.start;
                let mut depth = 0i64;
                while let Some(tok) = c.peek() {
                    if depth == 0 && tok.is("BEGIN") {
                        break;
                    }
                    if tok.is_punct('(') {
                        depth += 1;
                    } else if tok.is_punct(')') {
                        depth -= 1;
                    }
                    c.next();
                }
                t.when = Some(def.get(from..c.peek()?.start)?.trim_end().to_string());
            }
            if !c.peek()?.is("BEGIN") {
                return None;
            }
            t.body = Some(def.get(c.peek()?.start..)?.to_string());
        }
        _ => t.body = Some(def.get(c.peek()?.start..)?.to_string()),
    }
    Some(t)
}

/// The `CREATE TRIGGER` statement of `t` for `dialect`.
pub(super) fn render_trigger(dialect: &str, t: &TriggerSql, quoting: Quoting) -> String {
    let q = |name: &str| quote(dialect, name, quoting);
    let mut events: Vec<&Event> = t.events.iter().collect();
    events.sort_by_key(|e| EVENTS.iter().position(|k| *k == e.kind));
    let events: Vec<String> = events
        .iter()
        .map(|e| match e.columns.as_slice() {
            [] => e.kind.to_string(),
            columns => format!("{} OF {}", e.kind, columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")),
        })
        .collect();
    let mut out = format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH {}",
        q(&t.name),
        t.timing,
        events.join(" OR "),
        qualified(dialect, t.table.0.as_deref(), &t.table.1, quoting),
        if t.row { "ROW" } else { "STATEMENT" }
    );
    match dialect {
        "postgres" => {
            if let Some(when) = &t.when {
                out.push_str(&format!(" WHEN ({when})"));
            }
            if let Some((schema, name)) = &t.function {
                out.push_str(&format!(" EXECUTE FUNCTION {}()", qualified(dialect, schema.as_deref(), name, quoting)));
            }
        }
        _ => {
            if let Some(when) = &t.when {
                out.push_str(&format!(" WHEN {when}"));
            }
            if let Some(body) = &t.body {
                out.push(' ');
                out.push_str(body);
            }
        }
    }
    out
}

/// The name a `CREATE TRIGGER` statement creates and whether it was quoted;
/// `None` when `def` is no such statement.
pub(super) fn trigger_name(def: &str) -> Option<(String, bool)> {
    let toks = lex(def)?;
    let mut c = Cursor { toks: &toks, at: 0 };
    if !c.eat("CREATE") {
        return None;
    }
    if c.eat("OR") && !c.eat("REPLACE") {
        return None;
    }
    let _ = c.eat("TEMP") || c.eat("TEMPORARY");
    let _ = c.eat("CONSTRAINT");
    if !c.eat("TRIGGER") {
        return None;
    }
    if c.eat("IF") && !(c.eat("NOT") && c.eat("EXISTS")) {
        return None;
    }
    let first = c.ident()?;
    if c.eat_punct('.') {
        return c.ident();
    }
    Some(first)
}

// ---------------------------------------------------------------- PostgreSQL functions

/// PostgreSQL's pseudo-types, written bare as a function's argument or return type.
pub(super) const PSEUDO_TYPES: &[&str] = &[
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "cstring",
    "event_trigger",
    "internal",
    "record",
    "trigger",
    "void",
];

/// An argument of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Arg {
    /// `OUT`, `INOUT` or `VARIADIC` (`None`: `IN`).
    pub mode: Option<String>,
    pub name: Option<String>,
    pub ty: String,
    pub default: Option<String>,
}

/// A function's body: a string (`AS $function$…$function$`), or a SQL-standard
/// body (`RETURN …`, `BEGIN ATOMIC … END`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body {
    Quoted(String),
    Sql(String),
}

/// The parts of a function or procedure that Atlas's `function` and
/// `procedure` blocks hold, as `pg_get_functiondef` prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FunctionSql {
    pub procedure: bool,
    pub schema: Option<String>,
    pub name: String,
    pub args: Vec<Arg>,
    /// `RETURNS` (functions only).
    pub returns: Option<String>,
    pub lang: String,
    /// `IMMUTABLE` or `STABLE` (`None`: volatile).
    pub volatility: Option<&'static str>,
    /// `SAFE` or `RESTRICTED` (`None`: unsafe).
    pub parallel: Option<&'static str>,
    pub strict: bool,
    pub security_definer: bool,
    pub leakproof: bool,
    /// `COST`, when not the default.
    pub cost: Option<String>,
    /// `ROWS`, when not the default.
    pub rows: Option<String>,
    pub body: Body,
}

/// True when `text` starts with a SQL-standard function body: `RETURN …` or `BEGIN ATOMIC`.
pub(super) fn is_sql_body(text: &str) -> bool {
    lex(text).is_some_and(|toks| {
        toks.first().is_some_and(|t| t.is("RETURN"))
            || (toks.first().is_some_and(|t| t.is("BEGIN")) && toks.get(1).is_some_and(|t| t.is("ATOMIC")))
    })
}

/// The definition of `f`, laid out as `pg_get_functiondef` prints it.
pub(super) fn render_function(f: &FunctionSql, quoting: Quoting) -> String {
    let q = |name: &str| quote("postgres", name, quoting);
    let kind = if f.procedure { "PROCEDURE" } else { "FUNCTION" };
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| {
            let mut out = match &a.mode {
                Some(mode) => format!("{mode} "),
                None if f.procedure => "IN ".to_string(),
                None => String::new(),
            };
            if let Some(name) = &a.name {
                out.push_str(&q(name));
                out.push(' ');
            }
            out.push_str(&a.ty);
            if let Some(default) = &a.default {
                out.push_str(&format!(" DEFAULT {default}"));
            }
            out
        })
        .collect();
    let mut out = format!(
        "CREATE OR REPLACE {kind} {}({})\n",
        qualified("postgres", f.schema.as_deref(), &f.name, quoting),
        args.join(", ")
    );
    if let Some(returns) = &f.returns {
        out.push_str(&format!(" RETURNS {returns}\n"));
    }
    let lang = match quoting {
        Quoting::Printed => q(&f.lang),
        Quoting::Always if pg_plain(&f.lang) => f.lang.clone(),
        Quoting::Always => q(&f.lang),
    };
    out.push_str(&format!(" LANGUAGE {lang}\n"));
    let mut options = String::new();
    if let Some(v) = f.volatility {
        options.push_str(&format!(" {v}"));
    }
    if let Some(p) = f.parallel {
        options.push_str(&format!(" PARALLEL {p}"));
    }
    for (on, word) in [(f.strict, " STRICT"), (f.security_definer, " SECURITY DEFINER"), (f.leakproof, " LEAKPROOF")] {
        if on {
            options.push_str(word);
        }
    }
    if let Some(cost) = &f.cost {
        options.push_str(&format!(" COST {cost}"));
    }
    if let Some(rows) = &f.rows {
        options.push_str(&format!(" ROWS {rows}"));
    }
    if !options.is_empty() {
        out.push_str(&options);
        out.push('\n');
    }
    match &f.body {
        Body::Sql(text) => out.push_str(text),
        Body::Quoted(text) => {
            // PostgreSQL's delimiter: `$function` (or `$procedure`), lengthened while the body holds it.
            let mut dq = format!("${}", kind.to_lowercase());
            while text.contains(&dq) {
                dq.push('x');
            }
            dq.push('$');
            out.push_str(&format!("AS {dq}{text}{dq}"));
        }
    }
    out
}

/// `def` (as `pg_get_functiondef` prints it) read as [`FunctionSql`]; `None`
/// when it holds what the structured form has no place for (`WINDOW`, `SET`,
/// `TRANSFORM`, `SUPPORT`, a C function's object file, …).
pub(super) fn parse_function(def: &str) -> Option<FunctionSql> {
    let (procedure, schema, name, args, rest) = function_head(def)?;
    let mut rest = rest.strip_prefix('\n')?;
    let returns = if procedure {
        None
    } else {
        let line = rest.strip_prefix(" RETURNS ")?;
        let (returns, after) = line.split_once('\n')?;
        rest = after;
        Some(returns.to_string())
    };
    let (lang, after) = rest.strip_prefix(" LANGUAGE ")?.split_once('\n')?;
    rest = after;
    let lang = match lex(lang)?.as_slice() {
        [one] if one.start == 0 && one.end == lang.len() => one.ident()?.0,
        _ => return None,
    };
    let mut f = FunctionSql {
        procedure,
        schema,
        name,
        args: split_args(args)?.iter().map(|a| parse_arg(a)).collect::<Option<Vec<_>>>()?,
        returns,
        lang,
        volatility: None,
        parallel: None,
        strict: false,
        security_definer: false,
        leakproof: false,
        cost: None,
        rows: None,
        body: Body::Sql(String::new()),
    };
    if let Some(line) = rest.strip_prefix(' ') {
        let (line, after) = line.split_once('\n')?;
        rest = after;
        let words: Vec<&str> = line.split(' ').collect();
        let mut i = 0;
        while let Some(word) = words.get(i) {
            let next = words.get(i + 1).copied();
            match (*word, next) {
                ("IMMUTABLE", _) => f.volatility = Some("IMMUTABLE"),
                ("STABLE", _) => f.volatility = Some("STABLE"),
                ("PARALLEL", Some("SAFE")) => f.parallel = Some("SAFE"),
                ("PARALLEL", Some("RESTRICTED")) => f.parallel = Some("RESTRICTED"),
                ("STRICT", _) => f.strict = true,
                ("SECURITY", Some("DEFINER")) => f.security_definer = true,
                ("LEAKPROOF", _) => f.leakproof = true,
                ("COST", Some(n)) if is_count(n) => f.cost = Some(n.to_string()),
                ("ROWS", Some(n)) if is_count(n) => f.rows = Some(n.to_string()),
                _ => return None,
            }
            i += if matches!(*word, "PARALLEL" | "SECURITY" | "COST" | "ROWS") { 2 } else { 1 };
        }
    }
    f.body = match rest.strip_prefix("AS $") {
        Some(quoted) => {
            let (delimiter, text) = quoted.split_once('$')?;
            if !delimiter.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            Body::Quoted(text.strip_suffix(&format!("${delimiter}$"))?.to_string())
        }
        None if is_sql_body(rest) => Body::Sql(rest.to_string()),
        None => return None,
    };
    Some(f)
}

/// A positive whole number, as `COST` and `ROWS` are written.
fn is_count(text: &str) -> bool {
    !text.is_empty() && text.len() < 16 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0')
}

/// The head of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE name(args)`
/// statement: whether a procedure, the schema qualifier, the name, the
/// argument list's text and the text after its `)`.
pub(super) fn function_head(def: &str) -> Option<(bool, Option<String>, String, &str, &str)> {
    let toks = lex(def)?;
    let mut c = Cursor { toks: &toks, at: 0 };
    if !c.eat("CREATE") {
        return None;
    }
    if c.eat("OR") && !c.eat("REPLACE") {
        return None;
    }
    let procedure = if c.eat("FUNCTION") {
        false
    } else if c.eat("PROCEDURE") {
        true
    } else {
        return None;
    };
    let (schema, name) = c.qualified()?;
    let open = c.peek()?.end;
    let close = toks.get(c.close_paren()?)?;
    Some((procedure, schema, name, def.get(open..close.start)?, def.get(close.end..)?))
}

/// An argument list split at its top-level commas (outside parentheses,
/// brackets and quotes), each part trimmed; none for an empty list.
fn split_args(text: &str) -> Option<Vec<&str>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    let toks = lex(text)?;
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i64, 0);
    for t in &toks {
        match t.tok {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                parts.push(text.get(start..t.start)?.trim());
                start = t.end;
            }
            _ => {}
        }
    }
    parts.push(text.get(start..)?.trim());
    Some(parts)
}

/// Multi-word type names whose first word, bare, is no argument's name
/// (PostgreSQL quotes those words as names).
const TYPE_WORDS: &[&str] = &["character", "bit", "time", "timestamp", "interval", "national"];

/// One argument as `pg_get_functiondef` prints it: `[mode] [name] type [DEFAULT expr]`.
fn parse_arg(text: &str) -> Option<Arg> {
    let toks = lex(text)?;
    let first = toks.first()?;
    let mode = ["IN", "OUT", "INOUT", "VARIADIC"].into_iter().find(|m| first.is(m) && toks.len() > 1);
    let mut from = if mode.is_some() { toks.get(1)?.start } else { 0 };
    // ` DEFAULT ` at the top level.
    let mut depth = 0i64;
    let mut default = None;
    let mut end = text.len();
    for t in &toks {
        match t.tok {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            _ if depth == 0 && t.is("DEFAULT") && t.start > from => {
                default = Some(text.get(t.end..)?.trim().to_string());
                end = t.start;
                break;
            }
            _ => {}
        }
    }
    let main: Vec<&Lexed> = toks.iter().filter(|t| t.start >= from && t.end <= end).collect();
    let head = main.first()?;
    let unnamed = main.len() == 1
        || matches!(&head.tok, Tok::Word(w) if TYPE_WORDS.contains(&w.as_str()))
        || (head.is("double") && main.get(1).is_some_and(|t| t.is("precision")))
        || !matches!(head.tok, Tok::Word(_) | Tok::Name(_))
        || main.get(1).is_some_and(|t| t.is_punct('.') || t.is_punct('(') || t.is_punct('['));
    let mut name = None;
    if !unnamed {
        name = Some(head.ident()?.0);
        from = main.get(1)?.start;
    }
    Some(Arg { mode: mode.map(str::to_string), name, ty: text.get(from..end)?.trim().to_string(), default })
}

/// The identity arguments of an argument list (what tells overloads apart):
/// `OUT` arguments and defaults left out.
pub(super) fn identity_args(args: &[Arg]) -> String {
    args.iter()
        .filter(|a| a.mode.as_deref() != Some("OUT"))
        .map(|a| {
            let mut out = a.mode.as_ref().map(|m| format!("{m} ")).unwrap_or_default();
            if let Some(name) = &a.name {
                out.push_str(&quote("postgres", name, Quoting::Printed));
                out.push(' ');
            }
            out.push_str(&a.ty);
            out
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The identity arguments of a whole definition's argument list text.
pub(super) fn identity_args_of(text: &str) -> String {
    let args: Option<Vec<Arg>> = split_args(text).and_then(|parts| parts.iter().map(|p| parse_arg(p)).collect());
    match args {
        Some(args) => identity_args(&args),
        None => text.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG_FUNCTIONS: &[&str] = &[
        "CREATE OR REPLACE FUNCTION positive(v integer)\n RETURNS boolean\n LANGUAGE sql\nAS $function$SELECT v > 0$function$",
        "CREATE OR REPLACE FUNCTION other.p2(v integer, \"odd name\" character varying DEFAULT 'x'::character varying, \
         OUT r integer, VARIADIC xs integer[] DEFAULT '{}'::integer[])\n RETURNS integer\n LANGUAGE sql\n \
         IMMUTABLE PARALLEL SAFE STRICT SECURITY DEFINER LEAKPROOF COST 5\nAS $function$ select 1 $function$",
        "CREATE OR REPLACE FUNCTION p3(integer, timestamp with time zone, double precision)\n RETURNS SETOF integer\n \
         LANGUAGE sql\n STABLE ROWS 10\nAS $functionx$ select '$function$' $functionx$",
        "CREATE OR REPLACE FUNCTION p5(a integer, b integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nRETURN (a + b)",
        "CREATE OR REPLACE FUNCTION p6(a integer)\n RETURNS integer\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT (a + 1);\n SELECT a AS a;\nEND",
        "CREATE OR REPLACE PROCEDURE pr(IN a integer, INOUT b text)\n LANGUAGE plpgsql\nAS $procedure$ begin null; end $procedure$",
        "CREATE OR REPLACE FUNCTION audit()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n  RETURN NEW;\nEND;\n$function$",
    ];

    #[test]
    fn postgres_functions_parse_and_render_back() {
        for def in PG_FUNCTIONS {
            let Some(f) = parse_function(def) else { panic!("not parsed: {def}") };
            assert_eq!(render_function(&f, Quoting::Printed), *def);
        }
        let f = parse_function(PG_FUNCTIONS[1]).unwrap();
        assert_eq!(f.schema.as_deref(), Some("other"));
        assert_eq!(
            f.args,
            [
                Arg { mode: None, name: Some("v".into()), ty: "integer".into(), default: None },
                Arg {
                    mode: None,
                    name: Some("odd name".into()),
                    ty: "character varying".into(),
                    default: Some("'x'::character varying".into())
                },
                Arg { mode: Some("OUT".into()), name: Some("r".into()), ty: "integer".into(), default: None },
                Arg {
                    mode: Some("VARIADIC".into()),
                    name: Some("xs".into()),
                    ty: "integer[]".into(),
                    default: Some("'{}'::integer[]".into())
                },
            ]
        );
        assert_eq!(identity_args(&f.args), "v integer, \"odd name\" character varying, VARIADIC xs integer[]");
        let f = parse_function(PG_FUNCTIONS[2]).unwrap();
        assert!(f.args.iter().all(|a| a.name.is_none()), "{:?}", f.args);
        assert_eq!(f.returns.as_deref(), Some("SETOF integer"));
        for unsupported in [
            "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\n SET search_path TO 'public'\nAS $function$select 1$function$",
            "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE c\nAS 'lib', $function$f$function$",
            "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\n WINDOW\nAS $function$select 1$function$",
        ] {
            assert_eq!(parse_function(unsupported), None, "{unsupported}");
        }
    }

    #[test]
    fn triggers_parse_and_render_back() {
        for (dialect, def) in [
            (
                "postgres",
                "CREATE TRIGGER t1 AFTER INSERT OR UPDATE OF amount, \"Note\" ON orders FOR EACH ROW EXECUTE FUNCTION audit()",
            ),
            (
                "postgres",
                "CREATE TRIGGER t2 BEFORE DELETE ON app.orders FOR EACH STATEMENT EXECUTE FUNCTION app.audit()",
            ),
            (
                "postgres",
                "CREATE TRIGGER t3 AFTER UPDATE ON orders FOR EACH ROW WHEN ((old.amount IS DISTINCT FROM new.amount)) \
                 EXECUTE FUNCTION audit()",
            ),
            ("postgres", "CREATE TRIGGER t6 INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION audit()"),
            ("mysql", "CREATE TRIGGER `a b` BEFORE INSERT ON `orders` FOR EACH ROW SET NEW.amount = 1"),
            ("mysql", "CREATE TRIGGER `t` AFTER DELETE ON `o``x` FOR EACH ROW BEGIN\n  DELETE FROM y;\nEND"),
            ("sqlite", "CREATE TRIGGER \"t\" AFTER UPDATE OF \"a\", \"b\" ON \"o\" FOR EACH ROW BEGIN SELECT 1; END"),
            ("sqlite", "CREATE TRIGGER \"t\" BEFORE DELETE ON \"o\" FOR EACH ROW WHEN old.a > (1) BEGIN SELECT 1; END"),
        ] {
            let Some(t) = parse_trigger(dialect, def) else { panic!("not parsed: {def}") };
            assert_eq!(render_trigger(dialect, &t, Quoting::Printed), def);
        }
        let t = parse_trigger(
            "postgres",
            "CREATE TRIGGER t3 AFTER UPDATE ON orders FOR EACH ROW WHEN ((a > 1)) EXECUTE FUNCTION audit()",
        )
        .unwrap();
        assert_eq!(t.when.as_deref(), Some("(a > 1)"));
        // What the structured form has no place for is not read as it.
        for (dialect, def) in [
            ("postgres", "CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW EXECUTE FUNCTION f('a')"),
            ("postgres", "CREATE CONSTRAINT TRIGGER t AFTER INSERT ON o DEFERRABLE FOR EACH ROW EXECUTE FUNCTION f()"),
            (
                "postgres",
                "CREATE TRIGGER t AFTER INSERT ON o REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION f()",
            ),
            ("sqlite", "CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW SELECT 1"),
        ] {
            let rendered = parse_trigger(dialect, def).map(|t| render_trigger(dialect, &t, Quoting::Printed));
            assert_ne!(rendered.as_deref(), Some(def), "{def}");
        }
        // SQLite's text as the user wrote it is not what Strata renders.
        let def = "CREATE TRIGGER c_touch AFTER INSERT ON c BEGIN SELECT 1; END";
        assert_ne!(
            parse_trigger("sqlite", def).map(|t| render_trigger("sqlite", &t, Quoting::Printed)).as_deref(),
            Some(def)
        );
        assert_eq!(trigger_name("CREATE TRIGGER IF NOT EXISTS main.\"A b\" AFTER …"), Some(("A b".into(), true)));
        assert_eq!(trigger_name("CREATE VIEW v AS SELECT 1"), None);
    }
}
