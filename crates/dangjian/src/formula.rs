//! Indicator formulas: `+ - * /`, unary minus, parentheses, decimal numbers and indicator ids.

use std::collections::BTreeSet;

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A decimal number.
    Num(f64),
    /// Another indicator's value.
    Var(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Bin(Op, Box<Expr>, Box<Expr>),
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Why a formula does not parse: the message and the character offset.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {offset}")]
pub struct FormulaError {
    /// What is wrong.
    pub message: String,
    /// Character offset (0-based) into the formula.
    pub offset: usize,
}

/// How deep a formula's tree may be (each operator and unary minus is one level: a sum of
/// 500 terms is 499 levels). Deeper formulas are refused rather than risking the stack in
/// the recursive evaluator.
pub const MAX_DEPTH: usize = 500;

/// How many parentheses and unary minuses may be open at once (each is a few frames of the
/// recursive parser).
pub const MAX_NESTING: usize = 100;

/// Whether `s` is a valid indicator id: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_indicator_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Expr {
    /// Parses a formula.
    ///
    /// ```
    /// use dangjian::formula::Expr;
    /// let e = Expr::parse("lotus_area * lotus_revenue_per_mu").unwrap();
    /// let v = e.eval(&|id: &str| match id { "lotus_area" => Some(105.0), _ => Some(6500.0) });
    /// assert_eq!(v, Some(682_500.0));
    /// ```
    pub fn parse(src: &str) -> Result<Expr, FormulaError> {
        let chars: Vec<char> = src.chars().collect();
        let mut p = Parser {
            chars: &chars,
            pos: 0,
            nesting: 0,
        };
        p.skip_ws();
        if p.pos == chars.len() {
            return Err(p.err("empty formula"));
        }
        let (e, _) = p.expr(0)?;
        p.skip_ws();
        if p.pos != chars.len() {
            return Err(p.err(&format!("unexpected `{}`", chars[p.pos])));
        }
        Ok(e)
    }

    /// The indicator ids the formula names.
    pub fn variables(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect_vars(&mut out);
        out
    }

    fn collect_vars(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(v) => {
                out.insert(v.clone());
            }
            Expr::Neg(e) => e.collect_vars(out),
            Expr::Bin(_, a, b) => {
                a.collect_vars(out);
                b.collect_vars(out);
            }
        }
    }

    /// Evaluates with `value` giving each variable; `None` when a variable has no value or a
    /// division by zero happens (or the result is not finite).
    pub fn eval(&self, value: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
        let v = match self {
            Expr::Num(n) => *n,
            Expr::Var(id) => value(id)?,
            Expr::Neg(e) => -e.eval(value)?,
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(value)?, b.eval(value)?);
                match op {
                    Op::Add => a + b,
                    Op::Sub => a - b,
                    Op::Mul => a * b,
                    Op::Div => {
                        if b == 0.0 {
                            return None;
                        }
                        a / b
                    }
                }
            }
        };
        v.is_finite().then_some(v)
    }
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// Open parentheses and unary minuses around the current position.
    nesting: usize,
}

impl Parser<'_> {
    fn err(&self, m: &str) -> FormulaError {
        FormulaError {
            message: m.to_string(),
            offset: self.pos,
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn too_deep(&self) -> FormulaError {
        self.err(&format!(
            "the formula is more than {MAX_DEPTH} operations deep"
        ))
    }

    /// Precedence climbing: level 0 is `+ -`, level 1 is `* /`. Returns the expression and
    /// the depth of its tree.
    fn expr(&mut self, level: u8) -> Result<(Expr, usize), FormulaError> {
        if level == 2 {
            return self.unary();
        }
        let (mut lhs, mut depth) = self.expr(level + 1)?;
        loop {
            let op = match (level, self.peek()) {
                (0, Some('+')) => Op::Add,
                (0, Some('-')) => Op::Sub,
                (1, Some('*')) => Op::Mul,
                (1, Some('/')) => Op::Div,
                _ => return Ok((lhs, depth)),
            };
            self.pos += 1;
            let (rhs, rhs_depth) = self.expr(level + 1)?;
            depth = depth.max(rhs_depth) + 1;
            if depth > MAX_DEPTH {
                return Err(self.too_deep());
            }
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
    }

    fn unary(&mut self) -> Result<(Expr, usize), FormulaError> {
        match self.peek() {
            Some(c @ ('-' | '(')) => {
                self.nesting += 1;
                if self.nesting > MAX_NESTING {
                    return Err(self.err(&format!(
                        "the formula nests more than {MAX_NESTING} parentheses or minus signs"
                    )));
                }
                self.pos += 1;
                let out = if c == '-' {
                    self.unary().map(|(e, d)| (Expr::Neg(Box::new(e)), d + 1))
                } else {
                    let e = self.expr(0)?;
                    if self.peek() != Some(')') {
                        return Err(self.err("expected `)`"));
                    }
                    self.pos += 1;
                    Ok(e)
                };
                self.nesting -= 1;
                let (e, d) = out?;
                if d > MAX_DEPTH {
                    return Err(self.too_deep());
                }
                Ok((e, d))
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.pos;
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].is_ascii_digit() || self.chars[self.pos] == '.')
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                text.parse::<f64>()
                    .map(|n| (Expr::Num(n), 0))
                    .map_err(|_| FormulaError {
                        message: format!("`{text}` is not a decimal number"),
                        offset: start,
                    })
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].is_ascii_alphanumeric() || self.chars[self.pos] == '_')
                {
                    self.pos += 1;
                }
                Ok((Expr::Var(self.chars[start..self.pos].iter().collect()), 0))
            }
            Some(c) => Err(self.err(&format!("unexpected `{c}`"))),
            None => Err(self.err("unexpected end of formula")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_unary_minus() {
        // 2 + 3 * 4 = 14; -(2 - 5) / 2 = 1.5
        let none = |_: &str| None;
        assert_eq!(Expr::parse("2 + 3 * 4").unwrap().eval(&none), Some(14.0));
        assert_eq!(Expr::parse("-(2 - 5) / 2").unwrap().eval(&none), Some(1.5));
        assert_eq!(Expr::parse("1 - 2 - 3").unwrap().eval(&none), Some(-4.0));
    }

    #[test]
    fn division_by_zero_has_no_value() {
        assert_eq!(
            Expr::parse("a / b")
                .unwrap()
                .eval(&|v| Some(if v == "a" { 1.0 } else { 0.0 })),
            None
        );
    }

    #[test]
    fn bad_formulas_do_not_parse() {
        for f in ["", "a +", "(a", "a b", "2e3", "1..2", "a ^ 2"] {
            assert!(Expr::parse(f).is_err(), "{f} should not parse");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        // 100,000 parentheses or unary minuses: past MAX_NESTING; a sum of 100,000 terms:
        // past MAX_DEPTH.
        for f in [
            format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("{}a", "-".repeat(100_000)),
        ] {
            let e = Expr::parse(&f).unwrap_err();
            assert_eq!(
                e.message,
                "the formula nests more than 100 parentheses or minus signs"
            );
            assert_eq!(e.offset, 100);
        }
        let e = Expr::parse(&vec!["a"; 100_000].join(" + ")).unwrap_err();
        assert_eq!(e.message, "the formula is more than 500 operations deep");
        // Up to the limits is fine: 100 parentheses; a sum of 501 terms (500 additions),
        // which also evaluates and drops without trouble.
        assert!(Expr::parse(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).is_ok());
        let sum = Expr::parse(&vec!["a"; 501].join(" + ")).unwrap();
        assert_eq!(sum.eval(&|_| Some(1.0)), Some(501.0));
        assert_eq!(sum.variables().len(), 1);
    }

    #[test]
    fn indicator_ids() {
        assert!(is_indicator_id("lotus_area"));
        assert!(is_indicator_id("_x1"));
        assert!(!is_indicator_id("1x"));
        assert!(!is_indicator_id("a-b"));
        assert!(!is_indicator_id(""));
    }
}
