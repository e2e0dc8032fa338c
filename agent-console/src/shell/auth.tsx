import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import { api } from '../api/endpoints';
import type { Role, User } from '../api/types';
import { endSession } from '../lib/sessionReset';

interface AuthValue {
  user: User | null;
  /** false until /auth/me answered, so a reload on /agent does not flash the login page. */
  ready: boolean;
  login: (username: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  /** Re-reads /auth/me (after the TOTP step or enrolment). */
  refresh: () => Promise<void>;
  /**
   * True after this tab's user pressed 退出. A desk PC is shared: the next person who signs in goes
   * to their own home, not to the page the previous one left. (An expired session keeps the page,
   * so the same person picks up where they were.)
   */
  loggedOutHere: boolean;
}

/** Signed in past every step (password, and TOTP where due). */
export const fullySignedIn = (u: User | null): u is User => !!u && (u.mfa?.state ?? 'ok') === 'ok';

const AuthContext = createContext<AuthValue | null>(null);

export function homeFor(role: Role): string {
  switch (role) {
    case 'unit_clerk':
      return '/unit';
    case 'supervisor':
      return '/supervisor';
    case 'admin':
      return '/admin';
    default:
      return '/agent';
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [loggedOutHere, setLoggedOutHere] = useState(false);

  useEffect(() => {
    // The server said the session is gone (expired, revoked, or this tab opened after it ended):
    // whatever this person typed stays on the PC no longer than their session, as on logout.
    setUnauthenticatedHandler(() => {
      endSession();
      setUser(null);
    });
    api
      .me()
      .then(({ data }) => {
        setCsrfToken(data.csrfToken);
        setUser(data.user);
      })
      .catch(() => setUser(null))
      .finally(() => setReady(true));
    return () => setUnauthenticatedHandler(null);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { data } = await api.login(username, password);
    setCsrfToken(data.csrfToken);
    setUser(data.user);
    setLoggedOutHere(false);
    return data.user;
  }, []);

  const logout = useCallback(async () => {
    // The desk is cleared either way (below); a server that did not hear the logout keeps the session until it
    // expires, so say so in the console's log rather than swallow it.
    await api.logout().catch((err: unknown) => console.warn('logout was not confirmed by the server; cleared on this desk only', err));
    setCsrfToken(null);
    // A desk PC is shared between shifts: the next person must not find this one's drafts, presence or cached answers.
    endSession();
    setLoggedOutHere(true);
    setUser(null);
  }, []);

  const refresh = useCallback(async () => {
    const { data } = await api.me();
    setCsrfToken(data.csrfToken);
    setUser(data.user);
  }, []);

  const value = useMemo(() => ({ user, ready, login, logout, refresh, loggedOutHere }), [user, ready, login, logout, refresh, loggedOutHere]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
