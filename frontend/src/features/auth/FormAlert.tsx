import { ErrorAlert } from "../../components/Feedback";

/** The form-level error: the problem detail plus any field errors that have no field on this form. */
export function FormAlert({ error, extra }: { error: unknown; extra?: string[] }) {
  if (!error) return null;
  return (
    <ErrorAlert error={error}>
      {extra && extra.length ? (
        <ul style={{ margin: 0 }}>
          {extra.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
    </ErrorAlert>
  );
}
