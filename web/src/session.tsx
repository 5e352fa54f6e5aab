import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get, post, api, onUnauthorized, setCsrfToken, setSignedIn } from './api';

/** The signed-in account, as GET /api/v1/session describes it. */
export interface Account {
  id: string;
  username: string;
  displayName: string;
  roles: ('reader' | 'editor' | 'reviewer' | 'admin')[];
  credentials?: string;
  disabled: boolean;
}

interface SessionState {
  account?: Account;
  /** False until the first GET /api/v1/session has answered. */
  loaded: boolean;
  /** True when the server refused a request (401) while the app was signed in: the session ended there. */
  ended: boolean;
  /**
   * Whether this account may ask the server to search PubMed or Europe PMC: the server allows it
   * (literature.serverFetch) and the account's role does. The server decides; the app only asks.
   */
  literatureFetch: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  has(role: Account['roles'][number]): boolean;
}

const SessionContext = createContext<SessionState>({
  loaded: false,
  ended: false,
  literatureFetch: false,
  signIn: async () => undefined,
  signOut: async () => undefined,
  has: () => false,
});

interface SessionReply {
  signedIn: boolean;
  account?: Account;
  csrfToken?: string;
  /** Absent from a server older than the feature: not offered. */
  literatureFetch?: boolean;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [ended, setEnded] = useState(false);
  const [literatureFetch, setLiteratureFetch] = useState(false);
  const apply = (reply: SessionReply) => {
    setCsrfToken(reply.csrfToken);
    setSignedIn(reply.signedIn);
    setAccount(reply.signedIn ? reply.account : undefined);
    setLiteratureFetch(reply.signedIn && reply.literatureFetch === true);
    setEnded(false);
    setLoaded(true);
  };
  useEffect(() => {
    get<SessionReply>('/api/v1/session').then(apply, () => setLoaded(true));
  }, []);
  // The session can end on the server at any time (expiry, a password changed, signed out
  // elsewhere): the first 401 after that shows the app signed out, and says so once.
  useEffect(
    () =>
      onUnauthorized((sessionEnded) => {
        setCsrfToken(undefined);
        setAccount(undefined);
        setLiteratureFetch(false);
        if (sessionEnded) setEnded(true);
      }),
    [],
  );
  const signIn = useCallback(async (username: string, password: string) => apply(await post<SessionReply>('/api/v1/session', { username, password })), []);
  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/api/v1/session');
    } catch (e) {
      // A session that had already ended is signed out all the same.
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    apply({ signedIn: false });
  }, []);
  // Administrators may do everything an editor or reviewer may (src/domain/policy.ts).
  const has = (role: Account['roles'][number]) => Boolean(account && (account.roles.includes(role) || account.roles.includes('admin')));
  return (
    <SessionContext.Provider value={{ ...(account ? { account } : {}), loaded, ended, literatureFetch: Boolean(account) && literatureFetch, signIn, signOut, has }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
