import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { localPath, useRouter } from '../router';
import { useSession } from '../session';

/** Signing in with a username and password (a session cookie; API keys are for programs). */
export function SignInPage() {
  const session = useSession();
  const { navigate, location } = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(username, password);
      navigate(localPath(location.query.get('next')));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'signing in failed; try again');
    } finally {
      setBusy(false);
    }
  };

  if (session.account) {
    return (
      <section>
        <h1>Signed in</h1>
        <p>You are signed in as {session.account.displayName} ({session.account.roles.join(', ')}).</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)} style={{ maxWidth: '24rem' }}>
        <p>
          <label htmlFor="username">Username</label>
          <input id="username" type="text" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </p>
        <p>
          <label htmlFor="password">Password</label>
          <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </p>
        {error ? <p className="banner error" role="alert">{error}</p> : null}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p className="muted small">Accounts are made by an administrator. Asking and reading articles may not need one.</p>
    </section>
  );
}
