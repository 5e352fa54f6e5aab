import { Link, useRouter } from '../router';
import { useSession } from '../session';
import { ReviewQueue } from './review/ReviewQueue';
import { Workspace } from './review/Workspace';

/**
 * The review desk: the queue of articles by status at /review, one article's workspace at
 * /review/<id>. Editors and reviewers only; the API refuses everyone else anyway, so this page
 * just says who may use it instead of showing a wall of 403s.
 */
export function ReviewPage() {
  const session = useSession();
  const { location } = useRouter();
  if (!session.loaded) return <p className="muted">Loading…</p>;
  if (!session.has('editor') && !session.has('reviewer')) {
    return (
      <section>
        <h1>Review desk</h1>
        <p>
          {session.account ? 'Your account is not an editor or reviewer. ' : null}
          <Link to={`/signin?next=${location.path}`}>Sign in as an editor or reviewer</Link> to use the review desk.
        </p>
      </section>
    );
  }
  const id = location.path.startsWith('/review/') ? decodeURIComponent(location.path.slice('/review/'.length)) : '';
  return id === '' ? <ReviewQueue /> : <Workspace key={id} id={id} />;
}
