import { useState, type ReactNode } from "react";
import type { BillingInterval, Plan, Price } from "../../api/types";
import { Segmented } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { formatMoney } from "../../lib/format";

export type Interval = BillingInterval;

export function isFreePlan(plan: Plan): boolean {
  return plan.prices.length === 0;
}

export function priceFor(plan: Plan, interval: Interval): Price | null {
  return plan.prices.find((p) => p.interval === interval) ?? null;
}

export function planLimitText(limit: number | null | undefined): string {
  return limit == null ? "Unlimited evaluated answers" : `${limit} evaluated answers a month`;
}

/** The yearly saving against twelve monthly payments, in whole percent (null when there is none). */
function yearlySaving(plan: Plan): number | null {
  const month = priceFor(plan, "month");
  const year = priceFor(plan, "year");
  if (!month || !year || month.amount <= 0) return null;
  const pct = Math.round((1 - year.amount / (month.amount * 12)) * 100);
  return pct > 0 ? pct : null;
}

/** Plan cards; `action` renders the call to action for each plan (sign-up link, checkout button…). */
export function PlanCards({ plans, currentPlan, action }: { plans: Plan[]; currentPlan?: string | null; action: (plan: Plan, interval: Interval) => ReactNode }) {
  const hasYearly = plans.some((p) => priceFor(p, "year"));
  const [interval, setBillingInterval] = useState<Interval>("month");
  const featured = plans.find((p) => !isFreePlan(p))?.id;
  const saving = Math.max(0, ...plans.map((p) => yearlySaving(p) ?? 0));
  return (
    <div className="stack">
      {hasYearly ? (
        <div style={{ display: "flex", justifyContent: "center" }}>
          <Segmented<Interval>
            legend={<span className="visually-hidden">Billing interval</span>}
            name="interval"
            value={interval}
            onChange={setBillingInterval}
            options={[
              { value: "month", label: "Monthly" },
              { value: "year", label: saving ? `Yearly (save ${saving}%)` : "Yearly" },
            ]}
          />
        </div>
      ) : null}
      <div className="grid-3 plan-grid">
        {plans.map((plan) => {
          const free = isFreePlan(plan);
          const price = priceFor(plan, interval);
          const current = currentPlan != null && currentPlan === plan.id;
          return (
            <section key={plan.id} className={`card plan-card${plan.id === featured ? " featured" : ""}`} aria-labelledby={`plan-${plan.id}`}>
              <div className="row-between">
                <h3 id={`plan-${plan.id}`} style={{ margin: 0 }}>
                  {plan.name}
                </h3>
                {current ? <span className="badge badge-success">Current plan</span> : plan.id === featured ? <span className="badge badge-primary">Most popular</span> : null}
              </div>
              <div className="plan-price">
                {free ? "Free" : price ? formatMoney(price.amount, price.currency) : "—"}
                {!free && price ? <small> / {interval === "year" ? "year" : "month"}</small> : null}
              </div>
              {plan.description ? (
                <p className="muted" style={{ margin: 0 }}>
                  {plan.description}
                </p>
              ) : null}
              <ul>
                <li>
                  <Icon name="check" />
                  {planLimitText(plan.monthly_answer_limit)}
                </li>
                <li>
                  <Icon name="check" />
                  {plan.ai_grader ? "In-depth AI feedback on every answer" : "Instant rubric-based feedback"}
                </li>
                <li>
                  <Icon name="check" />
                  Progress charts and full history
                </li>
              </ul>
              {action(plan, interval)}
            </section>
          );
        })}
      </div>
    </div>
  );
}

export function UsageMeter({ used, limit, periodEnd }: { used: number; limit: number | null | undefined; periodEnd?: string | null }) {
  const pct = limit ? Math.min(100, (used / limit) * 100) : 0;
  const state = limit && used >= limit ? " full" : limit && pct >= 80 ? " warn" : "";
  return (
    <div className="usage-meter">
      <div className="row-between">
        <span className="stat-label">Answers this period</span>
        <strong>
          {used}
          {limit != null ? ` / ${limit}` : ""}
          {limit == null ? <span className="muted small"> (unlimited)</span> : null}
        </strong>
      </div>
      {limit != null ? (
        <div className={`progress-bar${state}`} role="progressbar" aria-label="Answers used this period" aria-valuemin={0} aria-valuemax={limit} aria-valuenow={Math.min(used, limit)}>
          <span style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {periodEnd ? <span className="small muted">Resets on {new Date(periodEnd).toLocaleDateString(undefined, { day: "numeric", month: "long" })}</span> : null}
    </div>
  );
}
