//! A tiny arithmetic evaluator for case calculations (`large_stores * large_rev / 100`): numbers,
//! named variables, + - * /, unary minus and parentheses. Enough to check that a case's numbers are
//! consistent; general-purpose crates for this are AGPL (evalexpr) or far larger than needed.
use std::collections::BTreeMap;

pub fn eval(expr: &str, vars: &BTreeMap<String, f64>) -> Result<f64, String> {
    let tokens = tokenize(expr)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        vars,
    };
    let v = p.expr()?;
    if p.pos != p.tokens.len() {
        return Err(format!("unexpected {:?} in {expr:?}", p.tokens[p.pos]));
    }
    Ok(v)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(char),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            out.push(Tok::Num(
                text.parse().map_err(|_| format!("bad number {text:?}"))?,
            ));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if "+-*/()".contains(c) {
            out.push(Tok::Op(c));
            i += 1;
        } else {
            return Err(format!("unexpected character {c:?}"));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Tok>,
    pos: usize,
    vars: &'a BTreeMap<String, f64>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn expr(&mut self) -> Result<f64, String> {
        let mut v = self.term()?;
        while let Some(Tok::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.pos += 1;
            let r = self.term()?;
            v = if op == '+' { v + r } else { v - r };
        }
        Ok(v)
    }

    fn term(&mut self) -> Result<f64, String> {
        let mut v = self.factor()?;
        while let Some(Tok::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.pos += 1;
            let r = self.factor()?;
            v = if op == '*' {
                v * r
            } else if r == 0.0 {
                return Err("division by zero".into());
            } else {
                v / r
            };
        }
        Ok(v)
    }

    fn factor(&mut self) -> Result<f64, String> {
        match self.tokens.get(self.pos).cloned() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                self.vars
                    .get(&name)
                    .copied()
                    .ok_or_else(|| format!("unknown name {name:?}"))
            }
            Some(Tok::Op('-')) => {
                self.pos += 1;
                Ok(-self.factor()?)
            }
            Some(Tok::Op('(')) => {
                self.pos += 1;
                let v = self.expr()?;
                if self.peek() != Some(&Tok::Op(')')) {
                    return Err("missing )".into());
                }
                self.pos += 1;
                Ok(v)
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let mut v = BTreeMap::new();
        v.insert("stores".to_string(), 60.0);
        v.insert("rev".to_string(), 21.0);
        assert_eq!(
            eval("stores * rev * 4.8 / 100", &v).unwrap(),
            60.0 * 21.0 * 4.8 / 100.0
        );
        assert_eq!(eval("-(2 + 3) * 4 - 1", &v).unwrap(), -21.0);
        assert_eq!(eval("1_000 / 4", &v).unwrap(), 250.0);
        assert!(eval("stores * unknown", &v).is_err());
        assert!(eval("1 / 0", &v).is_err());
        assert!(eval("(1 + 2", &v).is_err());
        assert!(eval("1 +", &v).is_err());
    }
}
