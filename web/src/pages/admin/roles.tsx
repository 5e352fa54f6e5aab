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

/** The roles as checkboxes in a fieldset; `legend` names the group (and says whose roles they are). */
export function RoleChoice({ legend, roles, onChange }: { legend: ReactNode; roles: readonly Role[]; onChange: (roles: Role[]) => void }) {
  const id = useId();
  const toggle = (role: Role, on: boolean) => onChange(ROLES.filter((r) => (r === role ? on : roles.includes(r))));
  return (
    <fieldset className="roles">
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <span key={role} className="checkbox">
          <input id={`${id}-${role}`} type="checkbox" checked={roles.includes(role)} onChange={(e) => toggle(role, e.target.checked)} />
          <label htmlFor={`${id}-${role}`}>{ROLE_LABELS[role]}</label>
        </span>
      ))}
    </fieldset>
  );
}
