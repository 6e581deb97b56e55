import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import type { Me } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, UnavailableState } from "../../components/Feedback";
import { Dialog } from "../../components/Dialog";
import { CheckboxField, PasswordField } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { toast } from "../../components/Toast";
import { authStore } from "../../lib/auth-store";
import { splitErrors } from "../../lib/forms";
import { errorMessage } from "../../lib/problem";
import { useUpdateMe } from "../auth/api";
import { useDeleteAccount, useExportData } from "./api";

function TrainingOptOut({ me }: { me: Me }) {
  const update = useUpdateMe();
  const checked = update.isPending && update.variables?.training_opt_out !== undefined ? update.variables.training_opt_out : me.training_opt_out;
  return (
    <section className="card stack" aria-labelledby="training-heading">
      <h2 id="training-heading">Training use</h2>
      <CheckboxField
        label="Don't use my answers to improve InterviewOS"
        hint="When on, your answers and evaluations are excluded from any future training or evaluation-quality work. It doesn't change how your answers are evaluated."
        checked={checked ?? false}
        disabled={update.isPending}
        onChange={(e) =>
          update.mutate(
            { training_opt_out: e.target.checked },
            {
              onSuccess: () => toast(e.target.checked ? "You've opted out of training use." : "Training use is allowed."),
              onError: (err) => toast(errorMessage(err)),
            },
          )
        }
      />
      {update.isError ? <ErrorAlert error={update.error} /> : null}
    </section>
  );
}

function ExportData() {
  const exportData = useExportData();
  return (
    <section className="card stack" aria-labelledby="export-heading">
      <h2 id="export-heading">Download your data</h2>
      <p className="muted" style={{ margin: 0 }}>
        A JSON file with your profile, sessions, answers, evaluations and account activity.
      </p>
      {exportData.isSuccess ? <Alert tone="success">Downloaded {exportData.data}.</Alert> : null}
      {exportData.isError ? <UnavailableState error={exportData.error} what="Data export" /> : null}
      <div>
        <Button onClick={() => exportData.mutate()} loading={exportData.isPending} loadingText="Preparing export…">
          <Icon name="download" /> Export my data
        </Button>
      </div>
    </section>
  );
}

function DeleteAccount() {
  const del = useDeleteAccount();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [clientError, setClientError] = useState<string | undefined>();
  const { fieldErrors, formError } = splitErrors(del.error, ["password"], { password: clientError });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const err = password ? undefined : "Enter your password to confirm.";
    setClientError(err);
    if (err) return;
    del.mutate(password, {
      onSuccess: (res) => {
        // The route guard sends the now signed-out user to /signin?deleted=1 with the erasure date.
        authStore.clear("deleted", res.purge_after);
        qc.clear();
      },
    });
  }

  return (
    <section className="card stack danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p className="muted" style={{ margin: 0 }}>
        Your access ends immediately and all your data — profile, sessions, answers and evaluations — is permanently deleted within 30 days.
        Any subscription is cancelled. <Link to="/privacy">Read how we handle deletion</Link>.
      </p>
      <div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          <Icon name="trash" /> Delete my account
        </Button>
      </div>
      <Dialog
        open={open}
        onClose={() => {
          setOpen(false);
          setPassword("");
          setClientError(undefined);
          del.reset();
        }}
        title="Delete your account?"
      >
        <form className="form" onSubmit={onSubmit} noValidate>
          <p style={{ margin: 0 }}>This can't be undone. Consider downloading your data first.</p>
          {formError && !fieldErrors.password ? <UnavailableState error={formError} what="Account deletion" /> : null}
          <PasswordField label="Your password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={fieldErrors.password} autoFocus />
          <div className="dialog-actions">
            <Button
              onClick={() => {
                setOpen(false);
                setPassword("");
                del.reset();
              }}
            >
              Cancel
            </Button>
            <Button type="submit" variant="danger" loading={del.isPending} loadingText="Deleting…">
              Delete account permanently
            </Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}

export function PrivacySection({ me }: { me: Me }) {
  return (
    <>
      <TrainingOptOut me={me} />
      <ExportData />
      <DeleteAccount />
    </>
  );
}
