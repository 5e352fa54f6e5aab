import { createContext, useCallback, useContext, useEffect, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/**
 * A small history-API router: the app has a handful of pages, so a path and its query string
 * are all the state a URL needs. Links are real <a href>s (open in a new tab, copy, keyboard)
 * that navigate in place on a plain click.
 */
interface Location {
  path: string;
  query: URLSearchParams;
}

const RouterContext = createContext<{ location: Location; navigate: (to: string) => void }>({
  location: { path: '/', query: new URLSearchParams() },
  navigate: () => undefined,
});

const read = (): Location => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search) });

export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const onPop = () => setLocation(read());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string) => {
    window.history.pushState(null, '', to);
    setLocation(read());
    window.scrollTo(0, 0);
  }, []);
  return <RouterContext.Provider value={{ location, navigate }}>{children}</RouterContext.Provider>;
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
