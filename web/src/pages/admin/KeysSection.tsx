import { useId, useRef, useState, type FormEvent } from 'react';
import { api, post } from '../../api';
import type { ApiKey } from '../../types';
import { ErrorBanner, When } from '../review/format';
import { useAction } from '../review/use-action';
import { useFetched } from '../review/use-fetched';

/** Every API key (an administrator's view), making one for oneself, and revoking any. */
export function KeysSection({ names }: { names: ReadonlyMap<string, string> }) {
  const keys = useFetched<{ keys: ApiKey[] }>('/api/v1/keys?all=true');
  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <ErrorBanner error={keys.error} />
      {keys.data ? (
        keys.data.keys.length === 0 ? (
          <p className="muted">No API keys yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Account</th>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Revoked</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.keys.map((key) => (
                  <KeyRow key={key.id} apiKey={key} account={names.get(key.accountId) ?? key.accountId} onRevoked={keys.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <NewKeyForm onMade={keys.reload} />
    </section>
  );
}

function KeyRow({ apiKey, account, onRevoked }: { apiKey: ApiKey; account: string; onRevoked: () => void }) {
  const action = useAction();
  const revoke = async () => {
    if (await action.run(() => api('DELETE', `/api/v1/keys/${encodeURIComponent(apiKey.id)}`))) onRevoked();
  };
  return (
    <tr className={apiKey.revokedAt ? 'revoked' : undefined}>
      <td data-label="Id"><code>{apiKey.id}</code></td>
      <td data-label="Account">{account}</td>
      <td data-label="Name">{apiKey.name}</td>
      <td data-label="Created"><When at={apiKey.createdAt} /></td>
      <td data-label="Last used">{apiKey.lastUsedAt ? <When at={apiKey.lastUsedAt} /> : <span className="muted">never</span>}</td>
      <td data-label="Revoked">
        {apiKey.revokedAt ? (
          <When at={apiKey.revokedAt} />
        ) : (
          <button type="button" className="danger compact" aria-label={`Revoke key ${apiKey.name} (${apiKey.id})`} disabled={action.busy} onClick={() => void revoke()}>
            Revoke
          </button>
        )}
        <ErrorBanner error={action.error} />
      </td>
    </tr>
  );
}

/** A key for the signed-in administrator. Its secret comes once, in this answer, and is shown once. */
function NewKeyForm({ onMade }: { onMade: () => void }) {
  const [name, setName] = useState('');
  const [token, setToken] = useState<string | undefined>();
  const action = useAction();
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setToken(undefined);
    let made: { token: string } | undefined;
    if (await action.run(async () => (made = await post<{ token: string }>('/api/v1/keys', { name: name.trim() })))) {
      setName('');
      setToken(made?.token);
      onMade();
    }
  };
  return (
    <div className="card new-key">
      <form aria-labelledby={`${id}-h`} onSubmit={(e) => void submit(e)}>
      <h3 id={`${id}-h`}>A key for you</h3>
      <label htmlFor={`${id}-n`}>Key name</label>
      <input id={`${id}-n`} type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="nightly ingest" />
      <ErrorBanner error={action.error} />
      <div className="buttons">
        <button type="submit" disabled={action.busy || name.trim() === ''}>Make a key for me</button>
      </div>
      </form>
      {/* Outside the form: Enter in the key's field must not make another key. */}
      {token ? <ShownOnce token={token} /> : null}
    </div>
  );
}

function ShownOnce({ token }: { token: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | undefined>();
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied('Copied.');
    } catch {
      // No clipboard access (plain HTTP, or permission refused): select the text for Ctrl-C instead.
      field.current?.select();
      setCopied('Selected: press Ctrl-C (or ⌘-C) to copy.');
    }
  };
  return (
    <div className="banner warn shown-once">
      <p id={`${id}-w`}><strong>Copy this key now: it will not be shown again.</strong> Send it as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
      <label htmlFor={`${id}-t`}>New API key</label>
      <div className="token-row">
        <input id={`${id}-t`} ref={field} type="text" readOnly value={token} aria-describedby={`${id}-w`} onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" className="secondary" onClick={() => void copy()}>Copy</button>
      </div>
      <p role="status" className="small">{copied ?? ''}</p>
    </div>
  );
}
