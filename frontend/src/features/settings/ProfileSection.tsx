import { useState, type FormEvent } from "react";
import type { Me } from "../../api/types";
import { Button } from "../../components/Button";
import { ErrorAlert } from "../../components/Feedback";
import { TextField } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { toast } from "../../components/Toast";
import { formatDate, humanize } from "../../lib/format";
import { splitErrors } from "../../lib/forms";
import { useUpdateMe } from "../auth/api";
import { ThemeSwitcher } from "./ThemeSwitcher";

export function ProfileSection({ me }: { me: Me }) {
  const update = useUpdateMe();
  const [name, setName] = useState(me.display_name ?? "");
  const [clientError, setClientError] = useState<string | undefined>();
  const { fieldErrors, formError, extra } = splitErrors(update.error, ["display_name"], { display_name: clientError });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    const err = trimmed.length > 80 ? "Use at most 80 characters." : undefined;
    setClientError(err);
    if (err) return;
    update.mutate({ display_name: trimmed || null }, { onSuccess: () => toast("Profile saved") });
  }

  return (
    <section className="card stack" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <dl className="grid-3" style={{ margin: 0 }}>
        <div>
          <dt className="stat-label">Email</dt>
          <dd style={{ margin: 0, overflowWrap: "anywhere" }}>
            {me.email}{" "}
            {me.email_verified ? (
              <span className="badge badge-success">
                <Icon name="check" size={12} /> Verified
              </span>
            ) : (
              <span className="badge badge-warning">Not verified</span>
            )}
          </dd>
        </div>
        <div>
          <dt className="stat-label">Plan</dt>
          <dd style={{ margin: 0 }}>{humanize(me.plan)}</dd>
        </div>
        <div>
          <dt className="stat-label">Member since</dt>
          <dd style={{ margin: 0 }}>{formatDate(me.created_at)}</dd>
        </div>
      </dl>
      {formError ? <ErrorAlert error={formError}>{extra.length ? extra.join("; ") : null}</ErrorAlert> : null}
      <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 480 }}>
        <TextField label="Display name" name="display_name" autoComplete="name" hint="How we greet you. Optional." value={name} onChange={(e) => setName(e.target.value)} error={fieldErrors.display_name} maxLength={120} />
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={update.isPending} loadingText="Saving…">
            Save profile
          </Button>
        </div>
      </form>
    </section>
  );
}

export function AppearanceSection() {
  return (
    <section className="card stack" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <p className="muted" style={{ margin: 0 }}>
        Choose a theme, or follow your device's setting. We remember it on this device and in your account.
      </p>
      <ThemeSwitcher compact={false} />
    </section>
  );
}
