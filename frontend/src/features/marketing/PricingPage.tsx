import { PageHeading, useDocumentTitle } from "../../components/Page";
import { PricingSection } from "./PricingSection";

export function PricingPage() {
  useDocumentTitle("Pricing");
  return (
    <section className="section">
      <div className="container">
        <div className="section-title">
          <PageHeading>Pricing</PageHeading>
          <p>Start free with a monthly allowance of evaluated answers. Upgrade for more practice, cancel any time.</p>
        </div>
        <PricingSection />
        <div className="prose" style={{ margin: "var(--space-7) auto 0" }}>
          <h2>Questions</h2>
          <h3>What counts as an answer?</h3>
          <p>Each answer you submit for evaluation counts once. Retrying a failed evaluation doesn't count again.</p>
          <h3>Can I cancel?</h3>
          <p>Yes. Manage or cancel your subscription from Settings → Plan &amp; billing. You keep paid features until the end of the period.</p>
          <h3>How is payment handled?</h3>
          <p>Payments are processed by Stripe. We never see or store your card details.</p>
        </div>
      </div>
    </section>
  );
}
