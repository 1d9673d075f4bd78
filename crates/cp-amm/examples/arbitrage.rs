//! The Flash V3 set-up in miniature: speculators trade on an external pool, and an arbitrageur
//! brings an internal pool back to the external price after each trade (the seed's
//! `amm_arb_calc`), in Python-context `Decimal`.
//!
//! Run with `cargo run -p cp-amm --example arbitrage`.
#![expect(clippy::print_stdout, reason = "an example prints its results")]

use cp_amm::{CpAmmError, Decimal, Fee, Pool, Token};

fn main() -> Result<(), CpAmmError> {
    // The seed's initial state: 100 000 FLASH (X) and 100 000 ALT (Y) in each pool.
    let start = Decimal::from(100_000);
    let mut external = Pool::new(start, start, Fee::ZERO)?;
    let mut internal = Pool::new(start, start, Fee::ZERO)?;

    // A fixed tape of speculative trades on the external pool: (token sold, amount).
    let tape = [
        (Token::X, "78.8339868868007869195935"),
        (Token::Y, "2500"),
        (Token::X, "4000"),
        (Token::Y, "9000.5"),
        (Token::X, "1234.5678"),
        (Token::Y, "310.25"),
    ];

    println!(
        "{:>4}  {:>32}  {:>6}  {:>30}  {:>32}",
        "step", "external price (ALT/FLASH)", "arb in", "arb amount", "internal price after"
    );
    for (step, (token, amount)) in tape.iter().enumerate() {
        let amount: Decimal = amount.parse().map_err(|_| CpAmmError::InvalidOperation {
            op: "parse a tape amount",
        })?;
        external.swap_exact_in(*token, amount)?;
        let target = external.price()?;
        let (side, traded) = match internal.arb_to_price(target)? {
            Some((trade, _)) => (format!("{:?}", trade.input), trade.amount.to_string()),
            None => ("-".to_owned(), "0".to_owned()),
        };
        println!(
            "{:>4}  {:>32}  {:>6}  {:>30}  {:>32}",
            step + 1,
            target,
            side,
            traded,
            internal.price()?
        );
    }
    println!(
        "\ninternal pool: {} FLASH, {} ALT, k = {}",
        internal.reserve_x(),
        internal.reserve_y(),
        internal.k()?
    );
    Ok(())
}
