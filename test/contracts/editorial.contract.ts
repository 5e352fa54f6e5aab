import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey, Session } from '../../src/domain/accounts.js';
import type { Answer, EvidenceSource } from '../../src/domain/answer.js';
import type { Article, ArticleVersion, ReReviewFlag, StatementComment } from '../../src/domain/article.js';
import type { AuditInput, AuditSubject } from '../../src/domain/audit.js';
import { isCitemedError, type CitemedError, type ErrorCode } from '../../src/domain/errors.js';
import type { EditorialStore, NewAccount } from '../../src/ports/editorial.js';

/**
 * The behaviour every EditorialStore implementation must have. Run it from each adapter's test
 * file with a factory that returns a fresh, empty store and a way to close it.
 */
export function describeEditorialContract(
  name: string,
  make: () => Promise<{ editorial: EditorialStore; close(): Promise<void> }>,
): void {
  describe(`EditorialStore contract: ${name}`, () => {
    let editorial: EditorialStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ editorial, close } = await make());
    });
    afterEach(async () => {
      await close();
    });

    const allEntries = () => editorial.audit.list({ limit: 10_000 });
    const entryCount = async () => (await allEntries()).length;

    describe('accounts', () => {
      it('creates an account and reads it back by id, by username, in the list and the count', async () => {
        const created = await editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1'));
        const expected = {
          id: 'acc-1', username: 'ana', displayName: 'Dr Ana Ruiz', roles: ['editor', 'reviewer'],
          credentials: 'MD, Infectious diseases', createdAt: at(0), disabled: false,
        };
        expect(created).toEqual(expected);
        expect(await editorial.accounts.get('acc-1')).toEqual(expected);
        expect(await editorial.accounts.findByUsername('ana')).toEqual({ account: expected, passwordHash: 'hash-1' });
        expect(await editorial.accounts.get('nobody')).toBeUndefined();
        expect(await editorial.accounts.findByUsername('nobody')).toBeUndefined();

        const plain = await editorial.accounts.create(
          newAccount({ id: 'acc-2', username: 'ben', roles: ['reader'], credentials: undefined }),
          entry('account.create', 'account', 'acc-2'),
        );
        expect('credentials' in plain).toBe(false);
        expect((await editorial.accounts.list()).map((a) => a.username)).toEqual(['ana', 'ben']);
        expect(await editorial.accounts.count()).toBe(2);
        expect(await entryCount()).toBe(2);
      });

      it('refuses a taken username or id with a conflict, writing nothing', async () => {
        await editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1'));
        const taken = await failure(editorial.accounts.create(newAccount({ id: 'acc-2' }), entry('account.create', 'account', 'acc-2')));
        expect(taken.code).toBe('conflict');
        expect(taken.hint).toBeTruthy();
        const sameId = await failure(editorial.accounts.create(newAccount({ username: 'other' }), entry('account.create', 'account', 'acc-1')));
        expect(sameId.code).toBe('conflict');
        expect(await editorial.accounts.count()).toBe(1);
        expect(await editorial.accounts.findByUsername('other')).toBeUndefined();
        expect(await entryCount()).toBe(1);
      });

      it('updates only what changes say; null removes credentials; an unknown account is not found', async () => {
        await editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1'));
        const renamed = await editorial.accounts.update('acc-1', { displayName: 'Ana R.' }, entry('account.update', 'account', 'acc-1'));
        expect(renamed).toMatchObject({ displayName: 'Ana R.', roles: ['editor', 'reviewer'], credentials: 'MD, Infectious diseases', disabled: false });
        const changed = await editorial.accounts.update(
          'acc-1',
          { roles: ['admin'], credentials: null, disabled: true, passwordHash: 'hash-2' },
          entry('account.update', 'account', 'acc-1'),
        );
        expect(changed).toEqual({ id: 'acc-1', username: 'ana', displayName: 'Ana R.', roles: ['admin'], createdAt: at(0), disabled: true });
        expect(await editorial.accounts.get('acc-1')).toEqual(changed);
        expect((await editorial.accounts.findByUsername('ana'))?.passwordHash).toBe('hash-2');
        const enabled = await editorial.accounts.update('acc-1', { disabled: false, credentials: 'RN' }, entry('account.update', 'account', 'acc-1'));
        expect(enabled).toMatchObject({ disabled: false, credentials: 'RN' });

        const missing = await failure(editorial.accounts.update('nobody', { displayName: 'X' }, entry('account.update', 'account', 'nobody')));
        expect(missing.code).toBe('not-found');
        expect(await entryCount()).toBe(4);
      });

      it('keeps sessions by token hash, ends them one by one, per account, or when expired', async () => {
        await editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1'));
        await editorial.accounts.create(newAccount({ id: 'acc-2', username: 'ben' }), entry('account.create', 'account', 'acc-2'));
        const session = (accountId: string, expiresAt: string): Session => ({ accountId, csrfToken: `csrf-${expiresAt}`, createdAt: at(1), expiresAt });
        await editorial.accounts.createSession('h1', session('acc-1', at(100)), entry('session.create', 'session', 'acc-1'));
        await editorial.accounts.createSession('h2', session('acc-1', at(10)), entry('session.create', 'session', 'acc-1'));
        await editorial.accounts.createSession('h3', session('acc-2', at(20)), entry('session.create', 'session', 'acc-2'));
        await editorial.accounts.createSession('h4', session('acc-2', at(200)), entry('session.create', 'session', 'acc-2'));
        expect(await editorial.accounts.getSession('h1')).toEqual(session('acc-1', at(100)));
        expect(await editorial.accounts.getSession('unknown')).toBeUndefined();

        expect(await editorial.accounts.deleteSession('h1', entry('session.delete', 'session', 'acc-1'))).toBe(true);
        expect(await editorial.accounts.deleteSession('h1', entry('session.delete', 'session', 'acc-1'))).toBe(false);
        expect(await editorial.accounts.getSession('h1')).toBeUndefined();
        // Expired "before now": the one expiring at now stays.
        expect(await editorial.accounts.deleteExpiredSessions(at(20))).toBe(1);
        expect(await editorial.accounts.getSession('h2')).toBeUndefined();
        expect(await editorial.accounts.getSession('h3')).toBeDefined();
        expect(await editorial.accounts.deleteSessionsOf('acc-2')).toBe(2);
        expect(await editorial.accounts.deleteSessionsOf('acc-2')).toBe(0);
        expect(await editorial.accounts.getSession('h4')).toBeUndefined();
        // Two accounts, four sessions made, one ended by hand (the second delete found none).
        expect(await entryCount()).toBe(7);

        const orphan = await failure(editorial.accounts.createSession('h5', session('nobody', at(9)), entry('session.create', 'session', 'nobody')));
        expect(orphan.code).toBe('not-found');
        expect(await editorial.accounts.getSession('h5')).toBeUndefined();
        expect(await entryCount()).toBe(7);
      });

      it('keeps API keys by id with their secret hash, lists them newest first, revokes once, records use', async () => {
        await editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1'));
        await editorial.accounts.create(newAccount({ id: 'acc-2', username: 'ben' }), entry('account.create', 'account', 'acc-2'));
        const key = (id: string, accountId: string, minute: number): ApiKey => ({ id, accountId, name: `key ${id}`, createdAt: at(minute) });
        await editorial.accounts.createKey(key('k1', 'acc-1', 1), 'secret-1', entry('api-key.create', 'api-key', 'k1'));
        await editorial.accounts.createKey(key('k2', 'acc-1', 3), 'secret-2', entry('api-key.create', 'api-key', 'k2'));
        await editorial.accounts.createKey(key('k3', 'acc-2', 2), 'secret-3', entry('api-key.create', 'api-key', 'k3'));
        expect(await editorial.accounts.findKey('k1')).toEqual({ key: key('k1', 'acc-1', 1), secretHash: 'secret-1' });
        expect(await editorial.accounts.findKey('nope')).toBeUndefined();
        expect((await editorial.accounts.listKeys('acc-1')).map((k) => k.id)).toEqual(['k2', 'k1']);
        expect((await editorial.accounts.listKeys()).map((k) => k.id)).toEqual(['k2', 'k3', 'k1']);
        expect(await editorial.accounts.listKeys('nobody')).toEqual([]);

        const duplicate = await failure(editorial.accounts.createKey(key('k1', 'acc-2', 4), 'other', entry('api-key.create', 'api-key', 'k1')));
        expect(duplicate.code).toBe('conflict');
        const orphan = await failure(editorial.accounts.createKey(key('k9', 'nobody', 4), 'other', entry('api-key.create', 'api-key', 'k9')));
        expect(orphan.code).toBe('not-found');
        expect((await editorial.accounts.findKey('k1'))?.secretHash).toBe('secret-1');

        const revoked = await editorial.accounts.revokeKey('k1', at(10), entry('api-key.revoke', 'api-key', 'k1'));
        expect(revoked).toEqual({ ...key('k1', 'acc-1', 1), revokedAt: at(10) });
        const again = await editorial.accounts.revokeKey('k1', at(11), entry('api-key.revoke', 'api-key', 'k1'));
        expect(again?.revokedAt).toBe(at(10));
        expect(await editorial.accounts.revokeKey('nope', at(12), entry('api-key.revoke', 'api-key', 'nope'))).toBeUndefined();
        expect((await editorial.accounts.listKeys('acc-1')).map((k) => k.revokedAt)).toEqual([undefined, at(10)]);

        const before = await entryCount();
        expect(await editorial.accounts.touchKey('k2', at(20))).toBe(true);
        expect(await editorial.accounts.touchKey('k2', at(21))).toBe(true);
        await editorial.accounts.touchKey('nope', at(21));
        expect((await editorial.accounts.findKey('k2'))?.key).toEqual({ ...key('k2', 'acc-1', 3), lastUsedAt: at(21) });
        expect(await entryCount()).toBe(before);
        // Two accounts, three keys, one revocation (the second changed nothing).
        expect(before).toBe(6);
      });
    });

    describe('articles', () => {
      const publish = (overrides: Partial<Omit<Article, 'flags'>> = {}, sources: string[] = ['pmid:1', 'pmid:2']) => {
        const a = newArticle(overrides);
        return editorial.articles.create(a, newVersion(a.id, a.currentVersion, sources), entry('article.publish', 'article', a.id));
      };
      const submitted = { status: 'submitted', currentVersion: 1 } as const;

      it('stores an article with its first version and reads both back unchanged', async () => {
        const a = newArticle();
        const v = newVersion(a.id, 1, ['pmid:1', 'pmid:2'], { note: 'first cut' });
        const created = await editorial.articles.create(a, v, entry('article.publish', 'article', a.id));
        expect(created).toEqual({ ...a, flags: [] });
        expect(await editorial.articles.get(a.id)).toEqual({ ...a, flags: [] });
        expect(await editorial.articles.getVersion(a.id, 1)).toEqual(v);
        const { answer: _answer, ...meta } = v;
        expect(await editorial.articles.listVersions(a.id)).toEqual([meta]);
        expect(await editorial.articles.get('nope')).toBeUndefined();
        expect(await editorial.articles.getVersion(a.id, 2)).toBeUndefined();
        expect(await editorial.articles.listVersions('nope')).toEqual([]);
        expect('approvedVersion' in created).toBe(false);
        expect('approval' in created).toBe(false);
        expect(await entryCount()).toBe(1);
      });

      it('refuses a taken article id with a conflict, keeping the first', async () => {
        await publish();
        const taken = await failure(publish({ title: 'Another' }));
        expect(taken.code).toBe('conflict');
        expect(taken.hint).toBeTruthy();
        expect((await editorial.articles.get('art-1'))?.title).toBe('Iliopsoas abscess: drainage or surgery?');
        expect(await editorial.articles.listVersions('art-1')).toHaveLength(1);
        expect(await entryCount()).toBe(1);
      });

      it('adds the next version with its changes, and refuses stale expectations and wrong numbers', async () => {
        await publish();
        const v2 = newVersion('art-1', 2, ['pmid:3'], { origin: 'edited', title: 'Iliopsoas abscess: when to drain' });
        const changes = { title: 'Iliopsoas abscess: when to drain', slug: 'iliopsoas-abscess-when-to-drain', updatedAt: at(5) };
        const updated = await editorial.articles.addVersion(v2, submitted, changes, entry('article.edit', 'article', 'art-1'));
        expect(updated).toMatchObject({ currentVersion: 2, status: 'submitted', ...changes });
        expect(await editorial.articles.get('art-1')).toEqual(updated);
        expect(await editorial.articles.getVersion('art-1', 2)).toEqual(v2);
        expect(await entryCount()).toBe(2);

        // Someone else's version 2, made from the same read of version 1.
        const rival = newVersion('art-1', 2, ['pmid:4'], { title: 'Rival' });
        const edit = entry('article.edit', 'article', 'art-1');
        const stale = await failure(editorial.articles.addVersion(rival, submitted, { title: 'Rival', updatedAt: at(6) }, edit));
        expect(stale.code).toBe('conflict');
        expect(stale.hint).toMatch(/reload/i);
        const wrongStatus = await failure(
          editorial.articles.addVersion(newVersion('art-1', 3, []), { status: 'approved', currentVersion: 2 }, { updatedAt: at(6) }, edit),
        );
        expect(wrongStatus.code).toBe('conflict');
        const skipping = await failure(
          editorial.articles.addVersion(newVersion('art-1', 4, []), { status: 'submitted', currentVersion: 2 }, { updatedAt: at(6) }, edit),
        );
        expect(skipping.code).toBe('conflict');
        const missing = await failure(
          editorial.articles.addVersion(newVersion('nope', 2, []), submitted, { updatedAt: at(6) }, entry('article.edit', 'article', 'nope')),
        );
        expect(missing.code).toBe('not-found');

        expect(await editorial.articles.get('art-1')).toEqual(updated);
        expect(await editorial.articles.getVersion('art-1', 2)).toEqual(v2);
        expect((await editorial.articles.listVersions('art-1')).map((v) => v.number)).toEqual([1, 2]);
        expect(await entryCount()).toBe(2);
      });

      it('records review decisions with their changes, and refuses stale expectations', async () => {
        await publish();
        const start = { articleId: 'art-1', version: 1, action: 'start-review', reviewerId: 'rev-1', at: at(2) } as const;
        const reviewing = await editorial.articles.decide(
          'art-1', submitted, { status: 'under-review', updatedAt: at(2) }, start, entry('article.start-review', 'article', 'art-1'),
        );
        expect(reviewing.status).toBe('under-review');

        const approval = { version: 1, reviewerId: 'rev-1', reviewerName: 'Dr Rev', credentials: 'MD', at: at(3) };
        const approve = { articleId: 'art-1', version: 1, action: 'approve', reviewerId: 'rev-1', comment: 'sound', at: at(3) } as const;
        const approved = await editorial.articles.decide(
          'art-1',
          { status: 'under-review', currentVersion: 1 },
          { status: 'approved', approvedVersion: 1, approval, updatedAt: at(3) },
          approve,
          entry('article.approve', 'article', 'art-1'),
        );
        expect(approved).toMatchObject({ status: 'approved', approvedVersion: 1, approval, updatedAt: at(3) });
        expect(await editorial.articles.get('art-1')).toEqual(approved);
        expect(await editorial.articles.listDecisions('art-1')).toEqual([start, approve]);

        const stale = await failure(
          editorial.articles.decide('art-1', { status: 'under-review', currentVersion: 1 }, { status: 'rejected', updatedAt: at(4) },
            { articleId: 'art-1', version: 1, action: 'reject', reviewerId: 'rev-2', comment: 'no', at: at(4) }, entry('article.reject', 'article', 'art-1')),
        );
        expect(stale.code).toBe('conflict');
        const missing = await failure(
          editorial.articles.decide('nope', submitted, { status: 'under-review', updatedAt: at(4) },
            { articleId: 'nope', version: 1, action: 'start-review', reviewerId: 'rev-1', at: at(4) }, entry('article.start-review', 'article', 'nope')),
        );
        expect(missing.code).toBe('not-found');
        expect((await editorial.articles.get('art-1'))?.status).toBe('approved');
        expect(await editorial.articles.listDecisions('art-1')).toHaveLength(2);
        expect(await editorial.articles.listDecisions('nope')).toEqual([]);
        expect(await entryCount()).toBe(3);
      });

      it('ties every decision to the version it was made on: a newer version under the same status refuses a stale one', async () => {
        await publish();
        const decision = (version: number, action: 'start-review' | 'approve' | 'reject') =>
          ({ articleId: 'art-1', version, action, reviewerId: 'rev-1', ...(action === 'reject' ? { comment: 'no' } : {}), at: at(2) }) as const;
        await editorial.articles.decide('art-1', submitted, { status: 'under-review', updatedAt: at(2) }, decision(1, 'start-review'), entry('article.start-review', 'article', 'art-1'));
        // An editor's version 2, and a second reviewer takes it under review: the status is "under review" again.
        await editorial.articles.addVersion(newVersion('art-1', 2, []), { status: 'under-review', currentVersion: 1 }, { status: 'submitted', updatedAt: at(3) },
          entry('article.edit', 'article', 'art-1'));
        await editorial.articles.decide('art-1', { status: 'submitted', currentVersion: 2 }, { status: 'under-review', updatedAt: at(4) }, decision(2, 'start-review'),
          entry('article.start-review', 'article', 'art-1'));
        const before = await editorial.articles.get('art-1');
        const entries = await entryCount();

        // The first reviewer approves what she read: version 1.
        const approval = { version: 1, reviewerId: 'rev-1', reviewerName: 'Dr Rev', credentials: 'MD', at: at(5) };
        const stale = await failure(
          editorial.articles.decide('art-1', { status: 'under-review', currentVersion: 1 }, { status: 'approved', approvedVersion: 1, approval, updatedAt: at(5) },
            decision(1, 'approve'), entry('article.approve', 'article', 'art-1')),
        );
        expect(stale.code).toBe('conflict');
        expect(stale.message).toMatch(/version 2/);
        // Nor may a decision, or an approval, name another version than the one the article is expected at.
        const mislabelled = await failure(
          editorial.articles.decide('art-1', { status: 'under-review', currentVersion: 2 }, { status: 'approved', approvedVersion: 2, approval: { ...approval, version: 2 }, updatedAt: at(5) },
            decision(1, 'approve'), entry('article.approve', 'article', 'art-1')),
        );
        expect(mislabelled.code).toBe('usage');
        const wrongApproval = await failure(
          editorial.articles.decide('art-1', { status: 'under-review', currentVersion: 2 }, { status: 'approved', approvedVersion: 2, approval, updatedAt: at(5) },
            decision(2, 'approve'), entry('article.approve', 'article', 'art-1')),
        );
        expect(wrongApproval.code).toBe('usage');
        const wrongReject = await failure(
          editorial.articles.decide('art-1', { status: 'under-review', currentVersion: 2 }, { status: 'rejected', updatedAt: at(5) },
            decision(1, 'reject'), entry('article.reject', 'article', 'art-1')),
        );
        expect(wrongReject.code).toBe('usage');

        // Nothing of the refused decisions was written.
        expect(await editorial.articles.get('art-1')).toEqual(before);
        expect((await editorial.articles.listDecisions('art-1')).map((d) => `${d.action}@${d.version}`)).toEqual(['start-review@1', 'start-review@2']);
        expect(await entryCount()).toBe(entries);
      });

      it('keeps approval while a newer version is reviewed', async () => {
        await publish();
        const approval = { version: 1, reviewerId: 'rev-1', reviewerName: 'Dr Rev', at: at(3) };
        await editorial.articles.decide('art-1', submitted, { status: 'approved', approvedVersion: 1, approval, updatedAt: at(3) },
          { articleId: 'art-1', version: 1, action: 'approve', reviewerId: 'rev-1', at: at(3) }, entry('article.approve', 'article', 'art-1'));
        const edited = await editorial.articles.addVersion(newVersion('art-1', 2, []), { status: 'approved', currentVersion: 1 },
          { status: 'submitted', updatedAt: at(4) }, entry('article.edit', 'article', 'art-1'));
        expect(edited).toMatchObject({ status: 'submitted', currentVersion: 2, approvedVersion: 1, approval });
      });

      it('keeps comments on statements, per version, and resolves each once', async () => {
        await publish();
        await editorial.articles.addVersion(newVersion('art-1', 2, []), submitted, { updatedAt: at(2) }, entry('article.edit', 'article', 'art-1'));
        const comment = (id: string, version: number): StatementComment => ({
          id, articleId: 'art-1', version, statement: 'bottom-line.1', authorId: 'rev-1', text: `check the dose (${id})`, createdAt: at(3),
        });
        await editorial.articles.addComment(comment('c1', 1), entry('comment.add', 'comment', 'c1'));
        await editorial.articles.addComment(comment('c2', 2), entry('comment.add', 'comment', 'c2'));
        await editorial.articles.addComment(comment('c3', 1), entry('comment.add', 'comment', 'c3'));
        expect(await editorial.articles.listComments('art-1')).toEqual([comment('c1', 1), comment('c2', 2), comment('c3', 1)]);
        expect(await editorial.articles.listComments('art-1', 1)).toEqual([comment('c1', 1), comment('c3', 1)]);
        expect(await editorial.articles.listComments('nope')).toEqual([]);

        const resolved = await editorial.articles.resolveComment('art-1', 'c1', at(5), 'ed-1', entry('comment.resolve', 'comment', 'c1'));
        expect(resolved).toEqual({ ...comment('c1', 1), resolvedAt: at(5), resolvedBy: 'ed-1' });
        const again = await editorial.articles.resolveComment('art-1', 'c1', at(6), 'ed-2', entry('comment.resolve', 'comment', 'c1'));
        expect(again).toEqual(resolved);
        expect((await editorial.articles.listComments('art-1', 1))[0]).toEqual(resolved);
        expect(await editorial.articles.resolveComment('art-1', 'nope', at(6), 'ed-1', entry('comment.resolve', 'comment', 'nope'))).toBeUndefined();
        expect(await editorial.articles.resolveComment('other', 'c1', at(6), 'ed-1', entry('comment.resolve', 'comment', 'c1'))).toBeUndefined();

        const duplicate = await failure(editorial.articles.addComment(comment('c2', 1), entry('comment.add', 'comment', 'c2')));
        expect(duplicate.code).toBe('conflict');
        const orphan = await failure(editorial.articles.addComment({ ...comment('c9', 1), articleId: 'nope' }, entry('comment.add', 'comment', 'c9')));
        expect(orphan.code).toBe('not-found');
        const noVersion = await failure(editorial.articles.addComment(comment('c9', 7), entry('comment.add', 'comment', 'c9')));
        expect(noVersion.code).toBe('not-found');
        // Publish, edit, three comments, one resolution.
        expect(await entryCount()).toBe(6);
      });

      it('raises flags once per open (article, kind, source), shows open ones on the article, resolves them', async () => {
        await publish();
        await publish({ id: 'art-2', slug: 'other' });
        const f1 = newFlag('f1', 'art-1', 'retracted-source', 'pmid:1', at(1));
        const f2 = newFlag('f2', 'art-1', 'corrected-source', 'pmid:1', at(2));
        const raised = await editorial.articles.raiseFlags([f1, f2, newFlag('f3', 'art-1', 'retracted-source', 'pmid:1', at(2))], (f) =>
          entry('flag.raise', 'flag', f.id),
        );
        expect(raised).toEqual([f1, f2]);
        const f4 = newFlag('f4', 'art-2', 'retracted-source', 'pmid:1', at(3));
        const f5 = newFlag('f5', 'art-1', 'retracted-source', 'pmid:1', at(3));
        const again = await editorial.articles.raiseFlags([f5, f4], (f) => entry('flag.raise', 'flag', f.id));
        expect(again).toEqual([f4]);
        expect((await editorial.articles.get('art-1'))?.flags).toEqual([f1, f2]);
        expect((await editorial.articles.listFlags('art-1')).map((f) => f.id)).toEqual(['f1', 'f2']);
        const flagEntries = await editorial.audit.list({ subjectType: 'flag', limit: 10 });
        expect(flagEntries.map((e) => e.subjectId)).toEqual(['f1', 'f2', 'f4']);

        expect(await editorial.articles.resolveFlags('art-1', at(9), 'ed-1', entry('flag.resolve', 'article', 'art-1'))).toBe(2);
        expect(await editorial.articles.resolveFlags('art-1', at(10), 'ed-1', entry('flag.resolve', 'article', 'art-1'))).toBe(0);
        expect((await editorial.articles.get('art-1'))?.flags).toEqual([]);
        expect(await editorial.articles.listFlags('art-1')).toEqual([
          { ...f1, resolvedAt: at(9), resolvedBy: 'ed-1' },
          { ...f2, resolvedAt: at(9), resolvedBy: 'ed-1' },
        ]);
        // Resolved flags no longer block the same one being raised again.
        const f6 = newFlag('f6', 'art-1', 'retracted-source', 'pmid:1', at(11));
        expect(await editorial.articles.raiseFlags([f6], (f) => entry('flag.raise', 'flag', f.id))).toEqual([f6]);
        expect((await editorial.articles.get('art-1'))?.flags).toEqual([f6]);
        // Two publications, four flags raised, one resolution.
        expect(await entryCount()).toBe(7);
      });

      it('raises no flag at all when one of the batch fails', async () => {
        await publish();
        const before = await entryCount();
        const failing = failure(
          editorial.articles.raiseFlags(
            [newFlag('f1', 'art-1', 'retracted-source', 'pmid:1', at(1)), newFlag('f2', 'nope', 'retracted-source', 'pmid:1', at(1))],
            (f) => entry('flag.raise', 'flag', f.id),
          ),
        );
        expect((await failing).code).toBe('not-found');
        expect(await editorial.articles.listFlags('art-1')).toEqual([]);
        expect(await entryCount()).toBe(before);
      });

      it('lists articles newest update first, with every filter, paging and the total', async () => {
        await publish({ id: 'a1', title: 'Sepsis bundles in adults', question: 'Which sepsis bundle?', updatedAt: at(1) });
        await publish({ id: 'a2', title: 'Statins: 100% adherence?', question: 'Does adherence matter?', updatedAt: at(4) });
        await publish({ id: 'a3', title: 'Paediatric sepsis', question: 'Fluids for septic CHILDREN', updatedAt: at(3) });
        await publish({ id: 'a4', title: 'Síndrome de Guillain-Barré', question: 'ÉTAPES du traitement', updatedAt: at(2) });
        await publish({ id: 'a5', title: 'Rejected one', question: 'sepsis in snake_case', status: 'rejected', updatedAt: at(5) });
        const approval = { version: 1, reviewerId: 'rev-1', reviewerName: 'Dr Rev', at: at(6) };
        await editorial.articles.decide('a3', submitted, { status: 'approved', approvedVersion: 1, approval, updatedAt: at(6) },
          { articleId: 'a3', version: 1, action: 'approve', reviewerId: 'rev-1', at: at(6) }, entry('article.approve', 'article', 'a3'));
        await editorial.articles.raiseFlags([newFlag('f1', 'a1', 'newer-evidence', 'pmid:9', at(7))], (f) => entry('flag.raise', 'flag', f.id));

        const ids = async (query: Partial<Parameters<EditorialStore['articles']['list']>[0]>) => {
          const { articles, total } = await editorial.articles.list({ limit: 50, offset: 0, ...query });
          expect(total).toBe(articles.length);
          return articles.map((a) => a.id);
        };
        expect(await ids({})).toEqual(['a3', 'a5', 'a2', 'a4', 'a1']);
        expect(await ids({ status: ['submitted'] })).toEqual(['a2', 'a4', 'a1']);
        expect(await ids({ status: ['approved', 'rejected'] })).toEqual(['a3', 'a5']);
        expect(await ids({ status: [] })).toEqual([]);
        expect(await ids({ flagged: true })).toEqual(['a1']);
        expect(await ids({ flagged: false })).toEqual(['a3', 'a5', 'a2', 'a4']);
        expect(await ids({ approvedOnly: true })).toEqual(['a3']);
        expect(await ids({ text: 'SEPSIS' })).toEqual(['a3', 'a5', 'a1']);
        expect(await ids({ text: '  sepsis   children ' })).toEqual(['a3']);
        expect(await ids({ text: 'sepsis bundle' })).toEqual(['a1']);
        expect(await ids({ text: 'sepsis missing' })).toEqual([]);
        expect(await ids({ text: '100%' })).toEqual(['a2']);
        expect(await ids({ text: '%' })).toEqual(['a2']);
        expect(await ids({ text: 'snake_case' })).toEqual(['a5']);
        // Neither is a wildcard: "_" is not any one character, "%" not any run of them.
        expect(await ids({ text: 'sepsis_bundles' })).toEqual([]);
        expect(await ids({ text: 'statins%adherence' })).toEqual([]);
        expect(await ids({ text: 'síndrome étapes' })).toEqual(['a4']);
        expect(await ids({ text: 'sepsis', status: ['submitted', 'approved'], flagged: false })).toEqual(['a3']);

        const flagged = await editorial.articles.list({ flagged: true, limit: 10, offset: 0 });
        expect(flagged.articles[0]?.flags.map((f) => f.id)).toEqual(['f1']);
        const page = await editorial.articles.list({ limit: 2, offset: 1 });
        expect(page.articles.map((a) => a.id)).toEqual(['a5', 'a2']);
        expect(page.total).toBe(5);
        const past = await editorial.articles.list({ limit: 2, offset: 10 });
        expect(past).toEqual({ articles: [], total: 5 });
      });

      it('tells which sources the current and approved versions of each article not rejected cite', async () => {
        await publish({ id: 'a1' }, ['pmid:1', 'pmid:2', 'pmid:1']);
        const approval = { version: 1, reviewerId: 'rev-1', reviewerName: 'Dr Rev', at: at(2) };
        await editorial.articles.decide('a1', submitted, { status: 'approved', approvedVersion: 1, approval, updatedAt: at(2) },
          { articleId: 'a1', version: 1, action: 'approve', reviewerId: 'rev-1', at: at(2) }, entry('article.approve', 'article', 'a1'));
        await editorial.articles.addVersion(newVersion('a1', 2, ['pmid:3']), { status: 'approved', currentVersion: 1 }, { status: 'submitted', updatedAt: at(3) },
          entry('article.edit', 'article', 'a1'));
        await editorial.articles.addVersion(newVersion('a1', 3, ['pmid:4', 'pmid:2']), { status: 'submitted', currentVersion: 2 }, { updatedAt: at(4) },
          entry('article.edit', 'article', 'a1'));
        await publish({ id: 'a2' }, ['pmid:5']);
        await publish({ id: 'a3', status: 'rejected' }, ['pmid:6']);
        await publish({ id: 'a4' }, []);

        const citations = await editorial.articles.citations();
        const bySorted = citations
          .map((c) => ({ articleId: c.articleId, sourceIds: [...c.sourceIds].sort() }))
          .sort((x, y) => x.articleId.localeCompare(y.articleId));
        // a1: version 3 (current) and version 1 (approved); version 2's pmid:3 is neither.
        expect(bySorted.filter((c) => c.sourceIds.length > 0)).toEqual([
          { articleId: 'a1', sourceIds: ['pmid:1', 'pmid:2', 'pmid:4'] },
          { articleId: 'a2', sourceIds: ['pmid:5'] },
        ]);
        expect(citations.map((c) => c.articleId)).not.toContain('a3');
        for (const c of citations) expect(new Set(c.sourceIds).size).toBe(c.sourceIds.length);
      });
    });

    describe('audit log', () => {
      it('numbers entries from 1 without gaps and keeps before and after as they were', async () => {
        const states = { before: { n: 1, list: [1, 'a', null] }, after: { nested: { ok: true } } };
        const first = await editorial.audit.append({ ...entry('account.import', 'account', 'system'), ...states });
        expect(first).toEqual({
          seq: 1, at: at(0), actor: 'acc-admin', action: 'account.import', subjectType: 'account', subjectId: 'system', ...states,
        });
        await editorial.accounts.create(newAccount(), { ...entry('account.create', 'account', 'acc-1'), after: { username: 'ana', roles: ['editor'] } });
        await failure(editorial.accounts.create(newAccount(), entry('account.create', 'account', 'acc-1')));
        const renamed = { before: { displayName: 'Dr Ana Ruiz' }, after: { displayName: 'A' } };
        await editorial.accounts.update('acc-1', { displayName: 'A' }, { ...entry('account.update', 'account', 'acc-1'), ...renamed });
        const last = await editorial.audit.append({ ...entry('note', 'article', 'x'), before: null, after: 'text' });

        const entries = await allEntries();
        expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(entries[0]).toEqual(first);
        expect(entries[1]).toEqual({ seq: 2, ...entry('account.create', 'account', 'acc-1'), after: { username: 'ana', roles: ['editor'] } });
        expect('before' in (entries[1] ?? {})).toBe(false);
        expect(entries[2]?.before).toEqual({ displayName: 'Dr Ana Ruiz' });
        expect(entries[3]).toEqual(last);
        expect(last).toMatchObject({ seq: 4, before: null, after: 'text' });
      });

      it('filters by subject, actor and position, oldest first, up to the limit', async () => {
        const add = (actor: string, type: AuditSubject, id: string) => editorial.audit.append({ ...entry(`${type}.touch`, type, id), actor });
        await add('u1', 'article', 'a1');
        await add('u2', 'article', 'a2');
        await add('u1', 'account', 'a1');
        await add('u2', 'article', 'a1');
        await add('u1', 'article', 'a1');
        const seqs = async (query: Parameters<EditorialStore['audit']['list']>[0]) => (await editorial.audit.list(query)).map((e) => e.seq);
        expect(await seqs({ limit: 10 })).toEqual([1, 2, 3, 4, 5]);
        expect(await seqs({ subjectType: 'article', limit: 10 })).toEqual([1, 2, 4, 5]);
        expect(await seqs({ subjectType: 'article', subjectId: 'a1', limit: 10 })).toEqual([1, 4, 5]);
        expect(await seqs({ subjectId: 'a1', limit: 10 })).toEqual([1, 3, 4, 5]);
        expect(await seqs({ actor: 'u1', limit: 10 })).toEqual([1, 3, 5]);
        expect(await seqs({ actor: 'u2', subjectType: 'article', subjectId: 'a1', limit: 10 })).toEqual([4]);
        expect(await seqs({ afterSeq: 2, limit: 2 })).toEqual([3, 4]);
        expect(await seqs({ afterSeq: 4, limit: 10 })).toEqual([5]);
        expect(await seqs({ afterSeq: 5, limit: 10 })).toEqual([]);
        expect(await seqs({ actor: 'nobody', limit: 10 })).toEqual([]);
        // Newest first, paging back.
        expect(await seqs({ order: 'newest', limit: 2 })).toEqual([5, 4]);
        expect(await seqs({ order: 'newest', beforeSeq: 4, limit: 2 })).toEqual([3, 2]);
        expect(await seqs({ order: 'newest', beforeSeq: 2, limit: 10 })).toEqual([1]);
        expect(await seqs({ order: 'newest', actor: 'u1', limit: 10 })).toEqual([5, 3, 1]);
        expect(await seqs({ order: 'newest', subjectType: 'article', subjectId: 'a1', beforeSeq: 5, limit: 10 })).toEqual([4, 1]);
        expect(await seqs({ order: 'oldest', afterSeq: 1, beforeSeq: 4, limit: 10 })).toEqual([2, 3]);
      });

      it('a change that fails writes no entry, and the next entry takes the next number', async () => {
        await publish1(editorial);
        const changes: (() => Promise<unknown>)[] = [
          () => editorial.articles.addVersion(newVersion('art-1', 2, []), { status: 'approved', currentVersion: 1 }, { updatedAt: at(1) },
            entry('article.edit', 'article', 'art-1')),
          () => editorial.articles.decide('art-1', { status: 'submitted', currentVersion: 5 }, { status: 'under-review', updatedAt: at(1) },
            { articleId: 'art-1', version: 1, action: 'start-review', reviewerId: 'r', at: at(1) }, entry('article.start-review', 'article', 'art-1')),
          () => editorial.articles.create(newArticle(), newVersion('art-1', 1, []), entry('article.publish', 'article', 'art-1')),
          () => editorial.accounts.update('nobody', {}, entry('account.update', 'account', 'nobody')),
        ];
        const codes: ErrorCode[] = [];
        for (const change of changes) codes.push((await failure(change())).code);
        expect(codes).toEqual(['conflict', 'conflict', 'conflict', 'not-found']);
        const after = await editorial.audit.append(entry('note', 'article', 'art-1'));
        expect(after.seq).toBe(2);
        expect((await allEntries()).map((e) => e.action)).toEqual(['article.publish', 'note']);
      });
    });
  });
}

/** ISO timestamps a minute apart, so order by time is obvious in the tests. */
function at(minute: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
}

function entry(action: string, subjectType: AuditSubject, subjectId: string): AuditInput {
  return { at: at(0), actor: 'acc-admin', action, subjectType, subjectId };
}

function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
  const account: NewAccount = {
    id: 'acc-1',
    username: 'ana',
    displayName: 'Dr Ana Ruiz',
    roles: ['editor', 'reviewer'],
    credentials: 'MD, Infectious diseases',
    createdAt: at(0),
    passwordHash: 'hash-1',
    ...overrides,
  };
  if (account.credentials === undefined) delete account.credentials;
  return account;
}

function newArticle(overrides: Partial<Omit<Article, 'flags'>> = {}): Omit<Article, 'flags'> {
  return {
    id: 'art-1',
    slug: 'iliopsoas-abscess-drainage-or-surgery',
    title: 'Iliopsoas abscess: drainage or surgery?',
    question: 'Should an iliopsoas abscess be drained percutaneously or operated on?',
    audience: 'clinician',
    status: 'submitted',
    currentVersion: 1,
    createdBy: 'acc-1',
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

function newVersion(articleId: string, number: number, sourceIds: string[], overrides: Partial<ArticleVersion> = {}): ArticleVersion {
  return {
    articleId,
    number,
    title: 'Iliopsoas abscess: drainage or surgery?',
    answer: answerCiting(sourceIds),
    origin: number === 1 ? 'published' : 'regenerated',
    createdBy: 'acc-1',
    createdAt: at(number),
    ...overrides,
  };
}

function newFlag(id: string, articleId: string, kind: ReReviewFlag['kind'], sourceId: string, raisedAt: string): ReReviewFlag {
  return { id, articleId, kind, sourceId, detail: `cited source (${sourceId}) changed`, version: 1, raisedAt };
}

/** Publishes art-1 with version 1: the one audit entry some tests start from. */
async function publish1(editorial: EditorialStore): Promise<void> {
  const a = newArticle();
  await editorial.articles.create(a, newVersion(a.id, 1, ['pmid:1']), entry('article.publish', 'article', a.id));
}

/** An answer whose references cite `sourceIds`, with enough of everything else to check a deep round trip. */
function answerCiting(sourceIds: string[]): Answer {
  const source = (id: string): EvidenceSource => ({
    id,
    title: `Study ${id} — α/β “quoted” 🧪`,
    authors: ['Doe J'],
    year: 2020,
    ids: { pmid: id.replace('pmid:', '') },
    format: 'medline',
    evidenceLevel: 'randomized-trial',
    integrity: 'ok',
    publicationTypes: ['Randomized Controlled Trial'],
    references: [],
  });
  const evidence = sourceIds.map((id, i) => ({
    id: `E${i + 1}`, passageId: `p${i}`, source: source(id), section: 'Results', text: `Drainage worked in ${i + 90}% of cases.`, score: 1.5 - i / 10, rank: i + 1,
  }));
  return {
    question: 'Should an iliopsoas abscess be drained?',
    searchedFor: 'iliopsoas abscess drainage',
    audience: 'clinician',
    status: 'answered',
    bottomLine: [
      { text: 'Percutaneous drainage usually suffices.', evidence: evidence.map((e) => e.id), verdict: { support: 'supported', score: 0.9, problems: [] } },
    ],
    sections: [
      {
        kind: 'treatment',
        title: 'Treatment',
        statements: [{ text: 'Surgery when drainage fails.', evidence: ['E1'], quote: { evidenceId: 'E1', start: 0, end: 8 } }],
      },
    ],
    references: sourceIds.map((id, i) => ({
      number: i + 1, source: source(id), citation: `Doe J. Study ${id}. 2020.`, label: 'Randomized trial', links: [], evidence: [`E${i + 1}`],
    })),
    evidence,
    summary: { byLevel: { 'randomized-trial': sourceIds.length }, sources: sourceIds.length, flagged: [], disagreements: [] },
    notices: [],
    followUps: ['What antibiotics?'],
    glossary: [],
    removed: [],
    provenance: { composer: 'extractive', retrieval: { k: 8, hybrid: false }, generatedAt: at(0), library: 'test' },
    reviewStatus: 'not-reviewed',
  };
}

/** The CitemedError a promise rejects with; fails the test if it resolves or throws something else. */
async function failure(promise: Promise<unknown>): Promise<CitemedError> {
  try {
    await promise;
  } catch (error) {
    if (isCitemedError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a CitemedError, but it succeeded');
}
