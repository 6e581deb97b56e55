//! bench-bcrypt — times one bcrypt verification at a given cost with the same crate and version as the
//! server (bcrypt 0.19, `non_truncating_verify`), single-threaded. scripts/bench.sh builds it into
//! .tmp/bench-bcrypt and prints `cores ÷ this time` as the login throughput bound.
//!
//! Usage: bench-bcrypt COST ROUNDS   → prints `BENCHJSON {"cost":…, "ms_median":…, "ms_min":…}`
fn main() {
    let mut args = std::env::args().skip(1);
    let cost: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(12);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let password = "violet-anchor-river-42";
    let hash = bcrypt::non_truncating_hash(password, cost).expect("hash");
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        let ok = bcrypt::non_truncating_verify(password, &hash).expect("verify");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(ok);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "BENCHJSON {{\"cost\":{cost},\"rounds\":{rounds},\"ms_median\":{:.2},\"ms_min\":{:.2}}}",
        times[times.len() / 2],
        times[0]
    );
}
