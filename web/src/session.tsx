import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { get, post, api, setCsrfToken } from './api';

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
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  has(role: Account['roles'][number]): boolean;
}

const SessionContext = createContext<SessionState>({ loaded: false, signIn: async () => undefined, signOut: async () => undefined, has: () => false });

interface SessionReply {
  signedIn: boolean;
  account?: Account;
  csrfToken?: string;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | undefined>();
  const [loaded, setLoaded] = useState(false);
  const apply = (reply: SessionReply) => {
    setCsrfToken(reply.csrfToken);
    setAccount(reply.signedIn ? reply.account : undefined);
    setLoaded(true);
  };
  useEffect(() => {
    get<SessionReply>('/api/v1/session').then(apply, () => setLoaded(true));
  }, []);
  const signIn = useCallback(async (username: string, password: string) => apply(await post<SessionReply>('/api/v1/session', { username, password })), []);
  const signOut = useCallback(async () => {
    await api('DELETE', '/api/v1/session');
    apply({ signedIn: false });
  }, []);
  // Administrators may do everything an editor or reviewer may (src/domain/policy.ts).
  const has = (role: Account['roles'][number]) => Boolean(account && (account.roles.includes(role) || account.roles.includes('admin')));
  return <SessionContext.Provider value={{ ...(account ? { account } : {}), loaded, signIn, signOut, has }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
