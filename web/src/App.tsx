import { Link, Router, signInHref, useRouter } from './router';
import { SessionProvider, useSession } from './session';
import { AskPage } from './pages/AskPage';
import { ArticlesPage } from './pages/ArticlesPage';
import { ReviewPage } from './pages/ReviewPage';
import { AdminPage } from './pages/AdminPage';
import { SignInPage } from './pages/SignInPage';
import { DISCLAIMER } from './types';

/**
 * The web app's shell: a header with the pages the signed-in account may use, the page for the
 * current path, and the disclaimer. Article pages themselves are server-rendered
 * (/articles/<id>/<slug>) so they work without JavaScript.
 */
export function App() {
  return (
    <SessionProvider>
      <Router>
        <Shell />
      </Router>
    </SessionProvider>
  );
}

function Shell() {
  const { location } = useRouter();
  const session = useSession();
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="site">
        <Link to="/" className="brand">citemed</Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={location.path === '/' ? 'page' : undefined}>Ask</Link>
          <Link to="/articles" aria-current={location.path === '/articles' ? 'page' : undefined}>Articles</Link>
          {session.has('editor') || session.has('reviewer') ? (
            <Link to="/review" aria-current={location.path.startsWith('/review') ? 'page' : undefined}>Review desk</Link>
          ) : null}
          {session.has('admin') ? <Link to="/admin" aria-current={location.path === '/admin' ? 'page' : undefined}>Admin</Link> : null}
        </nav>
        <div className="who">
          {session.account ? (
            <>
              <span>{session.account.displayName}</span>
              <button type="button" className="link" onClick={() => void session.signOut()}>Sign out</button>
            </>
          ) : (
            <Link to={signInHref(location)}>Sign in</Link>
          )}
        </div>
      </header>
      {session.ended && location.path !== '/signin' ? (
        <p className="banner warn session-ended" role="alert">
          <strong>Your session has ended</strong> — <Link to={signInHref(location)}>sign in again</Link>. What you were doing here is kept.
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        <Page path={location.path} />
      </main>
      <footer className="site">
        <p><strong>Disclaimer.</strong> {DISCLAIMER}</p>
        <p><a href="/editorial-policy">Editorial policy</a> · <a href="/openapi.json">API</a></p>
      </footer>
    </>
  );
}

function Page({ path }: { path: string }) {
  if (path === '/' || path === '/ask') return <AskPage />;
  if (path === '/articles') return <ArticlesPage />;
  if (path === '/review' || path.startsWith('/review/')) return <ReviewPage />;
  if (path === '/admin') return <AdminPage />;
  if (path === '/signin') return <SignInPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no page at {path}. <Link to="/">Ask a question</Link> or <Link to="/articles">browse articles</Link>.</p>
    </section>
  );
}
