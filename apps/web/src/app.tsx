import type { CurrentUser } from '@sluice/react';
import { type ReactNode, useEffect } from 'react';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { LanguageMenu, useTexts } from './language.tsx';
import { ExportBuilderPage } from './pages/export-builder-page.tsx';
import { ListPage, listKinds } from './pages/list-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { OrderPage } from './pages/order-page.tsx';
import { SavedExportsPage } from './pages/saved-exports-page.tsx';
import { SyncPage } from './pages/sync-page.tsx';
import { TasksPage } from './pages/tasks-page.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';

/** The page for `path`, or null when the user may not see it. */
function pageFor(path: string, me: CurrentUser): ReactNode {
  if (path === '/exports' && me.may.export) return <ExportBuilderPage />;
  if (path === '/tasks' && me.may.export) return <TasksPage />;
  if (path === '/saved-exports' && me.may.export) return <SavedExportsPage />;
  if (path === '/sync' && me.may.sync) return <SyncPage />;
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order) return <OrderPage id={Number(order[1])} />;
  const kind = listKinds.find((candidate) => path === `/${candidate}`);
  if (kind) return <ListPage kind={kind} />;
  return null;
}

function Navigation({ me }: { me: CurrentUser }) {
  const { path } = useLocation();
  const { logout } = useSession();
  const texts = useTexts();
  const links: [string, string, boolean][] = [
    ['/exports', texts.exportBuilder, me.may.export],
    ['/saved-exports', texts.savedExports, me.may.export],
    ['/tasks', texts.tasks, me.may.export],
    ['/people', texts.people, true],
    ['/activities', texts.activities, true],
    ['/orders', texts.orders, true],
    ['/sync', texts.sync, me.may.sync],
  ];
  return (
    <header className="top">
      <strong className="brand">sluice</strong>
      <nav aria-label="Main">
        {links
          .filter(([, , allowed]) => allowed)
          .map(([to, label]) => (
            <Link key={to} to={to} aria-current={path.startsWith(to) ? 'page' : undefined}>
              {label}
            </Link>
          ))}
      </nav>
      <span className="user">
        <LanguageMenu />
        {me.username}
        <button type="button" className="link" onClick={() => void logout().then(() => navigate('/'))}>
          {texts.logOut}
        </button>
      </span>
    </header>
  );
}

/** Login until there is a session, then the page of the URL (or the user's first page). */
export function App() {
  const { me, loading } = useSession();
  const texts = useTexts();
  const { path } = useLocation();
  const home = me?.may.export ? '/exports' : '/people';
  const page = me ? pageFor(path, me) : null;
  useEffect(() => {
    if (me && path === '/') navigate(home, { replace: true });
  }, [me, path, home]);
  if (loading) return <main className="page" aria-busy="true" />;
  if (!me) return <LoginPage />;
  return (
    <>
      <Navigation me={me} />
      <main className="page">
        <ErrorBoundary resetKey={path}>
          {page ??
            (path === '/' ? null : (
              <section>
                <h1>{texts.notHereTitle}</h1>
                <p>
                  {texts.notHere(path)} <Link to={home}>{texts.firstPage}</Link>.
                </p>
              </section>
            ))}
        </ErrorBoundary>
      </main>
    </>
  );
}
