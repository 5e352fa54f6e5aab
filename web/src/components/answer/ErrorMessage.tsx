import { ApiError } from '../../api';
import { Link, signInHref, useRouter } from '../../router';

/**
 * An error as the reader can act on it: the server's message and hint as they are, and for
 * "too many requests" a plain word to wait (the server's message says for how long). For a 401,
 * a link to sign in that comes back here (api.ts words the message: the session ended, or this
 * needs an account).
 */
export function ErrorMessage({ error, action = 'That' }: { error: Error; action?: string }) {
  const { location } = useRouter();
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="banner error" role="alert">
      <p>
        <strong>{api?.status === 429 ? 'Please wait before asking again.' : `${action} did not work.`}</strong> {sentence(error.message)}
      </p>
      {api?.hint ? <p>{sentence(api.hint)}</p> : null}
      {api?.status === 401 ? (
        <p>
          <Link to={signInHref(location)}>{api.code === 'session-ended' ? 'Sign in again' : 'Sign in'}</Link> and try again.
        </p>
      ) : null}
    </div>
  );
}

/** The API's messages are lower-case clauses ("too many requests …"); shown alone they read as sentences. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1) + (/[.!?]$/.test(trimmed) ? '' : '.');
}
