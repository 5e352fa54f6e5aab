import { useId, type ReactNode } from 'react';
import { ROLES, type Role } from '../../../../src/domain/accounts.js';

export type { Role };

export const ROLE_LABELS: Readonly<Record<Role, string>> = { reader: 'Reader', editor: 'Editor', reviewer: 'Reviewer', admin: 'Administrator' };

/** An account as GET /api/v1/accounts lists it. */
export interface AdminAccount {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  credentials?: string;
  createdAt?: string;
  disabled: boolean;
}

/**
 * The roles as checkboxes in a fieldset; `legend` names the group (and says whose roles they are).
 * A `kept` role cannot be changed here, and `why` says so beside it.
 */
export function RoleChoice({
  legend,
  roles,
  onChange,
  kept,
}: {
  legend: ReactNode;
  roles: readonly Role[];
  onChange: (roles: Role[]) => void;
  kept?: { role: Role; why: string };
}) {
  const id = useId();
  const toggle = (role: Role, on: boolean) => onChange(ROLES.filter((r) => (r === role ? on : roles.includes(r))));
  return (
    <fieldset className="roles">
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <span key={role} className="checkbox">
          <input
            id={`${id}-${role}`}
            type="checkbox"
            checked={roles.includes(role)}
            disabled={kept?.role === role}
            aria-describedby={kept?.role === role ? `${id}-kept` : undefined}
            onChange={(e) => toggle(role, e.target.checked)}
          />
          <label htmlFor={`${id}-${role}`}>{ROLE_LABELS[role]}</label>
          {kept?.role === role ? (
            <span id={`${id}-kept`} className="muted small"> ({kept.why})</span>
          ) : null}
        </span>
      ))}
    </fieldset>
  );
}
