import { type CurrentUser, SluiceApiError } from '@sluice/react';
import { createContext, type ReactNode, use, useCallback, useEffect, useState } from 'react';
import { client, whenUnauthenticated } from './client.ts';

interface Session {
  me: CurrentUser | null;
  loading: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Loads the caller once, and again after login; any 401 returns to the login page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<CurrentUser | null>(null);
  const [loading, setLoading] = useState(true);
  const load = useCallback(async () => {
    try {
      setMe(await client.me());
    } catch (error) {
      if (!(error instanceof SluiceApiError && error.status === 401)) throw error;
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    whenUnauthenticated(() => setMe(null));
    void load();
  }, [load]);
  const login = useCallback(
    async (username: string, password: string) => {
      await client.request('POST', '/api/login', { username, password });
      await load();
    },
    [load],
  );
  const logout = useCallback(async () => {
    await client.request('POST', '/api/logout');
    setMe(null);
  }, []);
  return <SessionContext value={{ me, loading, login, logout }}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = use(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The logged-in user; only for pages shown after login. */
export function useMe(): CurrentUser {
  const { me } = useSession();
  if (!me) throw new Error('useMe before login');
  return me;
}
