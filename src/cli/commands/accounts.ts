import type { Command } from 'commander';
import { changePassword, createAccount, createApiKey, updateAccount } from '../../accounts/accounts.js';
import { isRole, ROLES, type Account, type Role } from '../../domain/accounts.js';
import { SYSTEM_ACTOR } from '../../domain/audit.js';
import { CitemedError } from '../../domain/errors.js';
import type { Container } from '../../config/container.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';

/**
 * `citemed accounts`: the operator's way in, on the machine that holds the library: the first
 * administrator is made here, and a locked-out one is helped here. Changes made here are recorded
 * in the audit log as made by "system".
 */
export function registerAccounts(program: Command, io: Io): void {
  const accounts = program
    .command('accounts')
    .description('accounts of the HTTP service: make them, change roles, reset passwords, make API keys')
    .addHelpText(
      'after',
      [
        '',
        'Passwords are typed at the terminal (not shown), or piped on standard input:',
        '  printf %s "$NEW_PASSWORD" | citemed accounts create ana --role admin --name "Ana Ruiz"',
        `Roles: ${ROLES.join(', ')} (several with commas). Reviewers need --credentials to approve articles.`,
      ].join('\n'),
    );

  accounts
    .command('create')
    .description('make an account')
    .argument('<username>', 'lower-case letters, digits, ".", "_" or "-"')
    .requiredOption('--role <roles>', `one or more of ${ROLES.join(', ')}, comma-separated`)
    .requiredOption('--name <display name>', 'shown on articles and approvals')
    .option('--credentials <text>', 'qualifications shown on approvals, e.g. "MD, Infectious diseases"')
    .option('--json', 'print the account as JSON')
    .action(async (username: string, options: { role: string; name: string; credentials?: string; json?: boolean }, command: Command) => {
      const roles = parseRoles(options.role);
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: true }, async (container) => {
        const password = await readPassword(io, `Password for ${username}: `);
        const account = await createAccount(container.accounts, SYSTEM_ACTOR, {
          username,
          displayName: options.name,
          roles,
          password,
          ...(options.credentials ? { credentials: options.credentials } : {}),
        });
        if (options.json) printJson(io, account);
        else io.out(`citemed: made account ${account.username} (${account.roles.join(', ')}), id ${account.id}`);
      });
    });

  accounts
    .command('list')
    .description('every account')
    .option('--json', 'print the accounts as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const list = await container.accounts.store.list();
        if (options.json) return printJson(io, list);
        if (list.length === 0) return io.out('No accounts yet. Make the first administrator with `citemed accounts create <username> --role admin --name "…"`.');
        for (const a of list) io.out(describe(a));
      });
    });

  accounts
    .command('update')
    .description("change an account's name, roles or credentials, or disable it")
    .argument('<username>')
    .option('--role <roles>', 'replace the roles, comma-separated')
    .option('--name <display name>')
    .option('--credentials <text>', 'qualifications shown on approvals; "" removes them')
    .option('--disable', 'stop the account signing in; its sessions end')
    .option('--enable', 'let a disabled account sign in again')
    .action(async (username: string, options: { role?: string; name?: string; credentials?: string; disable?: boolean; enable?: boolean }, command: Command) => {
      if (options.disable && options.enable) throw new CitemedError('usage', '--disable and --enable together make no sense');
      const roles = options.role === undefined ? undefined : parseRoles(options.role);
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const account = await findAccount(container, username);
        const updated = await updateAccount(container.accounts, SYSTEM_ACTOR, account.id, {
          ...(roles ? { roles } : {}),
          ...(options.name !== undefined ? { displayName: options.name } : {}),
          ...(options.credentials !== undefined ? { credentials: options.credentials.trim() === '' ? null : options.credentials } : {}),
          ...(options.disable ? { disabled: true } : options.enable ? { disabled: false } : {}),
        });
        io.out(`citemed: ${describe(updated)}`);
      });
    });

  accounts
    .command('password')
    .description("set an account's password (its sessions end)")
    .argument('<username>')
    .action(async (username: string, _options: unknown, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const account = await findAccount(container, username);
        await changePassword(container.accounts, SYSTEM_ACTOR, account.id, await readPassword(io, `New password for ${username}: `));
        io.out(`citemed: password of ${username} changed; its sessions have ended`);
      });
    });

  accounts
    .command('key')
    .description('make an API key for an account; the key is printed once')
    .argument('<username>')
    .requiredOption('--name <what for>', 'what the key is for, e.g. "nightly ingest"')
    .action(async (username: string, options: { name: string }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const account = await findAccount(container, username);
        const { key, token } = await createApiKey(container.accounts, SYSTEM_ACTOR, account.id, options.name);
        io.err(`citemed: API key ${key.id} for ${username} ("${key.name}"). It is shown once; send it as "Authorization: Bearer <key>":`);
        io.out(token);
      });
    });
}

function parseRoles(text: string): Role[] {
  const parts = text.split(',').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
  const unknown = parts.filter((r) => !isRole(r));
  if (parts.length === 0 || unknown.length > 0) {
    throw new CitemedError('usage', `--role: unknown role ${unknown.map((r) => `"${r}"`).join(', ') || '(none given)'}`, { hint: `use ${ROLES.join(', ')}` });
  }
  return parts as Role[];
}

async function findAccount(container: Container, username: string): Promise<Account> {
  const found = await container.accounts.store.findByUsername(username.trim().toLowerCase());
  if (!found) throw new CitemedError('not-found', `no account "${username}"`, { hint: 'see them with `citemed accounts list`' });
  return found.account;
}

async function readPassword(io: Io, prompt: string): Promise<string> {
  if (!io.readSecret) throw new CitemedError('usage', 'no way to read a password here', { hint: 'pipe it on standard input' });
  return io.readSecret(prompt);
}

function describe(a: Account): string {
  return `${a.username} — ${a.displayName} — ${a.roles.join(', ')}${a.credentials ? ` — ${a.credentials}` : ''}${a.disabled ? ' — DISABLED' : ''} (id ${a.id})`;
}
