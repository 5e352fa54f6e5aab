import { createContext, useCallback, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A small history-API router: the app has a handful of pages, so a path and its query string
 * are all the state a URL needs. Links are real <a href>s (open in a new tab, copy, keyboard)
 * that navigate in place on a plain click.
 */
export interface Location {
  path: string;
  query: URLSearchParams;
  /** The history entry's own state (history.state): what a page keeps for this entry only. */
  state: unknown;
}

type Navigate = (to: string, state?: unknown) => void;

const RouterContext = createContext<{ location: Location; navigate: Navigate; replace: Navigate }>({
  location: { path: '/', query: new URLSearchParams(), state: null },
  navigate: () => undefined,
  replace: () => undefined,
});

const read = (): Location => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search), state: window.history.state as unknown });

/** The location as a URL path with its query ("/?q=…"), e.g. to come back to after signing in. */
export function hrefOf(location: Pick<Location, 'path' | 'query'>): string {
  const query = location.query.toString();
  return query ? `${location.path}?${query}` : location.path;
}

/** The sign-in page, coming back to `location` afterwards. */
export function signInHref(location: Pick<Location, 'path' | 'query'>): string {
  return location.path === '/signin' ? hrefOf(location) : `/signin?next=${encodeURIComponent(hrefOf(location))}`;
}

/** A path of this app to go to after signing in: only a local one ("/…", never "//host/…"). */
export function localPath(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const onPop = () => setLocation(read());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, state: unknown = null) => {
    window.history.pushState(state, '', to);
    setLocation(read());
    window.scrollTo(0, 0);
  }, []);
  /** Changes the current entry's URL or state in place: no new entry for Back, no scrolling. */
  const replace = useCallback((to: string, state: unknown = null) => {
    window.history.replaceState(state, '', to);
    setLocation(read());
  }, []);
  return <RouterContext.Provider value={{ location, navigate, replace }}>{children}</RouterContext.Provider>;
}

export function useRouter() {
  return useContext(RouterContext);
}

/** An in-app link. Server-rendered pages (/articles/<id>/<slug>) use a plain <a> instead. */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
