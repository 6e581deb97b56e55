import { Navigate, NavLink, useParams } from "react-router";
import { LoadingBlock, ErrorAlert } from "../../components/Feedback";
import { PageHeader } from "../../components/Page";
import { useMe } from "../auth/api";
import { BillingSection } from "../billing/BillingSection";
import { AppearanceSection, ProfileSection } from "./ProfileSection";
import { PrivacySection } from "./PrivacySection";
import { SecuritySection } from "./SecuritySection";

const SECTIONS = [
  { key: "profile", label: "Profile" },
  { key: "appearance", label: "Appearance" },
  { key: "security", label: "Security" },
  { key: "privacy", label: "Privacy & data" },
  { key: "billing", label: "Plan & billing" },
] as const;

export function SettingsPage() {
  const { section = "profile" } = useParams();
  const me = useMe();
  const current = SECTIONS.find((s) => s.key === section);
  if (!current) return <Navigate to="/settings/profile" replace />;

  return (
    <>
      <PageHeader title="Settings" documentTitle={`${current.label} · Settings`} />
      <nav className="tabs" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <NavLink key={s.key} to={`/settings/${s.key}`} className="tab">
            {s.label}
          </NavLink>
        ))}
      </nav>
      {me.isPending ? (
        <LoadingBlock />
      ) : me.isError ? (
        <ErrorAlert error={me.error} onRetry={() => me.refetch()} />
      ) : (
        <div className="settings-layout">
          {section === "profile" ? <ProfileSection me={me.data} /> : null}
          {section === "appearance" ? <AppearanceSection /> : null}
          {section === "security" ? <SecuritySection /> : null}
          {section === "privacy" ? <PrivacySection me={me.data} /> : null}
          {section === "billing" ? <BillingSection me={me.data} /> : null}
        </div>
      )}
    </>
  );
}
