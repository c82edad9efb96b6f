//! Random schema pairs: a *current* schema and a *desired* one derived from it
//! by a few random changes, rendered as SQL for SQLite, PostgreSQL or
//! MySQL/MariaDB.
//!
//! Everything is structured data (no SQL strings in the model) so that a rename
//! reaches every index, check, foreign key and view that mentions the name, and
//! so that shrinking can drop a change or a table and still get valid SQL.

use std::fmt::Write as _;

/// The target dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    /// MySQL/MariaDB: one database is one schema; identifiers in backticks.
    Mysql,
}

/// xorshift64*: small, seeded, and the same on every machine.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so that neighbouring seeds start far apart (and never at 0).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `pct`%.
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() { None } else { Some(&items[self.below(items.len())]) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Int,
    BigInt,
    Text,
    Varchar(u32),
    Numeric(u32, u32),
    Bool,
    Real,
    Double,
    Date,
    Timestamp,
    Blob,
    Json,
    Jsonb,
    /// An enum type: schema, name.
    Enum(String, String),
    // MySQL only.
    SmallInt,
    /// `int unsigned`.
    UInt,
    /// `bigint unsigned`.
    UBigInt,
    Char(u32),
}

impl Ty {
    fn sql(&self, d: Dialect) -> String {
        match (self, d) {
            (Ty::Int, Dialect::Mysql) => "int".into(),
            (Ty::SmallInt, _) => "smallint".into(),
            (Ty::UInt, Dialect::Mysql) => "int unsigned".into(),
            (Ty::UBigInt, Dialect::Mysql) => "bigint unsigned".into(),
            (Ty::UInt, _) => "integer".into(),
            (Ty::UBigInt, _) => "bigint".into(),
            (Ty::Char(n), _) => format!("char({n})"),
            (Ty::Numeric(p, s), Dialect::Mysql) => format!("decimal({p},{s})"),
            (Ty::Real, Dialect::Mysql) => "float".into(),
            (Ty::Double, Dialect::Mysql) => "double".into(),
            (Ty::Timestamp, Dialect::Mysql) => "datetime".into(),
            (Ty::Blob, Dialect::Mysql) => "blob".into(),
            // An inline value list on MySQL, rendered by the schema that holds the values.
            (Ty::Enum(_, _), Dialect::Mysql) => "enum('a','b','c')".into(),
            (Ty::Int, _) => "integer".into(),
            (Ty::BigInt, _) => "bigint".into(),
            (Ty::Text, _) => "text".into(),
            (Ty::Varchar(n), _) => format!("varchar({n})"),
            (Ty::Numeric(p, s), _) => format!("numeric({p},{s})"),
            (Ty::Bool, _) => "boolean".into(),
            (Ty::Real, _) => "real".into(),
            (Ty::Double, Dialect::Sqlite) => "double".into(),
            (Ty::Double, _) => "double precision".into(),
            (Ty::Date, _) => "date".into(),
            (Ty::Timestamp, _) => "timestamp".into(),
            (Ty::Blob, Dialect::Sqlite) => "blob".into(),
            (Ty::Blob, _) => "bytea".into(),
            (Ty::Json, _) => "json".into(),
            (Ty::Jsonb, _) => "jsonb".into(),
            (Ty::Enum(s, n), _) => format!("{s}.{n}"),
        }
    }

    fn is_int(&self) -> bool {
        matches!(self, Ty::Int | Ty::BigInt | Ty::SmallInt | Ty::UInt | Ty::UBigInt)
    }

    fn is_number(&self) -> bool {
        self.is_int() || matches!(self, Ty::Numeric(..) | Ty::Real | Ty::Double)
    }

    fn is_text(&self) -> bool {
        matches!(self, Ty::Text | Ty::Varchar(_) | Ty::Char(_))
    }

    /// Usable in a btree index, a unique constraint or a key (PostgreSQL's json has no equality).
    fn indexable(&self) -> bool {
        !matches!(self, Ty::Json)
    }

    /// MySQL indexes only a prefix of a TEXT or BLOB column (and of a
    /// VARCHAR too long for a full key of two parts within InnoDB's 3072 bytes).
    fn needs_prefix(&self) -> bool {
        matches!(self, Ty::Text | Ty::Blob) || matches!(self, Ty::Varchar(n) if *n > 255)
    }

    /// A literal default the column holds as is: MySQL wants other defaults of
    /// TEXT, BLOB and JSON columns as an expression in parentheses.
    fn literal_default(&self) -> bool {
        !matches!(self, Ty::Text | Ty::Blob | Ty::Json)
    }
}

#[derive(Clone, Debug)]
pub struct Col {
    pub name: String,
    pub ty: Ty,
    pub not_null: bool,
    pub default: Option<String>,
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`; MySQL `AUTO_INCREMENT`.
    pub identity: bool,
    pub comment: Option<String>,
    /// MySQL: a column collation of its own (text columns only).
    pub collate: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct Unique {
    pub name: Option<String>,
    pub cols: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Part {
    /// A column, descending or not.
    Col(String, bool),
    /// `lower(col)`, an expression part.
    Lower(String),
    /// MySQL: the first n characters of a text column.
    Prefix(String, u32),
}

#[derive(Clone, Debug)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    pub parts: Vec<Part>,
    /// Partial index: `WHERE col IS NOT NULL`.
    pub pred: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Fk {
    pub name: Option<String>,
    pub cols: Vec<String>,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_cols: Vec<String>,
    pub on_delete: &'static str,
    pub on_update: &'static str,
}

#[derive(Clone, Debug)]
pub enum CheckKind {
    Positive,
    NonEmpty,
    In(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Check {
    pub name: Option<String>,
    pub col: String,
    pub kind: CheckKind,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub schema: String,
    pub name: String,
    pub cols: Vec<Col>,
    pub pk: Vec<String>,
    pub uniques: Vec<Unique>,
    pub indexes: Vec<Index>,
    pub fks: Vec<Fk>,
    pub checks: Vec<Check>,
    pub comment: Option<String>,
    /// MySQL: triggers on the table.
    pub triggers: Vec<Trigger>,
}

/// MySQL: `CREATE TRIGGER name BEFORE event ON table FOR EACH ROW SET NEW.col = COALESCE(NEW.col, fallback)`.
#[derive(Clone, Debug)]
pub struct Trigger {
    pub name: String,
    pub event: &'static str,
    pub col: String,
}

impl Table {
    fn col(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name == name)
    }

    fn col_mut(&mut self, name: &str) -> Option<&mut Col> {
        self.cols.iter_mut().find(|c| c.name == name)
    }

    /// Columns that something else in the table (key, index, check, FK) mentions.
    pub fn used_locally(&self, col: &str) -> bool {
        self.pk.iter().any(|c| c == col)
            || self.uniques.iter().any(|u| u.cols.iter().any(|c| c == col))
            || self.indexes.iter().any(|i| {
                i.pred.as_deref() == Some(col)
                    || i.parts
                        .iter()
                        .any(|p| matches!(p, Part::Col(c, _) | Part::Lower(c) | Part::Prefix(c, _) if c == col))
            })
            || self.fks.iter().any(|f| f.cols.iter().any(|c| c == col))
            || self.checks.iter().any(|c| c.col == col)
            || self.triggers.iter().any(|t| t.col == col)
    }
}

#[derive(Clone, Debug)]
pub struct View {
    pub schema: String,
    pub name: String,
    pub table_schema: String,
    pub table: String,
    pub cols: Vec<String>,
    /// `WHERE col IS NOT NULL`.
    pub filter: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub schema: String,
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Seq {
    pub schema: String,
    pub name: String,
    pub start: i64,
    pub incr: i64,
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub dialect: Dialect,
    pub tables: Vec<Table>,
    pub views: Vec<View>,
    pub enums: Vec<Enum>,
    pub seqs: Vec<Seq>,
    /// A counter for fresh names, so that names never collide.
    pub next: u32,
}

const TABLE_WORDS: &[&str] = &["users", "orders", "items", "tags", "events", "accounts", "notes", "batches"];
const COL_WORDS: &[&str] = &["note", "qty", "price", "label", "code", "flag", "seen", "body", "ref", "level"];
const ACTIONS: &[&str] = &["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"];
/// MySQL column collations besides the table's (utf8mb4_general_ci on MariaDB).
const COLLATIONS: &[&str] = &["utf8mb4_bin", "utf8mb4_unicode_ci"];

impl Schema {
    fn fresh(&mut self, word: &str) -> String {
        self.next += 1;
        format!("{word}_{}", self.next)
    }

    fn pg(&self) -> bool {
        self.dialect == Dialect::Postgres
    }

    fn my(&self) -> bool {
        self.dialect == Dialect::Mysql
    }

    fn table_mut(&mut self, schema: &str, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.schema == schema && t.name == name)
    }

    fn table_keys(&self) -> Vec<(String, String)> {
        self.tables.iter().map(|t| (t.schema.clone(), t.name.clone())).collect()
    }

    /// Whether a view or another table's foreign key mentions this column.
    pub fn used_elsewhere(&self, schema: &str, table: &str, col: &str) -> bool {
        self.views.iter().any(|v| {
            v.table_schema == schema
                && v.table == table
                && (v.cols.iter().any(|c| c == col) || v.filter.as_deref() == Some(col))
        }) || self.tables.iter().any(|t| {
            t.fks.iter().any(|f| f.ref_schema == schema && f.ref_table == table && f.ref_cols.iter().any(|c| c == col))
        })
    }

    fn random_type(&mut self, rng: &mut Rng) -> Ty {
        let mut tys = vec![
            Ty::Int,
            Ty::BigInt,
            Ty::Text,
            Ty::Varchar([20, 64, 255][rng.below(3)]),
            Ty::Numeric([10, 12][rng.below(2)], [0, 2][rng.below(2)]),
            Ty::Bool,
            Ty::Real,
            Ty::Double,
            Ty::Date,
            Ty::Timestamp,
            Ty::Blob,
        ];
        if self.pg() {
            tys.push(Ty::Json);
            tys.push(Ty::Jsonb);
            if let Some(e) = rng.pick(&self.enums) {
                tys.push(Ty::Enum(e.schema.clone(), e.name.clone()));
                tys.push(Ty::Enum(e.schema.clone(), e.name.clone()));
            }
        } else if self.my() {
            tys.push(Ty::Json);
            tys.push(Ty::SmallInt);
            tys.push(Ty::UInt);
            tys.push(Ty::UBigInt);
            tys.push(Ty::Char([10, 16][rng.below(2)]));
            if let Some(e) = rng.pick(&self.enums) {
                tys.push(Ty::Enum(e.schema.clone(), e.name.clone()));
            }
        }
        tys[rng.below(tys.len())].clone()
    }

    fn random_default(&self, ty: &Ty, rng: &mut Rng) -> Option<String> {
        let pg = self.pg();
        let opts: Vec<String> = match ty {
            Ty::UInt | Ty::UBigInt => vec!["0".to_string(), "42".into()],
            Ty::Int | Ty::BigInt | Ty::SmallInt => {
                let mut v = vec!["0".to_string(), "42".into(), "-1".into()];
                if pg {
                    for s in &self.seqs {
                        v.push(format!("nextval('{}.{}'::regclass)", s.schema, s.name));
                    }
                }
                v
            }
            Ty::Text | Ty::Varchar(_) | Ty::Char(_) => vec!["'x'".into(), "''".into(), "'draft'".into()],
            Ty::Numeric(..) => vec!["0".into(), "1.5".into()],
            Ty::Bool => vec!["true".into(), "false".into()],
            Ty::Real | Ty::Double => vec!["0".into(), "2.5".into()],
            Ty::Date => vec!["CURRENT_DATE".into(), "'2020-01-01'".into()],
            Ty::Timestamp if self.my() => vec![
                "CURRENT_TIMESTAMP".into(),
                "'2020-01-01 10:00:00'".into(),
                // Rendered after DEFAULT as it stands: MySQL's auto-updated column.
                "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP".into(),
            ],
            Ty::Timestamp => vec!["CURRENT_TIMESTAMP".into(), "'2020-01-01 10:00:00'".into()],
            // MySQL: an expression default, `('z')`.
            Ty::Blob if self.my() => vec!["'z'".into()],
            Ty::Blob => return None,
            Ty::Json | Ty::Jsonb => vec!["'{}'".into()],
            Ty::Enum(s, n) => {
                let e = self.enums.iter().find(|e| &e.schema == s && &e.name == n)?;
                e.values.iter().map(|v| format!("'{v}'")).collect()
            }
        };
        rng.pick(&opts).cloned()
    }

    fn random_col(&mut self, rng: &mut Rng) -> Col {
        let name = self.fresh(COL_WORDS[rng.below(COL_WORDS.len())]);
        let ty = self.random_type(rng);
        let mut default = if rng.chance(35) { self.random_default(&ty, rng) } else { None };
        let not_null = rng.chance(35);
        // A NOT NULL column added to a table needs no default here: the pairs hold no data.
        if default.is_some() && rng.chance(20) {
            default = None;
        }
        let comment = if (self.pg() || self.my()) && rng.chance(15) { Some(format!("the {name}")) } else { None };
        let collate = if self.my() && ty.is_text() && rng.chance(20) { rng.pick(COLLATIONS).copied() } else { None };
        Col { name, ty, not_null, default, identity: false, comment, collate }
    }

    fn random_table(&mut self, rng: &mut Rng) -> Table {
        let schema = if self.pg() && rng.chance(30) { "aux" } else { "public" };
        let schema = match self.dialect {
            Dialect::Postgres => schema.to_string(),
            Dialect::Sqlite => "main".to_string(),
            // One database is one schema: the name is only a label here.
            Dialect::Mysql => "db".to_string(),
        };
        let name = self.fresh(TABLE_WORDS[rng.below(TABLE_WORDS.len())]);
        let mut t = Table {
            schema,
            name,
            cols: vec![],
            pk: vec![],
            uniques: vec![],
            indexes: vec![],
            fks: vec![],
            checks: vec![],
            comment: None,
            triggers: vec![],
        };
        let pk_kind = rng.below(100);
        if pk_kind < 70 {
            let mut ty = if rng.chance(60) { Ty::Int } else { Ty::BigInt };
            // MySQL: unsigned keys too (foreign keys to them must be unsigned as well).
            if self.my() && rng.chance(30) {
                ty = if ty == Ty::Int { Ty::UInt } else { Ty::UBigInt };
            }
            let identity = (self.pg() || self.my()) && rng.chance(25);
            t.cols.push(Col {
                name: "id".into(),
                ty,
                not_null: true,
                default: None,
                identity,
                comment: None,
                collate: None,
            });
            t.pk = vec!["id".into()];
        } else if pk_kind < 85 {
            for n in ["a_id", "b_id"] {
                t.cols.push(Col {
                    name: n.into(),
                    // A MySQL key on TEXT needs a prefix, and no foreign key can reference one.
                    ty: match (rng.chance(50), self.my()) {
                        (true, _) => Ty::Int,
                        (false, false) => Ty::Text,
                        (false, true) => Ty::Varchar(64),
                    },
                    not_null: true,
                    default: None,
                    identity: false,
                    comment: None,
                    collate: None,
                });
            }
            t.pk = vec!["a_id".into(), "b_id".into()];
        }
        for _ in 0..1 + rng.below(5) {
            let c = self.random_col(rng);
            t.cols.push(c);
        }
        if (self.pg() || self.my()) && rng.chance(20) {
            t.comment = Some(format!("table {}", t.name));
        }
        t
    }

    /// A fresh random base schema.
    pub fn random(dialect: Dialect, rng: &mut Rng) -> Schema {
        let mut s = Schema { dialect, tables: vec![], views: vec![], enums: vec![], seqs: vec![], next: 0 };
        if s.pg() {
            for _ in 0..rng.below(3) {
                let name = s.fresh("channel");
                s.enums.push(Enum { schema: "public".into(), name, values: vec!["a".into(), "b".into(), "c".into()] });
            }
            if rng.chance(40) {
                let name = s.fresh("seq");
                s.seqs.push(Seq { schema: "public".into(), name, start: 1 + rng.below(100) as i64, incr: 1 });
            }
        } else if s.my() {
            // Value lists for inline `enum(…)` column types (no objects of their own on MySQL).
            for _ in 0..rng.below(2) {
                let name = s.fresh("channel");
                s.enums.push(Enum { schema: "db".into(), name, values: vec!["a".into(), "b".into(), "c".into()] });
            }
        }
        for _ in 0..2 + rng.below(3) {
            let t = s.random_table(rng);
            s.tables.push(t);
        }
        // Decorate with constraints, indexes, keys and views through the same code the changes use.
        for _ in 0..2 + rng.below(8) {
            let kind = [Kind::AddIndex, Kind::AddUnique, Kind::AddCheck, Kind::AddFk, Kind::AddView][rng.below(5)];
            s.apply(kind, rng);
        }
        s
    }
}

/// A table a foreign key can reference: schema, name, key columns with their types.
type Parent = (String, String, Vec<(String, Ty)>);

/// The kinds of change a desired schema is derived by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AddTable,
    DropTable,
    RenameTable,
    AddColumn,
    DropColumn,
    RenameColumn,
    ChangeType,
    ToggleNull,
    ChangeDefault,
    AddIndex,
    DropIndex,
    AddUnique,
    DropUnique,
    AddCheck,
    DropCheck,
    AddFk,
    DropFk,
    ChangeFkActions,
    AddView,
    DropView,
    ModifyView,
    // PostgreSQL (and the first four MySQL too).
    AddEnumValue,
    AddEnum,
    ToggleIdentity,
    ChangeComment,
    AddSequence,
    DropSequence,
    // MySQL only.
    MoveColumn,
    ChangeCollation,
    AddTrigger,
    DropTrigger,
}

const COMMON: &[Kind] = &[
    Kind::AddTable,
    Kind::DropTable,
    Kind::RenameTable,
    Kind::AddColumn,
    Kind::DropColumn,
    Kind::RenameColumn,
    Kind::ChangeType,
    Kind::ToggleNull,
    Kind::ChangeDefault,
    Kind::AddIndex,
    Kind::DropIndex,
    Kind::AddUnique,
    Kind::DropUnique,
    Kind::AddCheck,
    Kind::DropCheck,
    Kind::AddFk,
    Kind::DropFk,
    Kind::ChangeFkActions,
    Kind::AddView,
    Kind::DropView,
    Kind::ModifyView,
];
const PG_ONLY: &[Kind] = &[
    Kind::AddEnumValue,
    Kind::AddEnum,
    Kind::ToggleIdentity,
    Kind::ChangeComment,
    Kind::AddSequence,
    Kind::DropSequence,
];

/// MySQL's own: inline enum value lists, AUTO_INCREMENT, comments, column order, collations, triggers.
const MY_ONLY: &[Kind] = &[
    Kind::AddEnumValue,
    Kind::AddEnum,
    Kind::ToggleIdentity,
    Kind::ChangeComment,
    Kind::MoveColumn,
    Kind::ChangeCollation,
    Kind::AddTrigger,
    Kind::DropTrigger,
];

/// A random change kind for the dialect.
pub fn random_kind(d: Dialect, rng: &mut Rng) -> Kind {
    let only = match d {
        Dialect::Sqlite => &[][..],
        Dialect::Postgres => PG_ONLY,
        Dialect::Mysql => MY_ONLY,
    };
    let i = rng.below(COMMON.len() + only.len());
    if i < COMMON.len() { COMMON[i] } else { only[i - COMMON.len()] }
}

/// Whether `from` can become `to` by `ALTER COLUMN … TYPE` without a USING clause.
fn compatible_types(d: Dialect, ty: &Ty, rng: &mut Rng) -> Option<Ty> {
    let opts = match ty {
        // MySQL converts these in place too (the pairs hold no data).
        Ty::Bool if d == Dialect::Mysql => vec![Ty::Int],
        Ty::Json if d == Dialect::Mysql => vec![Ty::Text],
        Ty::Enum(..) if d == Dialect::Mysql => vec![Ty::Varchar(64)],
        Ty::SmallInt => vec![Ty::Int],
        Ty::UInt => vec![Ty::UBigInt],
        Ty::UBigInt => vec![Ty::Numeric(20, 0)],
        Ty::Char(n) => vec![Ty::Char(n + 10), Ty::Varchar(n + 10)],
        Ty::Int => vec![Ty::BigInt, Ty::Numeric(12, 0)],
        Ty::BigInt => vec![Ty::Int, Ty::Numeric(20, 0)],
        Ty::Text => vec![Ty::Varchar(255)],
        Ty::Varchar(n) => vec![Ty::Text, Ty::Varchar(n + 50)],
        Ty::Numeric(p, s) => vec![Ty::Numeric(p + 4, *s), Ty::Numeric(*p, s + 1)],
        Ty::Real => vec![Ty::Double],
        Ty::Double => vec![Ty::Real],
        Ty::Date => vec![Ty::Timestamp],
        Ty::Timestamp => vec![Ty::Date],
        _ => return None,
    };
    rng.pick(&opts).cloned()
}

fn rename_in(list: &mut [String], from: &str, to: &str) {
    for c in list.iter_mut() {
        if c == from {
            *c = to.to_string();
        }
    }
}

impl Schema {
    /// Applies one random change of `kind`; returns its description, or None
    /// when it does not apply to this schema (nothing changed then).
    pub fn apply(&mut self, kind: Kind, rng: &mut Rng) -> Option<String> {
        let d = self.dialect;
        let keys = self.table_keys();
        let pick_table = |rng: &mut Rng| rng.pick(&keys).cloned();
        match kind {
            Kind::AddTable => {
                let t = self.random_table(rng);
                let desc = format!("add table {}.{}", t.schema, t.name);
                let (s, n) = (t.schema.clone(), t.name.clone());
                self.tables.push(t);
                if rng.chance(50) {
                    self.add_fk(&s, &n, rng);
                }
                Some(desc)
            }
            Kind::DropTable => {
                let (s, n) = pick_table(rng)?;
                if self.tables.len() <= 1 {
                    return None;
                }
                self.remove_table(&s, &n);
                Some(format!("drop table {s}.{n}"))
            }
            Kind::RenameTable => {
                let (s, n) = pick_table(rng)?;
                let to = self.fresh(&format!("{}_v", n.split('_').next().unwrap_or("t")));
                self.table_mut(&s, &n)?.name = to.clone();
                for t in &mut self.tables {
                    for f in &mut t.fks {
                        if f.ref_schema == s && f.ref_table == n {
                            f.ref_table = to.clone();
                        }
                    }
                }
                for v in &mut self.views {
                    if v.table_schema == s && v.table == n {
                        v.table = to.clone();
                    }
                }
                Some(format!("rename table {s}.{n} to {to}"))
            }
            Kind::AddColumn => {
                let (s, n) = pick_table(rng)?;
                let c = self.random_col(rng);
                let desc = format!("add column {s}.{n}.{} {:?}", c.name, c.ty);
                let my = self.my();
                let t = self.table_mut(&s, &n)?;
                // MySQL keeps a column's position: sometimes add one in the middle.
                if my && rng.chance(30) {
                    let at = rng.below(t.cols.len() + 1);
                    t.cols.insert(at, c);
                    return Some(format!("{desc} at {at}"));
                }
                t.cols.push(c);
                Some(desc)
            }
            Kind::DropColumn => {
                let (s, n) = pick_table(rng)?;
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                let free: Vec<String> = t
                    .cols
                    .iter()
                    .filter(|c| !t.used_locally(&c.name) && !self.used_elsewhere(&s, &n, &c.name))
                    .map(|c| c.name.clone())
                    .collect();
                // Keep one column: a table needs one.
                if t.cols.len() < 2 {
                    return None;
                }
                let c = rng.pick(&free)?.clone();
                self.table_mut(&s, &n)?.cols.retain(|x| x.name != c);
                Some(format!("drop column {s}.{n}.{c}"))
            }
            Kind::RenameColumn => {
                let (s, n) = pick_table(rng)?;
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                let c = rng.pick(&t.cols)?.name.clone();
                let to = self.fresh(c.split('_').next().unwrap_or("c"));
                self.rename_column(&s, &n, &c, &to);
                Some(format!("rename column {s}.{n}.{c} to {to}"))
            }
            Kind::ChangeType => {
                let (s, n) = pick_table(rng)?;
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                // Key and FK columns keep their type, so that both ends of a foreign key agree.
                let cands: Vec<String> = t
                    .cols
                    .iter()
                    .filter(|c| {
                        !c.identity
                            && !t.pk.contains(&c.name)
                            && !t.fks.iter().any(|f| f.cols.contains(&c.name))
                            && !self.used_elsewhere_by_fk(&s, &n, &c.name)
                            && !(c.default.as_deref().is_some_and(|d| d.starts_with("nextval")))
                    })
                    .map(|c| c.name.clone())
                    .collect();
                let c = rng.pick(&cands)?.clone();
                let col = self.table_mut(&s, &n)?.col_mut(&c)?;
                let from = col.ty.clone();
                let to = compatible_types(d, &from, rng)?;
                col.ty = to.clone();
                // ON UPDATE is for DATETIME (and TIMESTAMP) columns only.
                if col.default.as_deref().is_some_and(|d| d.contains(" ON UPDATE ")) && to != Ty::Timestamp {
                    col.default = None;
                }
                // A check `col > 0` stays valid on every numeric type; the rest was filtered above.
                Some(format!("change type {s}.{n}.{c} {from:?} -> {to:?}"))
            }
            Kind::ToggleNull => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                let pk = t.pk.clone();
                let cands: Vec<String> =
                    t.cols.iter().filter(|c| !c.identity && !pk.contains(&c.name)).map(|c| c.name.clone()).collect();
                let c = rng.pick(&cands)?.clone();
                // MySQL refuses NOT NULL on a column a foreign key sets to NULL.
                let sets_null = t
                    .fks
                    .iter()
                    .any(|f| f.cols.contains(&c) && (f.on_delete == "SET NULL" || f.on_update == "SET NULL"));
                let my = self.dialect == Dialect::Mysql;
                let t = self.table_mut(&s, &n)?;
                let col = t.col_mut(&c)?;
                if my && sets_null && !col.not_null {
                    return None;
                }
                col.not_null = !col.not_null;
                Some(format!("toggle not null {s}.{n}.{c} -> {}", col.not_null))
            }
            Kind::ChangeDefault => {
                let (s, n) = pick_table(rng)?;
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                let cands: Vec<Col> = t.cols.iter().filter(|c| !c.identity).cloned().collect();
                let c = rng.pick(&cands)?.clone();
                let d = if c.default.is_some() && rng.chance(50) { None } else { self.random_default(&c.ty, rng) };
                if d == c.default {
                    return None;
                }
                self.table_mut(&s, &n)?.col_mut(&c.name)?.default = d.clone();
                Some(format!("change default {s}.{n}.{} {:?} -> {d:?}", c.name, c.default))
            }
            Kind::AddIndex => {
                let (s, n) = pick_table(rng)?;
                let name = self.fresh("ix");
                let my = self.my();
                let t = self.table_mut(&s, &n)?;
                let cands: Vec<Col> = t.cols.iter().filter(|c| c.ty.indexable()).cloned().collect();
                let mut parts = vec![];
                for _ in 0..1 + rng.below(2) {
                    let c = rng.pick(&cands)?;
                    if parts
                        .iter()
                        .any(|p| matches!(p, Part::Col(x, _) | Part::Lower(x) | Part::Prefix(x, _) if *x == c.name))
                    {
                        continue;
                    }
                    parts.push(match (c.ty.is_text() && rng.chance(30), my) {
                        // MariaDB has no expression indexes: a prefix instead.
                        (true, true) => Part::Prefix(c.name.clone(), 8),
                        (true, false) => Part::Lower(c.name.clone()),
                        (false, _) => Part::Col(c.name.clone(), rng.chance(30)),
                    });
                }
                let mut pred = if rng.chance(30) { rng.pick(&t.cols).map(|c| c.name.clone()) } else { None };
                // MySQL has no partial indexes.
                if my {
                    pred = None;
                }
                let unique = rng.chance(25);
                let desc = format!("add index {name} on {s}.{n} {parts:?} unique={unique} where={pred:?}");
                t.indexes.push(Index { name, unique, parts, pred });
                Some(desc)
            }
            Kind::DropIndex => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                let i = rng.below(t.indexes.len().max(1));
                if i >= t.indexes.len() {
                    return None;
                }
                let ix = t.indexes.remove(i);
                Some(format!("drop index {} on {s}.{n}", ix.name))
            }
            Kind::AddUnique => {
                let (s, n) = pick_table(rng)?;
                let name = if rng.chance(50) { Some(self.fresh("uq")) } else { None };
                let t = self.table_mut(&s, &n)?;
                let cands: Vec<String> = t.cols.iter().filter(|c| c.ty.indexable()).map(|c| c.name.clone()).collect();
                let mut cols = vec![rng.pick(&cands)?.clone()];
                if rng.chance(30) {
                    let c = rng.pick(&cands)?.clone();
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
                // Two unnamed unique constraints on the same columns would be one constraint to the database.
                if t.uniques.iter().any(|u| u.cols == cols) || t.pk == cols {
                    return None;
                }
                let desc = format!("add unique {name:?} on {s}.{n} {cols:?}");
                t.uniques.push(Unique { name, cols });
                Some(desc)
            }
            Kind::DropUnique => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.uniques.is_empty() {
                    return None;
                }
                let u = t.uniques.remove(rng.below(t.uniques.len()));
                Some(format!("drop unique {:?} {:?} on {s}.{n}", u.name, u.cols))
            }
            Kind::AddCheck => {
                let (s, n) = pick_table(rng)?;
                let name = if rng.chance(50) { Some(self.fresh("ck")) } else { None };
                let my = self.my();
                let t = self.table_mut(&s, &n)?;
                // MariaDB refuses a check on an AUTO_INCREMENT column (none on MySQL keys: they may
                // become one) and on a column a foreign key cascades or sets to NULL (none on those).
                let cands: Vec<Col> = t
                    .cols
                    .iter()
                    .filter(|c| {
                        (c.ty.is_number() || c.ty.is_text())
                            && !(my && (t.pk.contains(&c.name) || t.fks.iter().any(|f| f.cols.contains(&c.name))))
                    })
                    .cloned()
                    .collect();
                let c = rng.pick(&cands)?;
                let kind = if c.ty.is_number() {
                    CheckKind::Positive
                } else if rng.chance(50) {
                    CheckKind::NonEmpty
                } else {
                    CheckKind::In(vec!["draft".into(), "x".into(), "".into(), "done".into()])
                };
                let desc = format!("add check {name:?} {kind:?} on {s}.{n}.{}", c.name);
                t.checks.push(Check { name, col: c.name.clone(), kind });
                Some(desc)
            }
            Kind::DropCheck => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.checks.is_empty() {
                    return None;
                }
                let c = t.checks.remove(rng.below(t.checks.len()));
                Some(format!("drop check {:?} on {s}.{n}.{}", c.name, c.col))
            }
            Kind::AddFk => {
                let (s, n) = pick_table(rng)?;
                self.add_fk(&s, &n, rng)
            }
            Kind::DropFk => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.fks.is_empty() {
                    return None;
                }
                let f = t.fks.remove(rng.below(t.fks.len()));
                Some(format!("drop fk {:?} {s}.{n}{:?} -> {}", f.name, f.cols, f.ref_table))
            }
            Kind::ChangeFkActions => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.fks.is_empty() {
                    return None;
                }
                let i = rng.below(t.fks.len());
                let nullable = t.fks[i].cols.iter().all(|c| t.cols.iter().any(|x| &x.name == c && !x.not_null));
                let f = &mut t.fks[i];
                f.on_delete = random_action(rng, nullable, d);
                f.on_update = random_action(rng, nullable, d);
                Some(format!("fk actions {s}.{n}{:?} -> delete {} update {}", f.cols, f.on_delete, f.on_update))
            }
            Kind::AddView => {
                let (s, n) = pick_table(rng)?;
                let schema = if self.pg() && rng.chance(30) { "aux".to_string() } else { s.clone() };
                let name = self.fresh("v");
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                let v = random_view(t, schema, name, rng);
                let desc = format!("add view {}.{} over {s}.{n}", v.schema, v.name);
                self.views.push(v);
                Some(desc)
            }
            Kind::DropView => {
                if self.views.is_empty() {
                    return None;
                }
                let v = self.views.remove(rng.below(self.views.len()));
                Some(format!("drop view {}.{}", v.schema, v.name))
            }
            Kind::ModifyView => {
                if self.views.is_empty() {
                    return None;
                }
                let i = rng.below(self.views.len());
                let v = &self.views[i];
                let t = self.tables.iter().find(|t| t.schema == v.table_schema && t.name == v.table)?;
                let nv = random_view(t, v.schema.clone(), v.name.clone(), rng);
                let desc = format!("modify view {}.{} {:?} -> {:?}", v.schema, v.name, v.cols, nv.cols);
                self.views[i] = nv;
                Some(desc)
            }
            Kind::AddEnumValue => {
                let i = rng.below(self.enums.len().max(1));
                let e = self.enums.get_mut(i)?;
                let v = format!("v{}", e.values.len());
                e.values.push(v.clone());
                Some(format!("add enum value {}.{} '{v}'", e.schema, e.name))
            }
            Kind::AddEnum => {
                if !(self.pg() || self.my()) {
                    return None;
                }
                let name = self.fresh("channel");
                let schema = if self.my() { "db" } else { "public" };
                self.enums.push(Enum {
                    schema: schema.into(),
                    name: name.clone(),
                    values: vec!["a".into(), "b".into()],
                });
                // Used by a new column, in either schema: cross-schema type references.
                let (s, n) = pick_table(rng)?;
                let col = self.fresh("kind");
                let default = if rng.chance(50) { Some("'a'".to_string()) } else { None };
                self.table_mut(&s, &n)?.cols.push(Col {
                    name: col.clone(),
                    ty: Ty::Enum(schema.into(), name.clone()),
                    not_null: rng.chance(30),
                    default,
                    identity: false,
                    comment: None,
                    collate: None,
                });
                Some(format!("add enum {schema}.{name} used by {s}.{n}.{col}"))
            }
            Kind::ToggleIdentity => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.cols.iter().any(|c| c.identity) {
                    let c = t.cols.iter_mut().find(|c| c.identity)?;
                    c.identity = false;
                    Some(format!("drop identity {s}.{n}.{}", c.name))
                } else {
                    // MySQL: AUTO_INCREMENT on a key, never in a check.
                    let (pk, checked): (Vec<String>, Vec<String>) =
                        (t.pk.clone(), t.checks.iter().map(|c| c.col.clone()).collect());
                    let c = t.cols.iter_mut().find(|c| {
                        c.ty.is_int()
                            && c.not_null
                            && c.default.is_none()
                            && (d != Dialect::Mysql || (pk == [c.name.clone()] && !checked.contains(&c.name)))
                    })?;
                    c.identity = true;
                    Some(format!("add identity {s}.{n}.{}", c.name))
                }
            }
            Kind::ChangeComment => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                let new = if rng.chance(30) { None } else { Some(format!("changed {}", rng.below(1000))) };
                if rng.chance(50) {
                    t.comment = new.clone();
                    Some(format!("table comment {s}.{n} -> {new:?}"))
                } else {
                    let i = rng.below(t.cols.len());
                    t.cols[i].comment = new.clone();
                    Some(format!("column comment {s}.{n}.{} -> {new:?}", t.cols[i].name))
                }
            }
            Kind::ChangeCollation => {
                let (s, n) = pick_table(rng)?;
                let t = self.tables.iter().find(|t| t.schema == s && t.name == n)?;
                // Not on keys: a foreign key needs the same collation at both ends.
                let cands: Vec<String> = t
                    .cols
                    .iter()
                    .filter(|c| {
                        c.ty.is_text()
                            && !t.pk.contains(&c.name)
                            && !t.fks.iter().any(|f| f.cols.contains(&c.name))
                            && !self.used_elsewhere_by_fk(&s, &n, &c.name)
                    })
                    .map(|c| c.name.clone())
                    .collect();
                let c = rng.pick(&cands)?.clone();
                let to = if rng.chance(30) { None } else { rng.pick(COLLATIONS).copied() };
                let col = self.table_mut(&s, &n)?.col_mut(&c)?;
                if col.collate == to {
                    return None;
                }
                col.collate = to;
                Some(format!("collation {s}.{n}.{c} -> {to:?}"))
            }
            Kind::AddTrigger => {
                if !self.my() {
                    return None;
                }
                let (s, n) = pick_table(rng)?;
                let name = self.fresh("trg");
                let t = self.table_mut(&s, &n)?;
                // A column the trigger can fill in whatever its type becomes (numbers stay numbers, text text).
                let cands: Vec<String> = t
                    .cols
                    .iter()
                    .filter(|c| !c.identity && (c.ty.is_number() || c.ty.is_text()))
                    .map(|c| c.name.clone())
                    .collect();
                let col = rng.pick(&cands)?.clone();
                let event = if rng.chance(50) { "INSERT" } else { "UPDATE" };
                let desc = format!("add trigger {name} before {event} on {s}.{n} setting {col}");
                t.triggers.push(Trigger { name, event, col });
                Some(desc)
            }
            Kind::DropTrigger => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.triggers.is_empty() {
                    return None;
                }
                let tr = t.triggers.remove(rng.below(t.triggers.len()));
                Some(format!("drop trigger {} on {s}.{n}", tr.name))
            }
            Kind::MoveColumn => {
                let (s, n) = pick_table(rng)?;
                let t = self.table_mut(&s, &n)?;
                if t.cols.len() < 2 {
                    return None;
                }
                let from = rng.below(t.cols.len());
                let c = t.cols.remove(from);
                let to = (from + 1 + rng.below(t.cols.len())) % (t.cols.len() + 1);
                let desc = format!("move column {s}.{n}.{} from {from} to {to}", c.name);
                t.cols.insert(to, c);
                Some(desc)
            }
            Kind::AddSequence => {
                if !self.pg() {
                    return None;
                }
                let name = self.fresh("seq");
                let schema = if rng.chance(30) { "aux" } else { "public" }.to_string();
                self.seqs.push(Seq {
                    schema: schema.clone(),
                    name: name.clone(),
                    start: 1 + rng.below(50) as i64,
                    incr: 1 + rng.below(3) as i64,
                });
                // Used by a default in some table (maybe in the other schema).
                let (ts, tn) = pick_table(rng)?;
                let t = self.table_mut(&ts, &tn)?;
                if let Some(c) = t.cols.iter_mut().find(|c| c.ty.is_int() && !c.identity && c.default.is_none()) {
                    c.default = Some(format!("nextval('{schema}.{name}'::regclass)"));
                }
                Some(format!("add sequence {schema}.{name}"))
            }
            Kind::DropSequence => {
                if self.seqs.is_empty() {
                    return None;
                }
                let seq = self.seqs.remove(rng.below(self.seqs.len()));
                let needle = format!("'{}.{}'", seq.schema, seq.name);
                // Defaults that used it go with it.
                for t in &mut self.tables {
                    for c in &mut t.cols {
                        if c.default.as_deref().is_some_and(|d| d.contains(&needle)) {
                            c.default = None;
                        }
                    }
                }
                Some(format!("drop sequence {}.{}", seq.schema, seq.name))
            }
        }
    }

    fn used_elsewhere_by_fk(&self, schema: &str, table: &str, col: &str) -> bool {
        self.tables.iter().any(|t| {
            t.fks.iter().any(|f| f.ref_schema == schema && f.ref_table == table && f.ref_cols.iter().any(|c| c == col))
        })
    }

    fn add_fk(&mut self, s: &str, n: &str, rng: &mut Rng) -> Option<String> {
        let parents: Vec<Parent> = self
            .tables
            .iter()
            .filter(|t| !(t.pk.is_empty() || (t.schema == s && t.name == n)))
            // Cross-schema only from aux to public, as the brief's example: aux depends on public.
            .filter(|t| t.schema == s || t.schema == "public")
            // A shrunk schema may have lost a key column; such a table is no parent.
            .filter_map(|t| {
                let cols: Option<Vec<(String, Ty)>> =
                    t.pk.iter().map(|c| Some((c.clone(), t.col(c)?.ty.clone()))).collect();
                Some((t.schema.clone(), t.name.clone(), cols?))
            })
            .collect();
        let (ps, pn, pcols) = rng.pick(&parents)?.clone();
        let name = if rng.chance(50) { Some(self.fresh("fk")) } else { None };
        let mut new_cols = vec![];
        for (c, ty) in &pcols {
            new_cols.push(Col {
                name: self.fresh(&format!("{}_{c}", pn.split('_').next().unwrap_or("p"))),
                ty: ty.clone(),
                not_null: rng.chance(30),
                default: None,
                identity: false,
                comment: None,
                collate: None,
            });
        }
        let nullable = new_cols.iter().all(|c| !c.not_null);
        let fk = Fk {
            name,
            cols: new_cols.iter().map(|c| c.name.clone()).collect(),
            ref_schema: ps.clone(),
            ref_table: pn.clone(),
            ref_cols: pcols.iter().map(|(c, _)| c.clone()).collect(),
            on_delete: random_action(rng, nullable, self.dialect),
            on_update: random_action(rng, nullable, self.dialect),
        };
        let desc = format!("add fk {:?} {s}.{n}{:?} -> {ps}.{pn}{:?}", fk.name, fk.cols, fk.ref_cols);
        let t = self.table_mut(s, n)?;
        t.cols.extend(new_cols);
        t.fks.push(fk);
        Some(desc)
    }

    fn rename_column(&mut self, s: &str, n: &str, from: &str, to: &str) {
        let Some(t) = self.table_mut(s, n) else { return };
        if let Some(c) = t.col_mut(from) {
            c.name = to.to_string();
        }
        rename_in(&mut t.pk, from, to);
        for u in &mut t.uniques {
            rename_in(&mut u.cols, from, to);
        }
        for i in &mut t.indexes {
            for p in &mut i.parts {
                match p {
                    Part::Col(c, _) | Part::Lower(c) | Part::Prefix(c, _) if c == from => *c = to.to_string(),
                    _ => {}
                }
            }
            if i.pred.as_deref() == Some(from) {
                i.pred = Some(to.to_string());
            }
        }
        for f in &mut t.fks {
            rename_in(&mut f.cols, from, to);
        }
        for c in &mut t.checks {
            if c.col == from {
                c.col = to.to_string();
            }
        }
        for tr in &mut t.triggers {
            if tr.col == from {
                tr.col = to.to_string();
            }
        }
        for t in &mut self.tables {
            for f in &mut t.fks {
                if f.ref_schema == s && f.ref_table == n {
                    rename_in(&mut f.ref_cols, from, to);
                }
            }
        }
        for v in &mut self.views {
            if v.table_schema == s && v.table == n {
                rename_in(&mut v.cols, from, to);
                if v.filter.as_deref() == Some(from) {
                    v.filter = Some(to.to_string());
                }
            }
        }
    }

    /// Removes a table with everything that depends on it (foreign keys to it, views over it).
    pub fn remove_table(&mut self, s: &str, n: &str) {
        self.tables.retain(|t| !(t.schema == s && t.name == n));
        for t in &mut self.tables {
            t.fks.retain(|f| !(f.ref_schema == s && f.ref_table == n));
        }
        self.views.retain(|v| !(v.table_schema == s && v.table == n));
    }
}

fn random_action(rng: &mut Rng, nullable: bool, d: Dialect) -> &'static str {
    loop {
        let a = ACTIONS[rng.below(ACTIONS.len())];
        // SET NULL on a NOT NULL column is legal DDL but a trap (and MySQL refuses it); keep actions meaningful.
        // InnoDB parses SET DEFAULT and drops it: a change to it would be no change.
        if (a != "SET NULL" || nullable) && (a != "SET DEFAULT" || d != Dialect::Mysql) {
            return a;
        }
    }
}

fn random_view(t: &Table, schema: String, name: String, rng: &mut Rng) -> View {
    let mut cols: Vec<String> = t.cols.iter().filter(|_| rng.chance(50)).map(|c| c.name.clone()).collect();
    if cols.is_empty() {
        cols.push(t.cols[0].name.clone());
    }
    let filter = if rng.chance(40) { rng.pick(&t.cols).map(|c| c.name.clone()) } else { None };
    View { schema, name, table_schema: t.schema.clone(), table: t.name.clone(), cols, filter }
}

fn quote_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A MySQL identifier in backticks.
fn bq(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

impl Schema {
    /// The qualified name of an object as written in SQL.
    fn q(&self, schema: &str, name: &str) -> String {
        if self.pg() { format!("{schema}.{name}") } else { name.to_string() }
    }

    fn check_sql(&self, c: &Check) -> String {
        match &c.kind {
            CheckKind::Positive if self.my() => format!("{} > 0", bq(&c.col)),
            CheckKind::NonEmpty if self.my() => format!("char_length({}) > 0", bq(&c.col)),
            CheckKind::In(vals) if self.my() => {
                format!("{} IN ({})", bq(&c.col), vals.iter().map(|v| quote_lit(v)).collect::<Vec<_>>().join(", "))
            }
            CheckKind::Positive => format!("{} > 0", c.col),
            CheckKind::NonEmpty => format!("length({}) > 0", c.col),
            CheckKind::In(vals) => {
                format!("{} IN ({})", c.col, vals.iter().map(|v| quote_lit(v)).collect::<Vec<_>>().join(", "))
            }
        }
    }

    /// The schema as SQL its database's own client loads.
    pub fn sql(&self) -> String {
        if self.my() {
            return self.mysql_sql();
        }
        let d = self.dialect;
        let mut out = String::new();
        if self.pg() {
            out.push_str("CREATE SCHEMA aux;\n");
            for e in &self.enums {
                let vals = e.values.iter().map(|v| quote_lit(v)).collect::<Vec<_>>().join(", ");
                let _ = writeln!(out, "CREATE TYPE {} AS ENUM ({vals});", self.q(&e.schema, &e.name));
            }
            for s in &self.seqs {
                let _ = writeln!(
                    out,
                    "CREATE SEQUENCE {} START WITH {} INCREMENT BY {};",
                    self.q(&s.schema, &s.name),
                    s.start,
                    s.incr
                );
            }
        }
        let mut created: Vec<(String, String)> = vec![];
        let mut deferred = vec![];
        for t in &self.tables {
            let mut lines = vec![];
            for c in &t.cols {
                let mut l = format!("  {} {}", c.name, c.ty.sql(d));
                if c.identity {
                    l.push_str(" GENERATED BY DEFAULT AS IDENTITY");
                }
                if c.not_null {
                    l.push_str(" NOT NULL");
                }
                if let Some(def) = &c.default {
                    let _ = write!(l, " DEFAULT {def}");
                }
                lines.push(l);
            }
            if !t.pk.is_empty() {
                lines.push(format!("  PRIMARY KEY ({})", t.pk.join(", ")));
            }
            for u in &t.uniques {
                let name = u.name.as_ref().map(|n| format!("CONSTRAINT {n} ")).unwrap_or_default();
                lines.push(format!("  {name}UNIQUE ({})", u.cols.join(", ")));
            }
            for c in &t.checks {
                let name = c.name.as_ref().map(|n| format!("CONSTRAINT {n} ")).unwrap_or_default();
                lines.push(format!("  {name}CHECK ({})", self.check_sql(c)));
            }
            for f in &t.fks {
                let name = f.name.as_ref().map(|n| format!("CONSTRAINT {n} ")).unwrap_or_default();
                let fk = format!(
                    "{name}FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                    f.cols.join(", "),
                    self.q(&f.ref_schema, &f.ref_table),
                    f.ref_cols.join(", "),
                    f.on_delete,
                    f.on_update
                );
                // SQLite resolves a parent only when the key is used; PostgreSQL needs it first.
                let ready = !self.pg() || created.contains(&(f.ref_schema.clone(), f.ref_table.clone()));
                if ready {
                    lines.push(format!("  {fk}"));
                } else {
                    deferred.push(format!("ALTER TABLE {} ADD {fk};", self.q(&t.schema, &t.name)));
                }
            }
            let _ = writeln!(out, "CREATE TABLE {} (\n{}\n);", self.q(&t.schema, &t.name), lines.join(",\n"));
            created.push((t.schema.clone(), t.name.clone()));
            for i in &t.indexes {
                let parts: Vec<String> = i
                    .parts
                    .iter()
                    .map(|p| match p {
                        Part::Col(c, true) => format!("{c} DESC"),
                        Part::Col(c, false) => c.clone(),
                        Part::Lower(c) => format!("lower({c})"),
                        Part::Prefix(c, _) => c.clone(),
                    })
                    .collect();
                let unique = if i.unique { "UNIQUE " } else { "" };
                let pred = i.pred.as_ref().map(|c| format!(" WHERE {c} IS NOT NULL")).unwrap_or_default();
                // PostgreSQL creates an index in its table's schema: the index name is not qualified.
                let _ = writeln!(
                    out,
                    "CREATE {unique}INDEX {} ON {} ({}){pred};",
                    i.name,
                    self.q(&t.schema, &t.name),
                    parts.join(", ")
                );
            }
            if let Some(c) = &t.comment {
                let _ = writeln!(out, "COMMENT ON TABLE {} IS {};", self.q(&t.schema, &t.name), quote_lit(c));
            }
            for c in &t.cols {
                if let Some(cm) = &c.comment {
                    let _ = writeln!(
                        out,
                        "COMMENT ON COLUMN {}.{} IS {};",
                        self.q(&t.schema, &t.name),
                        c.name,
                        quote_lit(cm)
                    );
                }
            }
        }
        for l in deferred {
            let _ = writeln!(out, "{l}");
        }
        for v in &self.views {
            let filter = v.filter.as_ref().map(|c| format!(" WHERE {c} IS NOT NULL")).unwrap_or_default();
            let _ = writeln!(
                out,
                "CREATE VIEW {} AS SELECT {} FROM {}{filter};",
                self.q(&v.schema, &v.name),
                v.cols.join(", "),
                self.q(&v.table_schema, &v.table)
            );
        }
        out
    }
}

/// A pair: a base schema and the changes that derive the desired one. Each
/// change is a kind and its own seed, so dropping one leaves the others as
/// they were (as far as the schema they meet allows).
#[derive(Clone, Debug)]
pub struct Pair {
    pub base: Schema,
    pub changes: Vec<(Kind, u64)>,
}

impl Pair {
    pub fn random(dialect: Dialect, seed: u64, attempt: u64) -> Pair {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(attempt));
        let base = Schema::random(dialect, &mut rng);
        let changes = (0..1 + rng.below(6)).map(|_| (random_kind(dialect, &mut rng), rng.next())).collect();
        Pair { base, changes }
    }

    /// The desired schema and the description of each change that applied.
    pub fn desired(&self) -> (Schema, Vec<String>) {
        let mut s = self.base.clone();
        let mut descs = vec![];
        for (kind, seed) in &self.changes {
            let mut rng = Rng::new(*seed);
            if let Some(d) = s.apply(*kind, &mut rng) {
                descs.push(d);
            }
        }
        (s, descs)
    }
}

impl Schema {
    /// A MySQL column type; an enum's values are written inline.
    fn mysql_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::Enum(s, n) => match self.enums.iter().find(|e| &e.schema == s && &e.name == n) {
                Some(e) => format!("enum({})", e.values.iter().map(|v| quote_lit(v)).collect::<Vec<_>>().join(",")),
                None => ty.sql(Dialect::Mysql),
            },
            ty => ty.sql(Dialect::Mysql),
        }
    }

    /// A MySQL key part: a TEXT or BLOB column is indexed by a prefix.
    fn mysql_key_part(t: &Table, col: &str, desc: bool) -> String {
        let prefix = if t.col(col).is_some_and(|c| c.ty.needs_prefix()) { "(10)" } else { "" };
        format!("{}{prefix}{}", bq(col), if desc { " DESC" } else { "" })
    }

    /// The schema as a MySQL/MariaDB script: keys, checks and foreign keys
    /// inside CREATE TABLE (a foreign key to a table created later is added
    /// after all the tables), then the views.
    fn mysql_sql(&self) -> String {
        let mut out = String::new();
        let mut created: Vec<&str> = vec![];
        let mut deferred = vec![];
        for t in &self.tables {
            let mut lines = vec![];
            for c in &t.cols {
                let mut l = format!("  {} {}", bq(&c.name), self.mysql_type(&c.ty));
                // Text columns only: a type change to another kind leaves it out.
                if let Some(coll) = c.collate.filter(|_| c.ty.is_text() || matches!(c.ty, Ty::Enum(..))) {
                    let _ = write!(l, " COLLATE {coll}");
                }
                if c.not_null {
                    l.push_str(" NOT NULL");
                }
                match &c.default {
                    Some(def) if c.ty.literal_default() => {
                        let _ = write!(l, " DEFAULT {def}");
                    }
                    Some(def) => {
                        let _ = write!(l, " DEFAULT ({def})");
                    }
                    None => {}
                }
                if c.identity {
                    l.push_str(" AUTO_INCREMENT");
                }
                if let Some(cm) = &c.comment {
                    let _ = write!(l, " COMMENT {}", quote_lit(cm));
                }
                lines.push(l);
            }
            let list = |cols: &[String]| cols.iter().map(|c| bq(c)).collect::<Vec<_>>().join(", ");
            if !t.pk.is_empty() {
                lines.push(format!("  PRIMARY KEY ({})", list(&t.pk)));
            }
            for u in &t.uniques {
                let name = u.name.as_ref().map(|n| format!("CONSTRAINT {} ", bq(n))).unwrap_or_default();
                let parts: Vec<String> = u.cols.iter().map(|c| Self::mysql_key_part(t, c, false)).collect();
                lines.push(format!("  {name}UNIQUE ({})", parts.join(", ")));
            }
            for i in &t.indexes {
                let parts: Vec<String> = i
                    .parts
                    .iter()
                    .map(|p| match p {
                        Part::Col(c, desc) => Self::mysql_key_part(t, c, *desc),
                        Part::Prefix(c, n) => format!("{}({n})", bq(c)),
                        Part::Lower(c) => Self::mysql_key_part(t, c, false),
                    })
                    .collect();
                let unique = if i.unique { "UNIQUE " } else { "" };
                lines.push(format!("  {unique}KEY {} ({})", bq(&i.name), parts.join(", ")));
            }
            for c in &t.checks {
                let name = c.name.as_ref().map(|n| format!("CONSTRAINT {} ", bq(n))).unwrap_or_default();
                lines.push(format!("  {name}CHECK ({})", self.check_sql(c)));
            }
            for f in &t.fks {
                let name = f.name.as_ref().map(|n| format!("CONSTRAINT {} ", bq(n))).unwrap_or_default();
                let fk = format!(
                    "{name}FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                    list(&f.cols),
                    bq(&f.ref_table),
                    list(&f.ref_cols),
                    f.on_delete,
                    f.on_update
                );
                if created.contains(&f.ref_table.as_str()) {
                    lines.push(format!("  {fk}"));
                } else {
                    deferred.push(format!("ALTER TABLE {} ADD {fk};", bq(&t.name)));
                }
            }
            let comment = t.comment.as_ref().map(|c| format!(" COMMENT={}", quote_lit(c))).unwrap_or_default();
            let _ = writeln!(out, "CREATE TABLE {} (\n{}\n){comment};", bq(&t.name), lines.join(",\n"));
            created.push(&t.name);
        }
        for l in deferred {
            let _ = writeln!(out, "{l}");
        }
        for t in &self.tables {
            for tr in &t.triggers {
                let fallback = if t.col(&tr.col).is_some_and(|c| c.ty.is_text()) { "''" } else { "0" };
                let _ = writeln!(
                    out,
                    "CREATE TRIGGER {} BEFORE {} ON {} FOR EACH ROW SET NEW.{c} = COALESCE(NEW.{c}, {fallback});",
                    bq(&tr.name),
                    tr.event,
                    bq(&t.name),
                    c = bq(&tr.col),
                );
            }
        }
        for v in &self.views {
            let filter = v.filter.as_ref().map(|c| format!(" WHERE {} IS NOT NULL", bq(c))).unwrap_or_default();
            let cols: Vec<String> = v.cols.iter().map(|c| bq(c)).collect();
            let _ = writeln!(
                out,
                "CREATE VIEW {} AS SELECT {} FROM {}{filter};",
                bq(&v.name),
                cols.join(", "),
                bq(&v.table)
            );
        }
        out
    }
}
