import { useId, useState, type FormEvent } from 'react';
import { post } from '../../api';
import { ErrorBanner } from '../review/format';
import { useAction } from '../review/use-action';
import { RoleChoice, type AdminAccount, type Role } from './roles';

const EMPTY = { username: '', displayName: '', credentials: '', password: '' };

/**
 * Making an account. The password rules (12 characters at least) and the username rules are the
 * server's; its refusal is shown as it comes rather than guessed at here.
 */
export function NewAccountForm({ onMade }: { onMade: (account: AdminAccount) => void }) {
  const [fields, setFields] = useState(EMPTY);
  const [roles, setRoles] = useState<Role[]>(['reader']);
  const [made, setMade] = useState<string | undefined>();
  const action = useAction();
  const id = useId();
  const set = (name: keyof typeof EMPTY) => (e: { target: { value: string } }) => setFields((old) => ({ ...old, [name]: e.target.value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMade(undefined);
    const credentials = fields.credentials.trim();
    const body = { username: fields.username.trim(), displayName: fields.displayName.trim(), roles, password: fields.password, ...(credentials ? { credentials } : {}) };
    let account: AdminAccount | undefined;
    if (await action.run(async () => (account = await post<AdminAccount>('/api/v1/accounts', body)))) {
      setFields(EMPTY);
      setRoles(['reader']);
      setMade(body.username);
      if (account) onMade(account);
    }
  };
  return (
    <form className="card new-account" aria-labelledby={`${id}-h`} onSubmit={(e) => void submit(e)}>
      <h3 id={`${id}-h`}>New account</h3>
      <div className="row">
        <p>
          <label htmlFor={`${id}-u`}>Username</label>
          <input id={`${id}-u`} type="text" autoComplete="off" spellCheck={false} value={fields.username} onChange={set('username')} required />
        </p>
        <p>
          <label htmlFor={`${id}-n`}>Display name</label>
          <input id={`${id}-n`} type="text" autoComplete="off" value={fields.displayName} onChange={set('displayName')} required />
        </p>
      </div>
      <RoleChoice legend="Roles" roles={roles} onChange={setRoles} />
      <div className="row">
        <p>
          <label htmlFor={`${id}-c`}>Credentials (shown on approvals)</label>
          <input id={`${id}-c`} type="text" value={fields.credentials} onChange={set('credentials')} placeholder="MD, Infectious diseases" />
        </p>
        <p>
          <label htmlFor={`${id}-p`}>Initial password</label>
          <input id={`${id}-p`} type="password" autoComplete="new-password" value={fields.password} onChange={set('password')} required />
        </p>
      </div>
      <ErrorBanner error={action.error} />
      {made ? <p className="banner ok" role="status">Made account {made}.</p> : null}
      <button type="submit" disabled={action.busy}>Make account</button>
    </form>
  );
}
