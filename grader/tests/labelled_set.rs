//! Grades the labelled answers in `tests/labelled/*.yaml` and checks that the grader ranks them the
//! way a human would: strong > mediocre > weak > off-topic for every question, strong answers score
//! at least 60 on average, off-topic answers at most 25, and an injected answer never beats its twin.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

use interviewos_grader::{
    Category, ExpectedFigure, Grade, GradingInput, KeyPoint, RubricGrader, injection_markers,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answers {
    strong: String,
    mediocre: String,
    weak: String,
    off_topic: String,
    injection: String,
    injection_clean: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    id: String,
    category: Category,
    prompt: String,
    time_limit_seconds: Option<u32>,
    key_points: Vec<KeyPoint>,
    rubric: BTreeMap<String, String>,
    model_answer: String,
    follow_up: Option<String>,
    #[serde(default)]
    expected_figures: Vec<ExpectedFigure>,
    answers: Answers,
}

impl Question {
    fn grade(&self, answer: &str) -> Grade {
        let input = GradingInput {
            category: self.category,
            prompt: &self.prompt,
            key_points: &self.key_points,
            misconceptions: &[],
            rubric: &self.rubric,
            time_limit_seconds: self.time_limit_seconds,
            model_answer: &self.model_answer,
            follow_up: self.follow_up.as_deref(),
            expected_figures: &self.expected_figures,
            answer,
            duration_seconds: None,
        };
        RubricGrader.grade(&input)
    }
}

fn load() -> Vec<Question> {
    load_dir("tests/labelled")
}

fn load_dir(rel: &str) -> Vec<Question> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("labelled dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).expect("read labelled file");
        let qs: Vec<Question> =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        out.extend(qs);
    }
    out
}

/// Label ranks for the pairwise test.
const RANKED: [&str; 4] = ["strong", "mediocre", "weak", "off_topic"];

/// Results of grading a labelled set.
struct Report {
    accuracy: f64,
    strong_by_cat: BTreeMap<&'static str, Vec<f32>>,
    violations: Vec<String>,
}

/// Grades every answer, prints the table and accuracies, and collects invariant violations.
fn evaluate(name: &str, questions: &[Question]) -> Report {
    let mut per_cat: BTreeMap<&'static str, (u32, u32)> = BTreeMap::new();
    let mut strong_by_cat: BTreeMap<&'static str, Vec<f32>> = BTreeMap::new();
    let mut by_label: BTreeMap<&str, Vec<f32>> = BTreeMap::new();
    let (mut correct, mut total) = (0u32, 0u32);
    let mut failures = Vec::new();
    let mut violations: Vec<String> = Vec::new();

    println!("== {name} ==");
    println!(
        "{:<14} {:>6} {:>8} {:>5} {:>9} {:>9} {:>6}",
        "question", "strong", "mediocre", "weak", "off_topic", "injection", "clean"
    );
    for q in questions {
        let a = &q.answers;
        let texts = [&a.strong, &a.mediocre, &a.weak, &a.off_topic];
        let grades: Vec<Grade> = texts.iter().map(|t| q.grade(t)).collect();
        let inj = q.grade(&a.injection);
        let clean = q.grade(&a.injection_clean);
        let s: Vec<u8> = grades.iter().map(|g| g.overall_score).collect();
        println!(
            "{:<14} {:>6} {:>8} {:>5} {:>9} {:>9} {:>6}",
            q.id, s[0], s[1], s[2], s[3], inj.overall_score, clean.overall_score
        );

        let cat = q.category.as_str();
        for i in 0..4 {
            for j in i + 1..4 {
                total += 1;
                let entry = per_cat.entry(cat).or_default();
                entry.1 += 1;
                if s[i] > s[j] {
                    correct += 1;
                    entry.0 += 1;
                } else {
                    failures.push(format!(
                        "{}: {} {} <= {} {}",
                        q.id, RANKED[i], s[i], RANKED[j], s[j]
                    ));
                }
            }
        }
        strong_by_cat.entry(cat).or_default().push(f32::from(s[0]));
        for (label, score) in RANKED.iter().zip(&s) {
            by_label.entry(label).or_default().push(f32::from(*score));
        }
        by_label
            .entry("injection")
            .or_default()
            .push(f32::from(inj.overall_score));
        if s[3] > 25 {
            violations.push(format!("{}: off-topic answer scored {} (> 25)", q.id, s[3]));
        }
        if inj.overall_score > clean.overall_score {
            violations.push(format!(
                "{}: injected answer scored {} > clean twin {}",
                q.id, inj.overall_score, clean.overall_score
            ));
        }
        if injection_markers(&a.injection).is_empty() {
            violations.push(format!("{}: injection not detected", q.id));
        }
        if !inj.improvements.iter().any(|i| i.contains("grader")) {
            violations.push(format!("{}: injection not mentioned in improvements", q.id));
        }
        for (label, t) in RANKED
            .iter()
            .zip(texts)
            .chain([(&"injection_clean", &a.injection_clean)])
        {
            let m = injection_markers(t);
            if !m.is_empty() {
                violations.push(format!(
                    "{}: false injection positive in {label}: {m:?}",
                    q.id
                ));
            }
        }
    }

    let accuracy = f64::from(correct) / f64::from(total);
    println!("\n{name}: pairwise ranking accuracy {correct}/{total} = {accuracy:.3}");
    for (cat, (c, t)) in &per_cat {
        let strong = &strong_by_cat[cat];
        let mean = strong.iter().sum::<f32>() / strong.len() as f32;
        println!(
            "  {cat:<14} {c:>3}/{t:<3} = {:.3}   mean strong score {mean:.1}",
            f64::from(*c) / f64::from(*t)
        );
    }
    let means: Vec<String> = RANKED
        .iter()
        .chain(&["injection"])
        .map(|l| {
            let v = &by_label[l];
            let (lo, hi) = v
                .iter()
                .fold((f32::MAX, f32::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
            format!(
                "{l} {:.1} [{lo:.0}–{hi:.0}]",
                v.iter().sum::<f32>() / v.len() as f32
            )
        })
        .collect();
    println!("  mean score by label: {}", means.join(", "));
    if !failures.is_empty() {
        println!("misordered pairs:\n  {}", failures.join("\n  "));
    }
    Report {
        accuracy,
        strong_by_cat,
        violations,
    }
}

#[test]
fn labelled_set_ranking() {
    let questions = load();
    assert!(
        questions.len() >= 32,
        "need at least 32 questions, found {}",
        questions.len()
    );
    for c in Category::ALL {
        assert!(
            questions.iter().any(|q| q.category == c),
            "no labelled question for {c}"
        );
    }
    let mut ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), questions.len(), "duplicate question ids");

    let report = evaluate("labelled set", &questions);
    assert!(
        report.violations.is_empty(),
        "labelled-set violations:\n  {}",
        report.violations.join("\n  ")
    );
    assert!(
        report.accuracy >= 0.85,
        "pairwise accuracy {:.3} < 0.85",
        report.accuracy
    );
    let all_strong: Vec<f32> = report.strong_by_cat.values().flatten().copied().collect();
    let mean_strong = all_strong.iter().sum::<f32>() / all_strong.len() as f32;
    assert!(
        mean_strong >= 60.0,
        "mean strong score {mean_strong:.1} < 60"
    );
    for (cat, v) in &report.strong_by_cat {
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        assert!(mean >= 60.0, "{cat}: mean strong score {mean:.1} < 60");
    }
}

/// Answers written after calibration and never used for tuning: the honest accuracy estimate.
#[test]
fn holdout_set_ranking() {
    let questions = load_dir("tests/holdout");
    assert!(questions.len() >= 7, "held-out set missing");
    let report = evaluate("held-out set", &questions);
    assert!(
        report.violations.is_empty(),
        "held-out violations:\n  {}",
        report.violations.join("\n  ")
    );
    assert!(
        report.accuracy >= 0.85,
        "held-out pairwise accuracy {:.3} < 0.85",
        report.accuracy
    );
}

/// Grading speed after warm-up (regexes compile once, on first use).
#[test]
fn grading_speed() {
    let questions = load();
    let answers: Vec<(&Question, &str)> = questions
        .iter()
        .flat_map(|q| {
            let a = &q.answers;
            [
                &a.strong,
                &a.mediocre,
                &a.weak,
                &a.off_topic,
                &a.injection,
                &a.injection_clean,
            ]
            .map(|t| (q, t.as_str()))
        })
        .collect();
    for (q, t) in &answers {
        q.grade(t);
    }
    let started = Instant::now();
    for (q, t) in &answers {
        q.grade(t);
    }
    let per_answer_ms = started.elapsed().as_secs_f64() * 1e3 / answers.len() as f64;
    let release = !cfg!(debug_assertions);
    println!(
        "graded {} answers: {per_answer_ms:.3} ms per answer ({} build)",
        answers.len(),
        if release { "release" } else { "debug" }
    );
    // The budget is 5 ms per answer in release; unoptimised debug builds are about ten times slower.
    let budget = if release { 5.0 } else { 50.0 };
    assert!(
        per_answer_ms < budget,
        "{per_answer_ms:.3} ms per answer exceeds {budget} ms"
    );
}

#[test]
fn labelled_feedback_is_specific() {
    for q in load() {
        let g = q.grade(&q.answers.strong);
        assert_eq!(g.sample_answer, q.model_answer.trim());
        assert_eq!(
            Some(g.follow_up_question.as_str()),
            q.follow_up.as_deref().map(str::trim)
        );
        assert_eq!(g.key_points.len(), q.key_points.len());
        // The relevance-type comment names at least one of the question's own key points.
        let names_a_point = g.dimensions.iter().any(|d| {
            q.key_points.iter().any(|kp| {
                d.comment
                    .contains(&kp.point.chars().take(30).collect::<String>())
            })
        });
        assert!(
            names_a_point,
            "{}: no dimension comment names a key point",
            q.id
        );
        assert!(
            !g.strengths.is_empty(),
            "{}: strong answer has no strengths",
            q.id
        );
        let weak = q.grade(&q.answers.weak);
        assert!(
            !weak.improvements.is_empty(),
            "{}: weak answer has no improvements",
            q.id
        );
    }
}
