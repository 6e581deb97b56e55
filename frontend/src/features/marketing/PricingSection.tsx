import { Link } from "react-router";
import { buttonClass } from "../../components/Button";
import { LoadingBlock, UnavailableState } from "../../components/Feedback";
import { useAuth } from "../auth/api";
import { usePlans } from "../billing/api";
import { isFreePlan, PlanCards } from "../billing/PlanCards";

export function PricingSection() {
  const plans = usePlans();
  const { status } = useAuth();
  if (plans.isPending) return <LoadingBlock label="Loading plans…" />;
  if (plans.isError) return <UnavailableState error={plans.error} what="Pricing" />;
  const items = plans.data.plans;
  if (!items.length) return <p className="muted" style={{ textAlign: "center" }}>Plans are being updated. Start free today.</p>;
  return (
    <div className="stack">
      <PlanCards
        plans={items}
        action={(plan) => {
          const paid = !isFreePlan(plan);
          const to = status === "authenticated" ? "/settings/billing" : "/signup";
          const label = status === "authenticated" ? (paid ? `Choose ${plan.name}` : "Manage plan") : paid ? `Start with ${plan.name}` : "Start free";
          return (
            <Link className={buttonClass(paid ? "primary" : "secondary", "md", "btn-block")} to={to}>
              {label}
            </Link>
          );
        }}
      />
      {!plans.data.billing_enabled ? (
        <p className="small muted" style={{ textAlign: "center", margin: 0 }}>
          Paid plans can't be bought on this server yet — every account starts on the free plan.
        </p>
      ) : null}
    </div>
  );
}
