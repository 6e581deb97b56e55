import { Link } from "react-router";
import { buttonClass } from "../../components/Button";
import { Icon, type IconName } from "../../components/Icon";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { DimensionBars, ScoreRing } from "../../components/Score";
import { useAuth } from "../auth/api";
import { PricingSection } from "./PricingSection";

const FEATURES: { icon: IconName; title: string; body: string }[] = [
  { icon: "library", title: "A real question library", body: "Behavioural, technical, system design, product, estimation and full consulting cases with exhibits — organised by role, difficulty and topic." },
  { icon: "timer", title: "Practise like the real thing", body: "One question at a time, an optional countdown, text or voice answers. Drafts save as you type, so nothing is ever lost." },
  { icon: "sparkles", title: "Feedback in seconds", body: "A score out of 100, per-skill ratings, what you did well, what to improve, the key points you missed and a stronger sample answer." },
  { icon: "chart", title: "See yourself improve", body: "Trends per skill and per role, streaks, and recommendations that target your weakest areas next." },
];

export function LandingPage() {
  useDocumentTitle("Interview practice with instant, detailed feedback");
  const { status } = useAuth();
  const signedIn = status === "authenticated";
  return (
    <>
      <section className="hero">
        <div className="container hero-grid">
          <div>
            <span className="badge badge-primary" style={{ marginBottom: "var(--space-3)" }}>
              AI interview coach
            </span>
            <PageHeading>Walk into your next interview already practised.</PageHeading>
            <p className="lead">
              InterviewOS asks you the questions real interviewers ask — for engineering, product, data, consulting and more — and gives you
              specific, honest feedback on every answer within seconds.
            </p>
            <div className="row">
              <Link className={buttonClass("primary", "lg")} to={signedIn ? "/practice" : "/signup"}>
                {signedIn ? "Start practising" : "Start practising free"}
                <Icon name="arrowRight" />
              </Link>
              <a className={buttonClass("secondary", "lg")} href="#how-it-works">
                How it works
              </a>
            </div>
            <p className="small muted" style={{ marginTop: "var(--space-3)" }}>
              No card needed. Your answers are never sold, and you can opt out of training use.
            </p>
          </div>
          <div className="card" aria-label="Example evaluation" role="group">
            <div className="row" style={{ marginBottom: "var(--space-4)" }}>
              <ScoreRing score={78} label="Example score" />
              <div>
                <div className="small muted">Behavioural · Medium</div>
                <strong>"Tell me about a time you disagreed with your manager."</strong>
              </div>
            </div>
            <DimensionBars
              dimensions={[
                { key: "structure", name: "STAR structure", score: 8 },
                { key: "specificity", name: "Specificity", score: 7 },
                { key: "impact", name: "Impact", score: 6 },
                { key: "communication", name: "Communication", score: 9 },
              ]}
            />
            <div className="callout small" style={{ marginTop: "var(--space-4)" }}>
              <strong>Improve:</strong> quantify the outcome — "cut release time from 3 weeks to 4 days" lands harder than "made it faster".
            </div>
          </div>
        </div>
      </section>

      <section className="section" aria-labelledby="features-title">
        <div className="container">
          <div className="section-title">
            <h2 id="features-title">Everything you need to prepare</h2>
            <p>Built with interviewers and hiring managers from tech, consulting and finance.</p>
          </div>
          <div className="grid-features">
            {FEATURES.map((f) => (
              <div key={f.title} className="card">
                <div className="feature-icon">
                  <Icon name={f.icon} />
                </div>
                <h3>{f.title}</h3>
                <p className="muted" style={{ margin: 0 }}>
                  {f.body}
                </p>
              </div>
            ))}
          </div>
        </div>
      </section>

      <section className="section" id="how-it-works" aria-labelledby="how-title" style={{ background: "var(--surface)" }}>
        <div className="container">
          <div className="section-title">
            <h2 id="how-title">How evaluation works</h2>
            <p>Transparent, consistent and specific to the kind of question you answered.</p>
          </div>
          <ol className="steps">
            <li>
              <h3>You answer</h3>
              <p className="muted">Type or speak your answer. We record how long you took and whether you went over time.</p>
            </li>
            <li>
              <h3>We score it against a rubric</h3>
              <p className="muted">
                Each category has its own dimensions — STAR structure and impact for behavioural, correctness and trade-offs for technical,
                structure and quantitative accuracy for cases.
              </p>
            </li>
            <li>
              <h3>We check the key points</h3>
              <p className="muted">Every question has the points a strong answer covers. You see which you hit and which you missed.</p>
            </li>
            <li>
              <h3>You get a better answer</h3>
              <p className="muted">A stronger sample answer and the follow-up question an interviewer would likely ask next.</p>
            </li>
          </ol>
        </div>
      </section>

      <section className="section" aria-labelledby="pricing-title">
        <div className="container">
          <div className="section-title">
            <h2 id="pricing-title">Simple pricing</h2>
            <p>Start free. Upgrade when you're practising every day.</p>
          </div>
          <PricingSection />
        </div>
      </section>
    </>
  );
}
