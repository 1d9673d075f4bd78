//! Differential test of `DecimalContext` against CPython's `decimal` module: 3 000 random
//! additions, subtractions, multiplications, divisions and square roots, with the results Python
//! printed (`data/python_decimal.txt`, made by `data/gen_python_decimal.py`). Every result must be
//! equal, and every trapped exception must be the matching error.

use std::str::FromStr;

use cp_amm::{CpAmmError, Decimal, DecimalContext};

fn parse(s: &str) -> Decimal {
    if s.contains(['E', 'e']) {
        Decimal::from_scientific(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    } else {
        Decimal::from_str_exact(s)
            .or_else(|_| Decimal::from_str(s))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    }
}

#[test]
fn every_operation_equals_cpython() {
    let ctx = DecimalContext::PYTHON_DEFAULT;
    let data = include_str!("data/python_decimal.txt");
    let mut checked = 0;
    for (line_no, line) in data.lines().enumerate() {
        let f: Vec<&str> = line.split(' ').collect();
        let [op, a, b, want] = f[..] else {
            panic!("line {}: `{line}`", line_no + 1)
        };
        let a = parse(a);
        let got = match op {
            "add" => ctx.add(a, parse(b)),
            "sub" => ctx.sub(a, parse(b)),
            "mul" => ctx.mul(a, parse(b)),
            "div" => ctx.div(a, parse(b)),
            "sqrt" => ctx.sqrt(a),
            _ => panic!("line {}: unknown op {op}", line_no + 1),
        };
        match (want, got) {
            ("DivisionByZero", Err(CpAmmError::DivisionByZero { .. }))
            | (
                "InvalidOperation",
                Err(CpAmmError::InvalidOperation { .. } | CpAmmError::NegativeSqrt { .. }),
            ) => {}
            (want, Ok(got)) if !want.starts_with(char::is_alphabetic) => {
                assert_eq!(got, parse(want), "line {}: {line}", line_no + 1);
            }
            (want, got) => panic!("line {}: {line}: expected {want}, got {got:?}", line_no + 1),
        }
        checked += 1;
    }
    assert_eq!(checked, 3000);
}
