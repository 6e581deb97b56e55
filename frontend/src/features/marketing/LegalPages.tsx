import { Link } from "react-router";
import { PageHeading, useDocumentTitle } from "../../components/Page";

const UPDATED = "1 June 2025";

export function PrivacyPage() {
  useDocumentTitle("Privacy policy");
  return (
    <div className="container section">
      <article className="prose" style={{ margin: "0 auto" }}>
        <PageHeading>Privacy policy</PageHeading>
        <p className="muted">Last updated {UPDATED}</p>
        <p>
          This policy explains what personal data InterviewOS collects when you use our interview-practice service, why we collect it, who
          we share it with, how long we keep it and the rights you have. We process personal data in line with the UK General Data
          Protection Regulation (UK GDPR) and the Data Protection Act 2018.
        </p>

        <h2>Who we are</h2>
        <p>
          InterviewOS is the controller of the personal data described here. You can contact us about privacy at{" "}
          <a href="mailto:privacy@interviewos.app">privacy@interviewos.app</a>.
        </p>

        <h2>What we collect</h2>
        <ul>
          <li>
            <strong>Account data:</strong> your email address, a securely hashed password (we never store it in readable form), an optional
            display name, your theme preference and whether you have opted out of training use.
          </li>
          <li>
            <strong>Practice data:</strong> the sessions you start, the questions you are asked, your written answers, the recordings and
            transcripts of your spoken answers, how long you took, and the evaluations we produce (scores, feedback and sample answers).
            Recordings are deleted after 180 days (the transcript and feedback stay), and with the session or account at any time.
          </li>
          <li>
            <strong>Billing data:</strong> your plan, subscription status and a customer reference from our payment processor. Card details
            are entered directly with Stripe; we never see or store them.
          </li>
          <li>
            <strong>Security data:</strong> sign-in activity (time, IP address and browser user agent) so you can review it and we can
            protect your account against abuse.
          </li>
          <li>
            <strong>Device storage:</strong> your browser keeps a sign-in cookie (strictly necessary, httpOnly), your theme choice and
            unsent answer drafts in local storage. We do not use advertising or analytics cookies.
          </li>
        </ul>

        <h2>Why we use it (and our lawful basis)</h2>
        <ul>
          <li>
            <strong>To provide the service</strong> — creating your account, running practice sessions, evaluating your answers and showing
            your history and progress. Lawful basis: performance of our contract with you.
          </li>
          <li>
            <strong>To take payments and manage subscriptions.</strong> Lawful basis: contract, and legal obligations for tax and
            accounting records.
          </li>
          <li>
            <strong>To send service emails</strong> such as email verification, password resets and important account notices. Lawful
            basis: contract.
          </li>
          <li>
            <strong>To keep the service secure</strong> — rate limiting, detecting abuse and investigating incidents. Lawful basis: our
            legitimate interest in protecting you and the service.
          </li>
          <li>
            <strong>To improve our evaluations</strong> using de-identified answers and evaluations. Lawful basis: legitimate interest. You
            can opt out at any time in <Link to="/settings/privacy">Settings → Privacy</Link>; once you do, your answers are excluded from
            any future training or evaluation-quality work.
          </li>
        </ul>
        <p>We do not sell your personal data and we do not use it for advertising.</p>

        <h2>Who we share it with</h2>
        <p>We use a small number of processors who act only on our instructions and under contracts that protect your data:</p>
        <ul>
          <li>
            <strong>OpenAI</strong> — evaluates your answers. We send the question, your answer and the scoring rubric, never your email
            address or name. Data sent through OpenAI's API is not used to train OpenAI's models.
          </li>
          <li>
            <strong>Stripe</strong> — processes payments and manages subscriptions.
          </li>
          <li>
            <strong>Resend</strong> — delivers our transactional emails.
          </li>
          <li>Our hosting provider, which stores the service's databases and backups.</li>
        </ul>
        <p>
          Some processors are based in the United States. Where personal data leaves the UK we rely on the UK International Data Transfer
          Addendum or the UK–US data bridge, as appropriate.
        </p>

        <h2>How long we keep it</h2>
        <ul>
          <li>Account and practice data: for as long as your account is open.</li>
          <li>
            When you delete your account, access ends immediately and your personal data is permanently deleted within 30 days, including
            from our active databases. Encrypted backups roll over within a further 30 days.
          </li>
          <li>Sign-in activity: 12 months.</li>
          <li>Billing records: 6 years, as required by UK tax law.</li>
          <li>Unverified accounts that have never been used may be removed after 90 days.</li>
        </ul>

        <h2>Your rights</h2>
        <p>Under UK data protection law you have the right to:</p>
        <ul>
          <li>access your personal data — you can download all of it at any time from Settings → Privacy (JSON export);</li>
          <li>have inaccurate data corrected;</li>
          <li>have your data erased — delete your account from Settings → Privacy;</li>
          <li>object to processing based on legitimate interests, including training use (the opt-out switch);</li>
          <li>restrict processing, and receive your data in a portable format.</li>
        </ul>
        <p>
          To exercise a right that the app doesn't cover, email <a href="mailto:privacy@interviewos.app">privacy@interviewos.app</a>. We
          reply within one month. If you are unhappy with how we handle your data you can complain to the Information Commissioner's Office
          (ico.org.uk).
        </p>

        <h2>Security</h2>
        <p>
          Passwords are hashed with bcrypt, connections are encrypted in transit, sign-in sessions use short-lived tokens that are revoked
          when you sign out everywhere, change your password or delete your account, and access to production data is restricted and
          logged. Logs never contain your password, tokens or answers.
        </p>

        <h2>Children</h2>
        <p>InterviewOS is intended for people aged 16 and over. We do not knowingly collect data from younger children.</p>

        <h2>Changes</h2>
        <p>If we make material changes to this policy we will tell you by email or in the app before they take effect.</p>
      </article>
    </div>
  );
}

export function TermsPage() {
  useDocumentTitle("Terms of service");
  return (
    <div className="container section">
      <article className="prose" style={{ margin: "0 auto" }}>
        <PageHeading>Terms of service</PageHeading>
        <p className="muted">Last updated {UPDATED}</p>
        <p>
          These terms are an agreement between you and InterviewOS for your use of the InterviewOS website and service. By creating an
          account you accept them. Please also read our <Link to="/privacy">privacy policy</Link>.
        </p>

        <h2>1. Your account</h2>
        <p>
          You must be at least 16 and give a valid email address. Keep your password secure and don't share your account. You are
          responsible for activity under your account; tell us promptly if you think it has been compromised. You can sign out of every
          device from Settings → Security.
        </p>

        <h2>2. What the service does — and doesn't</h2>
        <p>
          InterviewOS helps you practise for interviews with a library of questions and automated, AI-generated feedback. Feedback is an aid
          to practice, not professional career advice and not a prediction of any hiring decision. Automated evaluation can be wrong; use
          your own judgement.
        </p>

        <h2>3. Acceptable use</h2>
        <p>Don't misuse the service. In particular, don't:</p>
        <ul>
          <li>try to access other people's accounts or data, or probe, scan or overload the service;</li>
          <li>scrape or bulk-copy the question library or evaluations;</li>
          <li>submit unlawful content, or other people's personal data you have no right to share;</li>
          <li>resell access or use the service to build a competing product.</li>
        </ul>

        <h2>4. Your content</h2>
        <p>
          Your answers remain yours. You give us a licence to store and process them to provide the service — for example to evaluate them
          and show your history. Unless you opt out in Settings, we may also use de-identified answers to improve our evaluations, as
          described in the privacy policy.
        </p>

        <h2>5. Our content</h2>
        <p>
          The question library, rubrics, sample answers and the software are owned by InterviewOS or its licensors. You may use them for
          your own interview preparation only.
        </p>

        <h2>6. Plans, payment and cancellation</h2>
        <p>
          The free plan includes a monthly allowance of evaluated answers. Paid plans are billed in advance, monthly or yearly, through
          Stripe, and renew automatically until cancelled. You can cancel at any time from Settings → Plan &amp; billing; you keep paid
          features until the end of the period you have paid for. If you are a consumer in the UK you may cancel within 14 days of first
          subscribing for a refund, reduced in proportion to any answers already evaluated. Prices include VAT where applicable. We will
          give you at least 30 days' notice of any price change.
        </p>

        <h2>7. Availability</h2>
        <p>
          We work hard to keep InterviewOS available but cannot promise it will be uninterrupted or error-free. We may change or withdraw
          features; if we withdraw a paid feature you rely on, we will refund the unused part of your subscription.
        </p>

        <h2>8. Ending your account</h2>
        <p>
          You can delete your account at any time from Settings → Privacy; access ends immediately and your data is deleted within 30 days.
          We may suspend or close accounts that seriously or repeatedly break these terms, and will tell you why unless the law prevents it.
        </p>

        <h2>9. Liability</h2>
        <p>
          Nothing in these terms limits liability that cannot be limited by law, including for death or personal injury caused by negligence
          or for fraud. Otherwise, we are not liable for indirect or unforeseeable losses, or for the outcome of any interview, and our total
          liability is limited to the amount you paid us in the 12 months before the claim. If you are a consumer, you also have statutory
          rights that these terms do not affect.
        </p>

        <h2>10. Changes and law</h2>
        <p>
          We may update these terms; we'll tell you about material changes in advance. These terms are governed by the law of England and
          Wales, and the courts of England and Wales have jurisdiction, though if you live elsewhere in the UK you may bring proceedings in
          your local courts.
        </p>

        <h2>Contact</h2>
        <p>
          Questions about these terms: <a href="mailto:support@interviewos.app">support@interviewos.app</a>.
        </p>
      </article>
    </div>
  );
}
