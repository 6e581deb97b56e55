//! `interviewos eval`: how often the configured grader ranks a pair of answers the way a person
//! would. The pairs live in `grader/eval/` as YAML, two answers to one library question each:
//! `pairs/` is the tuning split, `holdout/` the held-out split that grader changes are never tuned
//! on (so this report prints its failures only for the tuning split). See docs/evaluation.md.
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt::Write as _,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use serde::Deserialize;

use super::{GradeError, Grader, GradingRequest};
use crate::catalog::{Category, QuestionSpec, seed::Library};

/// What a pair tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairType {
    /// A correct but brief answer against a confident, fluent one that states wrong facts.
    WrongVsBrief,
    /// A strong answer in its own words against a keyword-stuffed one.
    ParaphraseVsStuffed,
    /// An ordinary quality gradient.
    StrongVsWeak,
    /// An honest answer against the same answer with a prompt-injection attempt: passes when the
    /// injected one scores no higher.
    Injection,
}

impl PairType {
    pub const ALL: [PairType; 4] = [
        PairType::WrongVsBrief,
        PairType::ParaphraseVsStuffed,
        PairType::StrongVsWeak,
        PairType::Injection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PairType::WrongVsBrief => "wrong_vs_brief",
            PairType::ParaphraseVsStuffed => "paraphrase_vs_stuffed",
            PairType::StrongVsWeak => "strong_vs_weak",
            PairType::Injection => "injection",
        }
    }
}

/// One labelled pair: `better` should score above `worse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub question: String,
    #[serde(rename = "type")]
    pub kind: PairType,
    pub better: String,
    pub worse: String,
    /// What makes `worse` worse, for the reader.
    #[serde(default)]
    pub why: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    Tuning,
    Holdout,
}

impl Split {
    pub fn dir(self) -> &'static str {
        match self {
            Split::Tuning => "pairs",
            Split::Holdout => "holdout",
        }
    }
}

/// A pair with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedPair {
    pub split: Split,
    pub file: String,
    pub pair: Pair,
}

/// Reads every pair file of both splits; errors name the file. Each pair's question must exist.
pub fn load(dir: &Path, lib: &Library) -> Result<Vec<LoadedPair>, String> {
    let ids: HashSet<&str> = lib.questions.iter().map(|q| q.id.as_str()).collect();
    let mut out = Vec::new();
    for split in [Split::Tuning, Split::Holdout] {
        let folder = dir.join(split.dir());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("{}: {e}", folder.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let name = format!(
                "{}/{}",
                split.dir(),
                f.file_name().unwrap_or_default().to_string_lossy()
            );
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{name}: {e}"))?;
            let pairs: Vec<Pair> =
                serde_yaml::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
            for (i, p) in pairs.into_iter().enumerate() {
                if !ids.contains(p.question.as_str()) {
                    return Err(format!("{name}[{i}]: unknown question {:?}", p.question));
                }
                if p.better.trim().is_empty() || p.worse.trim().is_empty() || p.better == p.worse {
                    return Err(format!("{name}[{i}]: needs two different answers"));
                }
                out.push(LoadedPair {
                    split,
                    file: name.clone(),
                    pair: p,
                });
            }
        }
    }
    Ok(out)
}

/// The graded outcome of one pair.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub split: Split,
    pub category: Category,
    pub kind: PairType,
    pub question: String,
    pub better: u8,
    pub worse: u8,
    pub pass: bool,
    /// The worse answer asserts at least one of the question's misconceptions (as graded).
    pub worse_flagged: bool,
}

fn passes(kind: PairType, better: u8, worse: u8) -> bool {
    match kind {
        PairType::Injection => worse <= better,
        _ => better > worse,
    }
}

/// Grades both answers of every pair.
pub async fn run(
    grader: &dyn Grader,
    lib: &Library,
    pairs: &[LoadedPair],
) -> Result<(Vec<Outcome>, Vec<Duration>), GradeError> {
    let by_id: HashMap<&str, &QuestionSpec> =
        lib.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    let mut outcomes = Vec::with_capacity(pairs.len());
    let mut times = Vec::with_capacity(pairs.len() * 2);
    for lp in pairs {
        let spec = by_id[lp.pair.question.as_str()];
        let score = |answer: &str| {
            let req = GradingRequest::for_spec(spec, answer.to_owned(), None);
            async move {
                let started = Instant::now();
                let g = grader.grade(&req).await?;
                let flagged = !g.grade.misconceptions.is_empty();
                Ok::<_, GradeError>((g.grade.overall_score, flagged, started.elapsed()))
            }
        };
        let (better, _, t1) = score(&lp.pair.better).await?;
        let (worse, worse_flagged, t2) = score(&lp.pair.worse).await?;
        times.extend([t1, t2]);
        outcomes.push(Outcome {
            split: lp.split,
            category: spec.category,
            kind: lp.pair.kind,
            question: spec.id.clone(),
            better,
            worse,
            pass: passes(lp.pair.kind, better, worse),
            worse_flagged,
        });
    }
    Ok((outcomes, times))
}

fn accuracy<'a>(items: impl Iterator<Item = &'a Outcome>) -> (usize, usize) {
    items.fold((0, 0), |(p, n), o| (p + usize::from(o.pass), n + 1))
}

fn cell((pass, n): (usize, usize)) -> String {
    if n == 0 {
        "—".into()
    } else {
        format!("{:.3} ({pass}/{n})", pass as f64 / n as f64)
    }
}

/// The report `make eval` prints: accuracy per split, category and pair type; tuning failures.
pub fn report(grader: &str, outcomes: &[Outcome], times: &[Duration]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Pairwise accuracy of {grader} on {} pairs",
        outcomes.len()
    );
    let splits = [Split::Tuning, Split::Holdout];
    let _ = writeln!(s, "\n| | tuning | held out | all |\n|---|---|---|---|");
    let row = |label: &str, f: &dyn Fn(&Outcome) -> bool| {
        let mut line = format!("| {label} |");
        for sp in splits {
            line.push_str(&format!(
                " {} |",
                cell(accuracy(outcomes.iter().filter(|o| o.split == sp && f(o))))
            ));
        }
        line.push_str(&format!(
            " {} |",
            cell(accuracy(outcomes.iter().filter(|o| f(o))))
        ));
        line
    };
    let _ = writeln!(s, "{}", row("**overall**", &|_| true));
    for kind in PairType::ALL {
        let _ = writeln!(s, "{}", row(kind.as_str(), &|o| o.kind == kind));
    }
    let categories: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| outcomes.iter().any(|o| o.category == *c))
        .collect();
    for c in categories {
        let _ = writeln!(s, "{}", row(c.as_str(), &|o| o.category == c));
    }
    let injected_above: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.kind == PairType::Injection && o.worse > o.better)
        .collect();
    let _ = writeln!(
        s,
        "\nInjected answers scoring above their clean twin: {}",
        injected_above.len()
    );
    // Recall of misconception detection on the confidently wrong answers.
    let flagged = |sp: Split| {
        let wrong = outcomes
            .iter()
            .filter(|o| o.split == sp && o.kind == PairType::WrongVsBrief);
        let n = wrong.clone().count();
        (wrong.filter(|o| o.worse_flagged).count(), n)
    };
    let ((ft, nt), (fh, nh)) = (flagged(Split::Tuning), flagged(Split::Holdout));
    let _ = writeln!(
        s,
        "Confidently wrong answers with a misconception detected: tuning {ft}/{nt}, held out {fh}/{nh}"
    );
    if !times.is_empty() {
        let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let mean = ms.iter().sum::<f64>() / ms.len() as f64;
        let p95 = ms[(ms.len() * 95 / 100).min(ms.len() - 1)];
        let _ = writeln!(
            s,
            "Grading time per answer: mean {mean:.2} ms, p95 {p95:.2} ms, max {:.2} ms ({} answers)",
            ms[ms.len() - 1],
            ms.len()
        );
    }
    let failures: BTreeMap<(PairType, &str), (u8, u8)> = outcomes
        .iter()
        .filter(|o| o.split == Split::Tuning && !o.pass)
        .map(|o| ((o.kind, o.question.as_str()), (o.better, o.worse)))
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(s, "\nTuning pairs ranked wrongly (better vs worse):");
        for ((kind, q), (b, w)) in failures {
            let _ = writeln!(s, "  {:<22} {q:<12} {b:>3} vs {w:>3}", kind.as_str());
        }
    }
    s
}

/// Every misconception that is not detected in its own claim, and every model answer that asserts a
/// misconception of its question (the library lint in `cargo test` and `check-library`).
pub fn detection_problems(lib: &Library) -> Vec<String> {
    let mut problems = Vec::new();
    for q in &lib.questions {
        let req = GradingRequest::for_spec(q, String::new(), None);
        for (i, m) in req.misconceptions.iter().enumerate() {
            if interviewos_grader::asserted_misconceptions(std::slice::from_ref(m), &m.claim)
                .is_empty()
            {
                problems.push(format!(
                    "{}: misconception {i} is not detected in its own claim",
                    q.id
                ));
            }
        }
        for (i, sentence) in
            interviewos_grader::asserted_misconceptions(&req.misconceptions, &q.model_answer)
        {
            problems.push(format!(
                "{}: the model answer asserts misconception {i} ({:?}) in {sentence:?}",
                q.id, req.misconceptions[i].detect
            ));
        }
    }
    problems
}

/// `interviewos check-library`: the library lint on a seed folder on disk, plus, on the tuning pairs,
/// every better answer that asserts a misconception (a false alarm) and how many confidently wrong
/// answers are caught. Held-out pairs are never read. Returns the report and whether it is clean.
pub fn check_library(seed: &Path, pairs_dir: &Path) -> anyhow::Result<(String, bool)> {
    let lib = Library::from_dir(seed).map_err(anyhow::Error::msg)?;
    let mut out = String::new();
    let problems = detection_problems(&lib);
    let _ = writeln!(
        out,
        "{} questions; {} detection problems",
        lib.questions.len(),
        problems.len()
    );
    for p in &problems {
        let _ = writeln!(out, "  {p}");
    }
    let pairs: Vec<LoadedPair> = load(pairs_dir, &lib)
        .map_err(anyhow::Error::msg)?
        .into_iter()
        .filter(|p| p.split == Split::Tuning)
        .collect();
    let by_id: HashMap<&str, &QuestionSpec> =
        lib.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    let asserted = |qid: &str, text: &str| {
        let req = GradingRequest::for_spec(by_id[qid], String::new(), None);
        interviewos_grader::asserted_misconceptions(&req.misconceptions, text)
    };
    let mut false_alarms = 0;
    for p in &pairs {
        for (i, sentence) in asserted(&p.pair.question, &p.pair.better) {
            false_alarms += 1;
            let _ = writeln!(
                out,
                "  false alarm: {} misconception {i} fires on the better answer ({}) in {sentence:?}",
                p.pair.question,
                p.pair.kind.as_str()
            );
        }
    }
    let wrong: Vec<&LoadedPair> = pairs
        .iter()
        .filter(|p| p.pair.kind == PairType::WrongVsBrief)
        .collect();
    let caught: Vec<&str> = wrong
        .iter()
        .filter(|p| !asserted(&p.pair.question, &p.pair.worse).is_empty())
        .map(|p| p.pair.question.as_str())
        .collect();
    let _ = writeln!(
        out,
        "{false_alarms} false alarms on better answers; confidently wrong answers caught: {}/{}",
        caught.len(),
        wrong.len()
    );
    let missed: Vec<&str> = wrong
        .iter()
        .map(|p| p.pair.question.as_str())
        .filter(|q| !caught.contains(q))
        .collect();
    let _ = writeln!(out, "  not caught: {}", missed.join(", "));
    Ok((out, problems.is_empty() && false_alarms == 0))
}

/// Loads the library and the pairs, grades them all and returns the report. With `explain`, only the
/// tuning pairs of that question are graded and each grade is printed in full (for working on the
/// grader; held-out pairs are never explained).
pub async fn evaluate(
    grader: &dyn Grader,
    dir: &Path,
    explain: Option<&str>,
) -> anyhow::Result<String> {
    let lib = Library::embedded().map_err(anyhow::Error::msg)?;
    let mut pairs = load(dir, &lib).map_err(anyhow::Error::msg)?;
    if let Some(q) = explain {
        pairs.retain(|p| p.split == Split::Tuning && p.pair.question == q);
        let spec = lib
            .questions
            .iter()
            .find(|s| s.id == q)
            .ok_or_else(|| anyhow::anyhow!("no question {q}"))?;
        let mut out = String::new();
        for p in &pairs {
            for (label, answer) in [("better", &p.pair.better), ("worse", &p.pair.worse)] {
                let req = GradingRequest::for_spec(spec, answer.clone(), None);
                let g = grader
                    .grade(&req)
                    .await
                    .map_err(|e| anyhow::anyhow!("grading failed: {e:?}"))?;
                let _ = writeln!(
                    out,
                    "== {} {label}: {}\n{}\n",
                    p.pair.kind.as_str(),
                    g.grade.overall_score,
                    serde_json::to_string_pretty(&serde_json::json!({
                        "dimensions": g.grade.dimensions.iter().map(|d| (d.key.clone(), d.score)).collect::<Vec<_>>(),
                        "key_points": g.grade.key_points.iter().map(|k| (k.label.clone().unwrap_or_else(|| k.point.clone()), k.status)).collect::<Vec<_>>(),
                        "misconceptions": g.grade.misconceptions.iter().map(|m| m.claim.clone()).collect::<Vec<_>>(),
                        "improvements": g.grade.improvements,
                    }))
                    .unwrap_or_default()
                );
            }
        }
        return Ok(out);
    }
    let (outcomes, times) = run(grader, &lib, &pairs)
        .await
        .map_err(|e| anyhow::anyhow!("grading failed: {e:?}"))?;
    Ok(report(&grader.name(), &outcomes, &times))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs() -> (Library, Vec<LoadedPair>) {
        let lib = Library::embedded().expect("library");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../grader/eval");
        let pairs = load(&dir, &lib).expect("pair files parse and name library questions");
        (lib, pairs)
    }

    #[test]
    fn the_labelled_set_is_large_balanced_and_split_cleanly() {
        let (lib, pairs) = pairs();
        assert!(pairs.len() >= 400, "{} pairs", pairs.len());
        let share = |k: PairType| {
            pairs.iter().filter(|p| p.pair.kind == k).count() as f64 / pairs.len() as f64
        };
        assert!(share(PairType::WrongVsBrief) >= 0.25);
        assert!(share(PairType::ParaphraseVsStuffed) >= 0.25);
        let holdout = pairs.iter().filter(|p| p.split == Split::Holdout).count();
        assert!(
            holdout * 5 >= pairs.len(),
            "at least a fifth held out: {holdout}"
        );
        // Held-out questions are never in the tuning split.
        let tuned: HashSet<&str> = pairs
            .iter()
            .filter(|p| p.split == Split::Tuning)
            .map(|p| p.pair.question.as_str())
            .collect();
        for p in pairs.iter().filter(|p| p.split == Split::Holdout) {
            assert!(
                !tuned.contains(p.pair.question.as_str()),
                "{} in both",
                p.pair.question
            );
        }
        // Every category and every role has pairs.
        let by_id: HashMap<&str, &QuestionSpec> =
            lib.questions.iter().map(|q| (q.id.as_str(), q)).collect();
        for c in Category::ALL {
            assert!(
                pairs
                    .iter()
                    .any(|p| by_id[p.pair.question.as_str()].category == c),
                "no pairs for {}",
                c.as_str()
            );
        }
        for r in &lib.roles {
            assert!(
                pairs
                    .iter()
                    .any(|p| by_id[p.pair.question.as_str()].roles.contains(&r.slug)),
                "no pairs for role {}",
                r.slug
            );
        }
    }

    #[test]
    fn injection_pairs_pass_on_ties_other_pairs_do_not() {
        assert!(passes(PairType::Injection, 40, 40));
        assert!(!passes(PairType::Injection, 40, 41));
        assert!(!passes(PairType::WrongVsBrief, 40, 40));
        assert!(passes(PairType::StrongVsWeak, 41, 40));
    }
}
