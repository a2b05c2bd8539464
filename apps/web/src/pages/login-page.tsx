import { ErrorNotice } from '@sluice/react';
import { type FormEvent, useState } from 'react';
import { LanguageMenu, useTexts } from '../language.tsx';
import { useSession } from '../session.tsx';

/** Username and password; the demo users are listed in the README (e.g. alice / alice). */
export function LoginPage() {
  const { login } = useSession();
  const texts = useTexts();
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
      <LanguageMenu />
      <h1>sluice</h1>
      <p className="muted">{texts.tagline}</p>
      <form onSubmit={submit} aria-label={texts.logIn}>
        <label>
          {texts.username}
          <input name="username" autoComplete="username" required />
        </label>
        <label>
          {texts.password}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? texts.loggingIn : texts.logIn}
        </button>
      </form>
      <p className="muted small">{texts.demoUsers}</p>
    </main>
  );
}
