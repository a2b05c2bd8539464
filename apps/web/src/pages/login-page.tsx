import { ErrorNotice } from '@sluice/react';
import { type FormEvent, useState } from 'react';
import { useSession } from '../session.tsx';

/** Username and password; the demo users are listed in the README (e.g. alice / alice). */
export function LoginPage() {
  const { login } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await login(String(form.get('username')), String(form.get('password')));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>sluice</h1>
      <p className="muted">Exports, tasks, lists, history and sync on MikroORM 7.</p>
      <form onSubmit={submit} aria-label="Log in">
        <label>
          Username
          <input name="username" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="muted small">Demo users: alice / alice (exports, history, sync), bob / bob (no export role), admin / admin.</p>
    </main>
  );
}
