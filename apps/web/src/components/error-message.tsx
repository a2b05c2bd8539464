import { ApiError } from '../api.ts';

/** An error in words, with its stable code for support; never a blank page. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {message}
      {error instanceof ApiError && error.code ? <span className="code"> ({error.code})</span> : null}
    </p>
  );
}
