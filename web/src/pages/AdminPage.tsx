import { useMemo } from 'react';
import { Link } from '../router';
import { useSession } from '../session';
import { AccountsSection } from './admin/AccountsSection';
import { AuditSection } from './admin/AuditSection';
import { IngestSection } from './admin/IngestSection';
import { KeysSection } from './admin/KeysSection';
import { LibrarySection } from './admin/LibrarySection';
import type { AdminAccount } from './admin/roles';
import { useFetched } from './review/use-fetched';
import './admin/admin.css';

/**
 * Administration: the library, ingest jobs, accounts, API keys and the audit log. Administrators
 * only. The accounts are read once here: the keys, jobs and audit sections name accounts by their
 * usernames instead of their ids.
 */
export function AdminPage() {
  const session = useSession();
  if (!session.loaded) return <p className="muted">Loading…</p>;
  if (!session.has('admin')) {
    return (
      <section>
        <h1>Administration</h1>
        {session.account ? (
          <p>Only administrators may use this page, and your account is not one. Ask an administrator if you need to manage accounts or the library.</p>
        ) : (
          <p><Link to="/signin?next=/admin">Sign in as an administrator</Link> to use this page.</p>
        )}
      </section>
    );
  }
  return <AdminDesk me={session.account?.id} />;
}

function AdminDesk({ me }: { me: string | undefined }) {
  const accounts = useFetched<{ accounts: AdminAccount[] }>('/api/v1/accounts');
  const names = useMemo(() => new Map((accounts.data?.accounts ?? []).map((a) => [a.id, a.username])), [accounts.data]);
  return (
    <div className="admin wide">
      <h1>Administration</h1>
      <LibrarySection names={names} />
      <IngestSection names={names} />
      <AccountsSection accounts={accounts} me={me} />
      <KeysSection names={names} />
      <AuditSection names={names} />
    </div>
  );
}
