import { hasRole, type Principal, type Role } from './accounts.js';

/**
 * Who may do what: the one place that decides. Routes name the action they perform and ask
 * `decide`; use cases add the rules that depend on the thing acted on (a reviewer never approves a
 * version they wrote), and the route × role test walks every route against this table.
 */
export const ACTIONS = [
  // Using the library
  'ask',
  'search',
  'read-sources',
  // Published articles as the public sees them (approved version, or the current one marked unreviewed)
  'read-articles',
  // The editorial workspace: every version, diffs, decisions, comments, flags
  'read-workspace',
  'publish-article',
  'revise-article',
  'review-article',
  'comment',
  'resolve-flags',
  'recheck-articles',
  // Oneself
  'read-self',
  'manage-own-keys',
  // Running the service
  'manage-accounts',
  'manage-all-keys',
  'read-audit',
  // Ingest jobs on the server: files already on its disk, inside ingest.serverRoots
  'manage-library',
  // Asking the server to search PubMed or Europe PMC and add what it finds (literature.serverFetch)
  'fetch-literature',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What anonymous visitors may do, from settings (`server.anonymous`). */
export interface AnonymousAccess {
  /** Ask, search and read sources without an account. */
  ask: boolean;
  /** Read published articles without an account. */
  readArticles: boolean;
}

interface Rule {
  /** Roles that may; `admin` may do everything and is not listed. */
  roles: readonly Role[];
  /** Whether an anonymous visitor may, given the service's settings. */
  anonymous?: (access: AnonymousAccess) => boolean;
}

const EVERY_ACCOUNT: readonly Role[] = ['reader', 'editor', 'reviewer'];
const STAFF: readonly Role[] = ['editor', 'reviewer'];

export const POLICY: Readonly<Record<Action, Rule>> = {
  ask: { roles: EVERY_ACCOUNT, anonymous: (a) => a.ask },
  search: { roles: EVERY_ACCOUNT, anonymous: (a) => a.ask },
  'read-sources': { roles: EVERY_ACCOUNT, anonymous: (a) => a.ask },
  'read-articles': { roles: EVERY_ACCOUNT, anonymous: (a) => a.readArticles },
  'read-workspace': { roles: STAFF },
  'publish-article': { roles: ['editor'] },
  'revise-article': { roles: ['editor'] },
  'review-article': { roles: ['reviewer'] },
  comment: { roles: STAFF },
  'resolve-flags': { roles: ['reviewer'] },
  'recheck-articles': { roles: ['editor'] },
  'read-self': { roles: EVERY_ACCOUNT },
  'manage-own-keys': { roles: EVERY_ACCOUNT },
  'manage-accounts': { roles: [] },
  'manage-all-keys': { roles: [] },
  'read-audit': { roles: [] },
  'manage-library': { roles: [] },
  // It reaches the network on the service's behalf (NCBI limits requests per client) and changes
  // the library: for the people who write articles, never anonymous.
  'fetch-literature': { roles: ['editor'] },
};

/** `allow`, or why not: nobody is signed in (401) or the account lacks the role (403). */
export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

export function decide(principal: Principal, action: Action, access: AnonymousAccess): Decision {
  const rule = POLICY[action];
  if (principal.kind === 'anonymous' || principal.account.disabled) {
    return rule.anonymous?.(access) ? 'allow' : 'unauthenticated';
  }
  if (hasRole(principal, 'admin')) return 'allow';
  return rule.roles.some((role) => hasRole(principal, role)) ? 'allow' : 'forbidden';
}

/** The roles that may perform `action` (admin included), for messages and documentation. */
export function rolesFor(action: Action): Role[] {
  return [...POLICY[action].roles, 'admin'];
}
