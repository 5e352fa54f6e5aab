import type { FastifyInstance } from 'fastify';
import { createAccount, createApiKey } from '../../src/accounts/accounts.js';
import type { Container } from '../../src/config/container.js';
import type { Role } from '../../src/domain/accounts.js';

/** One signed-in test user of each role, by API key: `headers.editor` are an editor's headers. */
export interface Staff {
  ids: Record<Role, string>;
  headers: Record<Role, Record<string, string>>;
}

export const PASSWORD = 'correct horse battery staple';

export async function makeStaff(container: Container): Promise<Staff> {
  const ids = {} as Record<Role, string>;
  const headers = {} as Record<Role, Record<string, string>>;
  const people: [Role, string, string | undefined][] = [
    ['reader', 'Rae Reader', undefined],
    ['editor', 'Ed Editor', undefined],
    ['reviewer', 'Dr Rita Review', 'MD, Infectious diseases'],
    ['admin', 'Ada Admin', undefined],
  ];
  for (const [role, displayName, credentials] of people) {
    const account = await createAccount(container.accounts, 'system', {
      username: role,
      displayName,
      roles: [role],
      password: PASSWORD,
      ...(credentials ? { credentials } : {}),
    });
    const { token } = await createApiKey(container.accounts, account.id, account.id, 'tests');
    ids[role] = account.id;
    headers[role] = { authorization: `Bearer ${token}` };
  }
  return { ids, headers };
}

/** Signs in through the browser flow; returns the cookie header and the CSRF token. */
export async function signInBrowser(app: FastifyInstance, username: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'citemed_session');
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `citemed_session=${cookie.value}`, csrf: (response.json() as { csrfToken: string }).csrfToken };
}
