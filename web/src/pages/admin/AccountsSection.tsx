import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { ErrorBanner } from '../review/format';
import { useAction } from '../review/use-action';
import type { Fetched } from '../review/use-fetched';
import { NewAccountForm } from './NewAccountForm';
import { ROLE_LABELS, RoleChoice, type AdminAccount, type Role } from './roles';

/** Every account, changing one's roles, credentials and status, and making a new one. */
export function AccountsSection({ accounts, me }: { accounts: Fetched<{ accounts: AdminAccount[] }>; me: string | undefined }) {
  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts</h2>
      <ErrorBanner error={accounts.error} />
      {accounts.data ? (
        <div className="table-scroll">
          <table className="accounts stack-table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Display name</th>
                <th scope="col">Roles</th>
                <th scope="col">Credentials</th>
                <th scope="col">Status</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {accounts.data.accounts.map((account) => (
                <AccountRow key={account.id} account={account} isMe={account.id === me} onChanged={accounts.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <NewAccountForm onMade={accounts.reload} />
    </section>
  );
}

function AccountRow({ account, isMe, onChanged }: { account: AdminAccount; isMe: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const toggle = useAction();
  const setDisabled = async () => {
    if (await toggle.run(() => api('PATCH', `/api/v1/accounts/${encodeURIComponent(account.id)}`, { disabled: !account.disabled }))) onChanged();
  };
  return (
    <>
      <tr className={account.disabled ? 'disabled-account' : undefined}>
        <td>{account.username}{isMe ? <span className="muted"> (you)</span> : null}</td>
        <td data-label="Display name">{account.displayName}</td>
        <td data-label="Roles">{account.roles.map((r) => ROLE_LABELS[r] ?? r).join(', ')}</td>
        <td data-label="Credentials">{account.credentials ?? <span className="muted">—</span>}</td>
        <td data-label="Status">{account.disabled ? 'Disabled' : 'Active'}</td>
        <td data-label="Changes" className="actions">
          <button type="button" className="secondary compact" aria-label={`Edit ${account.username}`} aria-expanded={editing} onClick={() => setEditing(!editing)}>
            Edit
          </button>{' '}
          {isMe ? (
            // The server refuses it (409): an administrator cannot lock themselves out.
            <span className="muted small">Your own account cannot be disabled</span>
          ) : (
            <button
              type="button"
              className={account.disabled ? 'secondary compact' : 'danger compact'}
              aria-label={`${account.disabled ? 'Enable' : 'Disable'} ${account.username}`}
              disabled={toggle.busy}
              onClick={() => void setDisabled()}
            >
              {account.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
        </td>
      </tr>
      {toggle.error ? (
        <tr>
          <td colSpan={6}><ErrorBanner error={toggle.error} /></td>
        </tr>
      ) : null}
      {editing ? (
        <tr className="edit-row">
          <td colSpan={6}>
            <EditAccountForm
              account={account}
              isMe={isMe}
              onDone={(changed) => {
                setEditing(false);
                if (changed) onChanged();
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** Roles, display name and credentials of one account. Emptying the credentials removes them. */
function EditAccountForm({ account, isMe, onDone }: { account: AdminAccount; isMe: boolean; onDone: (changed: boolean) => void }) {
  const [roles, setRoles] = useState<Role[]>(account.roles);
  const [displayName, setDisplayName] = useState(account.displayName);
  const [credentials, setCredentials] = useState(account.credentials ?? '');
  const action = useAction();
  const id = useId();
  const who = <span className="visually-hidden"> of {account.username}</span>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = credentials.trim();
    const body = { roles, displayName: displayName.trim(), credentials: trimmed === '' ? null : trimmed };
    if (await action.run(() => api('PATCH', `/api/v1/accounts/${encodeURIComponent(account.id)}`, body))) onDone(true);
  };
  return (
    <form className="edit-account" aria-label={`Edit account ${account.username}`} onSubmit={(e) => void submit(e)}>
      <div className="row">
        <p>
          <label htmlFor={`${id}-n`}>Display name{who}</label>
          <input id={`${id}-n`} type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required />
        </p>
        <p>
          <label htmlFor={`${id}-c`}>Credentials (shown on approvals){who}</label>
          <input id={`${id}-c`} type="text" value={credentials} onChange={(e) => setCredentials(e.target.value)} />
        </p>
      </div>
      <RoleChoice
        legend={<>Roles{who}</>}
        roles={roles}
        onChange={setRoles}
        // The server refuses it (409): an administrator cannot take away their own administration.
        {...(isMe && account.roles.includes('admin') ? { kept: { role: 'admin' as const, why: 'your own; another administrator can remove it' } } : {})}
      />
      <ErrorBanner error={action.error} />
      <div className="buttons">
        <button type="submit" disabled={action.busy}>Save changes</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
    </form>
  );
}
