import { useSearchParams } from "react-router";
import type { Me, Subscription } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, LoadingBlock, Skeleton, UnavailableState } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { formatDate, humanize } from "../../lib/format";
import { ApiError } from "../../lib/problem";
import { purchasablePlan, useCheckout, usePlans, usePortal, useSubscription, useUsage } from "./api";
import { PlanCards, UsageMeter } from "./PlanCards";

const OFFLINE_TEXT = "Online payments aren't switched on for this InterviewOS server, so plans can't be bought or changed here. Your current plan keeps working.";

/** Errors from checkout / the portal: `billing_disabled` and `billing_unavailable` (503) get plain-language messages. */
export function BillingError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === "billing_disabled") {
    return (
      <Alert tone="info" title="Payments are offline">
        {OFFLINE_TEXT}
      </Alert>
    );
  }
  if (error instanceof ApiError && (error.code === "billing_unavailable" || error.status === 503)) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter < 90 ? `${error.retryAfter} seconds` : `${Math.ceil(error.retryAfter / 60)} minutes`}.` : " Please try again shortly.";
    return (
      <Alert tone="warning" title="Our payment provider can't be reached">
        You haven't been charged.{wait}
      </Alert>
    );
  }
  return <ErrorAlert error={error} />;
}

function SubscriptionStatus({ sub }: { sub: Subscription }) {
  if (sub.status === "none") return null;
  if (sub.status === "granted") {
    return (
      <p className="small muted" style={{ margin: 0 }}>
        {humanize(sub.plan)} access granted by an administrator{sub.plan_until ? ` until ${formatDate(sub.plan_until)}` : ""}.
      </p>
    );
  }
  const parts = [`Subscription ${humanize(sub.status).toLowerCase()}`];
  if (sub.interval) parts.push(`billed ${sub.interval === "year" ? "yearly" : "monthly"}`);
  if (sub.current_period_end && sub.status !== "canceled") parts.push(`${sub.cancel_at_period_end ? "ends" : "renews"} ${formatDate(sub.current_period_end)}`);
  return (
    <>
      <p className="small muted" style={{ margin: 0 }}>
        {parts.join(" · ")}
      </p>
      {sub.status === "past_due" || sub.status === "unpaid" ? (
        <Alert tone="warning" title="Your last payment failed">
          Update your payment method in the billing portal{sub.plan_until ? ` before ${formatDate(sub.plan_until)}` : ""} to keep {humanize(sub.plan)}.
        </Alert>
      ) : null}
    </>
  );
}

export function BillingSection({ me }: { me: Me }) {
  const [params] = useSearchParams();
  const usage = useUsage();
  const plans = usePlans();
  const subscription = useSubscription();
  const checkout = useCheckout();
  const portal = usePortal();
  const checkoutState = params.get("checkout");
  const sub = subscription.data;
  const currentPlan = sub?.plan ?? me.plan;
  const billingEnabled = plans.data?.billing_enabled ?? sub?.billing_enabled ?? true;

  return (
    <>
      {checkoutState === "success" ? (
        <Alert tone="success" title="Thanks for subscribing!">
          Your payment went through. It can take a few seconds for your new plan to appear here.
        </Alert>
      ) : checkoutState === "cancel" ? (
        <Alert tone="info">Checkout was cancelled — you haven't been charged.</Alert>
      ) : null}

      <section className="card stack" aria-labelledby="plan-heading">
        <div className="row-between">
          <h2 id="plan-heading" style={{ margin: 0 }}>
            Current plan: {humanize(currentPlan)}
          </h2>
          {me.billing_state ? <span className="badge badge-warning">{humanize(me.billing_state)}</span> : null}
        </div>
        {usage.isPending ? (
          <Skeleton height={40} />
        ) : usage.isError ? (
          <UnavailableState error={usage.error} what="Usage" />
        ) : (
          <UsageMeter used={usage.data.answers_used} limit={usage.data.answers_limit} periodEnd={usage.data.period_end} />
        )}
        {subscription.isError ? <UnavailableState error={subscription.error} what="Subscription details" /> : sub ? <SubscriptionStatus sub={sub} /> : null}
        {sub?.has_billing_account ? (
          <div className="stack-sm">
            <div>
              <Button onClick={() => portal.mutate()} loading={portal.isPending} loadingText="Opening billing portal…">
                <Icon name="external" /> Manage subscription and invoices
              </Button>
            </div>
            {portal.isError ? <BillingError error={portal.error} /> : null}
          </div>
        ) : null}
      </section>

      <section aria-labelledby="plans-heading" className="stack">
        <h2 id="plans-heading">Plans</h2>
        {!billingEnabled ? (
          <Alert tone="info" title="Payments are offline">
            {OFFLINE_TEXT}
          </Alert>
        ) : null}
        {checkout.isError ? <BillingError error={checkout.error} /> : null}
        {plans.isPending ? (
          <LoadingBlock label="Loading plans…" />
        ) : plans.isError ? (
          <UnavailableState error={plans.error} what="Plans" />
        ) : (
          <PlanCards
            plans={plans.data.plans}
            currentPlan={currentPlan}
            action={(plan, interval) => {
              const paid = purchasablePlan(plan.id);
              if (plan.id === currentPlan) {
                return (
                  <Button disabled block>
                    Your current plan
                  </Button>
                );
              }
              if (!paid) {
                return (
                  <p className="small muted" style={{ margin: 0 }}>
                    {sub?.has_billing_account ? "Downgrade by cancelling in the billing portal." : "Included with every account."}
                  </p>
                );
              }
              if (!billingEnabled) {
                return (
                  <Button disabled block>
                    Upgrades unavailable
                  </Button>
                );
              }
              return (
                <div className="stack-sm">
                  <Button
                    variant="primary"
                    block
                    disabled={!me.email_verified}
                    onClick={() => checkout.mutate({ plan: paid, interval })}
                    loading={checkout.isPending && checkout.variables?.plan === paid}
                    loadingText="Opening checkout…"
                  >
                    Upgrade to {plan.name}
                  </Button>
                  {!me.email_verified ? (
                    <p className="small muted" style={{ margin: 0 }}>
                      Verify your email address to upgrade.
                    </p>
                  ) : null}
                </div>
              );
            }}
          />
        )}
        <p className="small muted">Payments are handled securely by Stripe. Cancel any time.</p>
      </section>
    </>
  );
}
