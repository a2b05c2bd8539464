/**
 * The consumer app's page: its own login, then sluice's screens (export builder, task list, a book's
 * history) next to a screen of its own that changes the book's price through the app's route.
 */
import '@sluice/react/styles.css';
import { type CurrentUser, createSluiceClient, ErrorNotice, ExportBuilder, HistoryTimeline, SluiceApiError, SluiceProvider, TaskList } from '@sluice/react';
import { type FormEvent, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './page.css';

/** Same origin: the session cookie goes with every call. */
const client = createSluiceClient();
const bookId = 7;

function App() {
  const [me, setMe] = useState<CurrentUser | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    client.me().then(setMe, (failure: unknown) => {
      if (failure instanceof SluiceApiError && failure.status === 401) setMe(null);
      else setError(failure);
    });
  }, []);
  if (error) return <ErrorNotice error={error} />;
  if (me === undefined) return null;
  return me ? <Library me={me} onLogout={() => setMe(null)} /> : <Login onLogin={setMe} />;
}

function Login({ onLogin }: { onLogin(me: CurrentUser): void }) {
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await client.request('POST', '/api/login', { username: form.get('username'), password: form.get('password') });
      onLogin(await client.me());
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <main className="login">
      <h1>Library</h1>
      <form onSubmit={submit}>
        <label className="field">
          Username
          <input className="sluice-input" name="username" autoComplete="username" required />
        </label>
        <label className="field">
          Password
          <input className="sluice-input" name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" className="sluice-button sluice-button--primary">
          Log in
        </button>
      </form>
    </main>
  );
}

function Library({ me, onLogout }: { me: CurrentUser; onLogout(): void }) {
  const [queued, setQueued] = useState(0);
  const [saved, setSaved] = useState(0);
  const logout = async () => {
    await client.request('POST', '/api/logout');
    onLogout();
  };
  return (
    <>
      <header className="bar">
        <strong>Library</strong>
        <span className="sluice-muted">{me.username}</span>
        <button type="button" className="sluice-button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main className="page">
        <section className="panel wide">
          <h2>Export books</h2>
          <ExportBuilder user={me} onTaskQueued={() => setQueued((count) => count + 1)} />
        </section>
        <section className="panel">
          <h2>Export tasks</h2>
          {/* A new key when a task is queued: the list loads again and follows it. */}
          <TaskList key={queued} pageSize={5} />
        </section>
        <section className="panel">
          <h2>Book {bookId}</h2>
          <PriceForm onSaved={() => setSaved((count) => count + 1)} />
          <h3>History</h3>
          <HistoryTimeline entity="books" id={bookId} refreshKey={saved} />
        </section>
      </main>
    </>
  );
}

interface BookView {
  id: number;
  title: string;
  price: number;
}

/** The app's own screen: a book's price, saved through the app's route (the history records it). */
function PriceForm({ onSaved }: { onSaved(): void }) {
  const [book, setBook] = useState<BookView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    client.request<BookView>('GET', `/api/books/${bookId}`).then(setBook, setError);
  }, []);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const price = Number(new FormData(event.currentTarget).get('price'));
    try {
      setBook(await client.request<BookView>('PATCH', `/api/books/${bookId}`, { price }));
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };
  if (!book) return <ErrorNotice error={error} />;
  return (
    <form className="price" onSubmit={submit}>
      <label className="field">
        Price of {book.title}
        <input className="sluice-input" name="price" type="number" min={0} defaultValue={book.price} required />
      </label>
      <button type="submit" className="sluice-button">
        Save
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SluiceProvider client={client} locale="en-GB">
      <App />
    </SluiceProvider>
  </StrictMode>,
);
