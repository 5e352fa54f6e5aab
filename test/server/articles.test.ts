import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import { makeStaff, signInBrowser, type Staff } from './editorial-support.js';
import { buildStarterLibrary, EXPECTED_SECURITY_HEADERS, openLibrary, removeLibrary, settingsFor } from './support.js';

/**
 * The editorial process through the API, as an editor, a reviewer, an administrator and a reader
 * meet it: publish → review → approve → edit → re-review, with statement comments, version
 * comparison, living-article flags, browser sessions with CSRF protection, and the audit log.
 */
describe('articles and the review workflow', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;
  let staff: Staff;
  let articleId = '';

  const call = (who: keyof Staff['headers'] | 'anonymous', method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: who === 'anonymous' ? {} : staff.headers[who], ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db, { server: { rateLimit: { enabled: false } } });
    app = createServer(container, settingsFor(db, { server: { rateLimit: { enabled: false } } }).server);
    staff = await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  it('an editor publishes an answer; it is Submitted and its page says it is pending human review', async () => {
    const response = await call('editor', 'POST', '/api/v1/articles', { question: 'What is the management of an iliopsoas abscess?', note: 'for the ID board' });
    expect(response.statusCode).toBe(201);
    const article = response.json();
    articleId = article.id;
    expect(article).toMatchObject({ status: 'submitted', currentVersion: 1, title: 'What is the management of an iliopsoas abscess?', flags: [] });
    expect(article.url).toBe(`/articles/${article.id}/what-is-the-management-of-an-iliopsoas-abscess`);

    const publicView = (await call('anonymous', 'GET', `/api/v1/articles/${articleId}`)).json();
    expect(publicView.shown).toMatchObject({ version: 1, reviewed: false, statusLine: 'Submitted — pending human review' });
    expect(publicView.reviewers).toEqual([]);
    expect(publicView.article.createdBy).toBeUndefined();
    expect(publicView.disclaimer).toMatch(/never to replace/);
    expect(publicView.answer.bottomLine.length).toBeGreaterThan(0);

    const page = await app.inject({ url: article.url });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Pending human review');
    expect(page.body).toContain('View editorial policy');
    expect(page.body).toMatch(/Last updated: <time/);
    expect(page.body).not.toMatch(/<script/i);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(page.headers['x-frame-options']).toBe(EXPECTED_SECURITY_HEADERS['x-frame-options']);
  });

  it('redirects an article link with an old or missing slug to the current one', async () => {
    const bare = await app.inject({ url: `/articles/${articleId}` });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe(`/articles/${articleId}/what-is-the-management-of-an-iliopsoas-abscess`);
    expect((await app.inject({ url: `/articles/${articleId}/old-title` })).headers.location).toBe(bare.headers.location);
    expect((await app.inject({ url: '/articles/nosuchid99/x' })).statusCode).toBe(404);
  });

  it('refuses every illegal step of the workflow with 409 and a reason', async () => {
    for (const action of ['approve', 'request-changes', 'reject', 're-review']) {
      const response = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action, comment: 'x' });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.message).toMatch(/submitted cannot take/);
    }
  });

  it('a reviewer takes it under review, comments on a statement, and requests changes (which needs a reason)', async () => {
    expect((await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'start-review' })).json().status).toBe('under-review');
    const version = (await call('reviewer', 'GET', `/api/v1/articles/${articleId}/versions/1`)).json();
    expect(version.statements[0].key).toBe('bottom-line.1');
    // Each statement comes with what it cites, so the review desk can show its sources.
    expect(version.statements[0]).toMatchObject({ text: version.answer.bottomLine[0].text, evidence: version.answer.bottomLine[0].evidence });
    expect(version.statements[0].evidence.length).toBeGreaterThan(0);
    const comment = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/comments`, { version: 1, statement: 'bottom-line.1', text: 'Say when surgery is needed.' });
    expect(comment.statusCode).toBe(201);
    const missing = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/comments`, { version: 1, statement: 'treatment.99', text: 'x' });
    expect(missing.statusCode).toBe(404);

    const noReason = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'request-changes', version: 1 });
    expect(noReason.statusCode).toBe(400);
    const changes = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'request-changes', comment: 'Add surgical indications.', version: 1 });
    expect(changes.json().status).toBe('changes-requested');
    expect((await call('editor', 'GET', `/api/v1/articles/${articleId}/comments?version=1`)).json().comments).toHaveLength(1);
  });

  it('an edit that adds a statement no cited passage supports is refused whole, with why', async () => {
    const version = (await call('editor', 'GET', `/api/v1/articles/${articleId}/versions/1`)).json();
    const first = version.answer.bottomLine[0];
    const response = await call('editor', 'POST', `/api/v1/articles/${articleId}/versions`, {
      edit: {
        bottomLine: [first ? { text: first.text, evidence: first.evidence } : { text: 'x', evidence: ['E1'] }, { text: 'Give vancomycin 4 g every 2 hours for 9 weeks.', evidence: ['E1'] }],
        sections: [],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/^the edit was not saved: bottom-line\.2: /);
    expect((await call('editor', 'GET', `/api/v1/articles/${articleId}`)).json().article.currentVersion).toBe(1);
  });

  it('a supported edit makes version 2, back to Submitted, and the versions compare statement by statement', async () => {
    const version = (await call('editor', 'GET', `/api/v1/articles/${articleId}/versions/1`)).json();
    const sections = version.answer.sections.map((s: { kind: string; statements: { text: string; evidence: string[] }[] }) => ({
      kind: s.kind,
      statements: s.statements.map((st) => ({ text: st.text, evidence: st.evidence })),
    }));
    // Keep the answer, minus the last statement of the first section.
    sections[0].statements.pop();
    const bottomLine = version.answer.bottomLine.map((s: { text: string; evidence: string[] }) => ({ text: s.text, evidence: s.evidence }));
    const response = await call('editor', 'POST', `/api/v1/articles/${articleId}/versions`, { edit: { bottomLine, sections }, note: 'tightened' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'submitted', currentVersion: 2 });

    const versions = (await call('reviewer', 'GET', `/api/v1/articles/${articleId}/versions`)).json().versions;
    expect(versions.map((v: { number: number; origin: string }) => [v.number, v.origin])).toEqual([
      [1, 'published'],
      [2, 'edited'],
    ]);
    const diff = (await call('reviewer', 'GET', `/api/v1/articles/${articleId}/diff?from=1&to=2`)).json();
    expect(diff.counts.removed).toBe(1);
    expect(diff.counts.added).toBe(0);
    expect(diff.counts.unchanged).toBeGreaterThan(0);
  });

  it('approval needs credentials and a reviewer who did not write the version; it names them on the public page', async () => {
    await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'start-review' });
    // An editor who is also a reviewer cannot approve their own version.
    const both = await call('admin', 'POST', '/api/v1/accounts', {
      username: 'dual',
      displayName: 'Dr Dual',
      roles: ['editor', 'reviewer'],
      credentials: 'MD',
      password: 'another long passphrase',
    });
    expect(both.statusCode).toBe(201);
    const uncredentialed = await call('admin', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'approve', version: 2 });
    expect(uncredentialed.statusCode).toBe(403);
    expect(uncredentialed.json().error.message).toMatch(/credentials/);

    const approved = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'approve', comment: 'Checked against refs 1–3.', version: 2 });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedVersion: 2, approval: { reviewerName: 'Dr Rita Review', credentials: 'MD, Infectious diseases', version: 2 } });

    const publicView = (await call('anonymous', 'GET', `/api/v1/articles/${articleId}`)).json();
    expect(publicView.shown).toMatchObject({ version: 2, reviewed: true, statusLine: 'Approved' });
    expect(publicView.reviewers).toEqual([{ name: 'Dr Rita Review', credentials: 'MD, Infectious diseases', approvedAt: expect.any(String), version: 2 }]);
    expect(publicView.article.approval.reviewerId).toBeUndefined();
    expect(publicView.answer.notices.join(' ')).not.toMatch(/not reviewed by a qualified clinician/);
    const pending = (await call('editor', 'GET', `/api/v1/articles/${articleId}/versions/2`)).json();
    expect(pending.answer.notices.join(' ')).toMatch(/not reviewed by a qualified clinician/);
    const page = await app.inject({ url: publicView.article.url });
    expect(page.body).toContain('Reviewed by the medical review board');
    expect(page.body).toContain('Dr Rita Review, MD, Infectious diseases');

    const decisions = (await call('editor', 'GET', `/api/v1/articles/${articleId}/reviews`)).json().decisions;
    expect(decisions.map((d: { action: string; version: number }) => `${d.action}@${d.version}`)).toEqual(['start-review@1', 'request-changes@1', 'start-review@2', 'approve@2']);
  });

  it('a newer version under review does not replace the approved text readers see', async () => {
    const regenerated = await call('editor', 'POST', `/api/v1/articles/${articleId}/versions`, { regenerate: true, note: 'library updated' });
    expect(regenerated.statusCode).toBe(201);
    expect(regenerated.json()).toMatchObject({ status: 'submitted', currentVersion: 3, approvedVersion: 2 });
    const publicView = (await call('anonymous', 'GET', `/api/v1/articles/${articleId}`)).json();
    expect(publicView.shown).toMatchObject({ version: 2, reviewed: true, statusLine: 'Approved (a newer version is submitted)' });
  });

  it('flags an article for re-review when a cited source is retracted, and says so to readers', async () => {
    // Approve version 3, then retract one of its cited sources in the library.
    await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'start-review' });
    await call('reviewer', 'POST', `/api/v1/articles/${articleId}/review`, { action: 'approve', version: 3 });
    const cited = (await call('reviewer', 'GET', `/api/v1/articles/${articleId}/versions/3`)).json().answer.references[0].source.id as string;
    const source = await container.store.getSource(cited);
    const passages = await container.store.listPassages(cited);
    if (!source) throw new Error('cited source missing');
    await container.store.write({
      // As a re-ingested record marked "Retracted Publication" would arrive: new status, new content hash.
      ops: [{ kind: 'upsert', source: { ...source, integrity: { ...source.integrity, status: 'retracted' }, contentHash: `${source.contentHash.slice(0, -1)}x` }, passages }],
      now: new Date().toISOString(),
    });

    const recheck = await call('editor', 'POST', '/api/v1/articles/recheck');
    expect(recheck.statusCode).toBe(200);
    expect(recheck.json().raised).toEqual([expect.objectContaining({ articleId, kind: 'retracted-source', sourceId: cited, detail: expect.stringMatching(/Retracted/) })]);
    // Checking again raises nothing new.
    expect((await call('editor', 'POST', '/api/v1/articles/recheck')).json().raised).toEqual([]);
    // Strict like every body: an unknown key is refused, an empty object is not.
    const unknown = await call('editor', 'POST', '/api/v1/articles/recheck', { x: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/Unrecognized key: "x"/);
    expect((await call('editor', 'POST', '/api/v1/articles/recheck', {})).json().raised).toEqual([]);

    const flagged = (await call('editor', 'GET', `/api/v1/articles?flagged=true`)).json();
    expect(flagged.articles.map((a: { id: string }) => a.id)).toEqual([articleId]);
    const page = await app.inject({ url: flagged.articles[0].url });
    expect(page.body).toContain('Flagged for re-review');

    const dismissed = await call('reviewer', 'POST', `/api/v1/articles/${articleId}/flags/dismiss`, { reason: 'the retracted trial backs no statement we kept' });
    expect(dismissed.json()).toEqual({ resolved: 1 });
    expect((await call('anonymous', 'GET', `/api/v1/articles/${articleId}`)).json().article.flags).toEqual([]);
    expect((await call('editor', 'POST', '/api/v1/articles/recheck')).json().raised).toEqual([]);
  });

  it('hides rejected articles from readers and refuses new versions of them', async () => {
    const other = (await call('editor', 'POST', '/api/v1/articles', { question: 'How is an iliopsoas hematoma managed?' })).json();
    await call('reviewer', 'POST', `/api/v1/articles/${other.id}/review`, { action: 'start-review' });
    const earlier = (await call('reviewer', 'POST', `/api/v1/articles/${other.id}/comments`, { version: 1, statement: 'bottom-line.1', text: 'Is this in scope?' })).json();
    expect(earlier.id).toEqual(expect.any(String));
    const rejected = await call('reviewer', 'POST', `/api/v1/articles/${other.id}/review`, { action: 'reject', comment: 'Out of scope.', version: 1 });
    expect(rejected.json().status).toBe('rejected');
    expect((await call('anonymous', 'GET', `/api/v1/articles/${other.id}`)).statusCode).toBe(404);
    expect((await call('reader', 'GET', '/api/v1/articles')).json().articles.map((a: { id: string }) => a.id)).not.toContain(other.id);
    expect((await call('editor', 'GET', '/api/v1/articles?status=rejected')).json().articles.map((a: { id: string }) => a.id)).toEqual([other.id]);
    const revive = await call('editor', 'POST', `/api/v1/articles/${other.id}/versions`, { regenerate: true });
    expect(revive.statusCode).toBe(409);
    expect((await call('reader', 'GET', '/api/v1/articles?status=rejected')).statusCode).toBe(403);

    // Editors and reviewers still open it on the review desk, with its history and why it was rejected.
    for (const who of ['editor', 'reviewer'] as const) {
      const desk = await call(who, 'GET', `/api/v1/articles/${other.id}/workspace`);
      expect(desk.statusCode).toBe(200);
      expect(desk.json().article).toMatchObject({ id: other.id, status: 'rejected', currentVersion: 1 });
      expect((await call(who, 'GET', `/api/v1/articles/${other.id}/versions/1`)).statusCode).toBe(200);
      const decisions = (await call(who, 'GET', `/api/v1/articles/${other.id}/reviews`)).json().decisions;
      expect(decisions.at(-1)).toMatchObject({ action: 'reject', version: 1, comment: 'Out of scope.' });
    }
    expect((await call('anonymous', 'GET', `/api/v1/articles/${other.id}/workspace`)).statusCode).toBe(401);
    expect((await call('reader', 'GET', `/api/v1/articles/${other.id}/workspace`)).statusCode).toBe(403);
    expect((await app.inject({ url: other.url })).statusCode).toBe(404);
    // Final: read only. A comment made before the rejection stays as it was.
    const comment = await call('reviewer', 'POST', `/api/v1/articles/${other.id}/comments`, { version: 1, statement: 'bottom-line.1', text: 'Too late.' });
    expect(comment.statusCode).toBe(409);
    expect(comment.json().error.message).toMatch(/rejected/);
    const resolve = await call('reviewer', 'POST', `/api/v1/articles/${other.id}/comments/${earlier.id}/resolve`);
    expect(resolve.statusCode).toBe(409);
    expect(resolve.json().error.message).toMatch(/rejected, and a rejected article is final: its comments stay as they were/);
    const kept = (await call('reviewer', 'GET', `/api/v1/articles/${other.id}/comments`)).json().comments;
    expect(kept.map((c: { id: string; resolvedAt?: string }) => [c.id, c.resolvedAt ?? 'open'])).toEqual([[earlier.id, 'open']]);
  });

  it('a decision names the version the reviewer read; one on a version superseded since is refused with 409', async () => {
    // A second reviewer, Rob, signed in through the browser flow.
    const rob = await call('admin', 'POST', '/api/v1/accounts', {
      username: 'rob', displayName: 'Dr Rob Review', roles: ['reviewer'], credentials: 'MD, Surgery', password: 'another long passphrase',
    });
    expect(rob.statusCode).toBe(201);
    const robSession = await signInBrowser(app, 'rob', 'another long passphrase');
    const asRob = (payload: object) =>
      app.inject({ method: 'POST', url: `/api/v1/articles/${stale.id}/review`, headers: { cookie: robSession.cookie, 'x-csrf-token': robSession.csrf }, payload });
    const asRita = (payload: object) => call('reviewer', 'POST', `/api/v1/articles/${stale.id}/review`, payload);

    const stale = (await call('editor', 'POST', '/api/v1/articles', { question: 'How is cellulitis treated?' })).json();
    // Rita opens version 1; Ed makes version 2; Rob opens version 2.
    expect((await asRita({ action: 'start-review', version: 1 })).statusCode).toBe(200);
    expect((await call('editor', 'POST', `/api/v1/articles/${stale.id}/versions`, { regenerate: true })).statusCode).toBe(201);
    expect((await asRob({ action: 'start-review', version: 2 })).statusCode).toBe(200);

    // Rita decides on what she read, version 1: every decision on the text is refused, nothing recorded.
    for (const payload of [{ action: 'approve', version: 1 }, { action: 'reject', comment: 'Wrong drug.', version: 1 }, { action: 'request-changes', comment: 'Dose?', version: 1 }]) {
      const refused = await asRita(payload);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/newer version exists \(version 2\)/) });
    }
    // Without a version, a decision on the text cannot say what was read: refused as well.
    const unnamed = await asRita({ action: 'approve' });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.message).toMatch(/needs the version you reviewed/);
    expect((await asRita({ action: 'approve', version: 3 })).statusCode).toBe(404);
    const still = (await call('editor', 'GET', `/api/v1/articles/${stale.id}/workspace`)).json().article;
    expect(still).toMatchObject({ status: 'under-review', currentVersion: 2 });
    expect(still.approval).toBeUndefined();

    // Rob approves version 2, which he read; the decision and the audit log name it.
    const approved = await asRob({ action: 'approve', version: 2 });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedVersion: 2, approval: { version: 2, reviewerName: 'Dr Rob Review' } });
    const decisions = (await call('editor', 'GET', `/api/v1/articles/${stale.id}/reviews`)).json().decisions;
    expect(decisions.map((d: { action: string; version: number }) => `${d.action}@${d.version}`)).toEqual(['start-review@1', 'start-review@2', 'approve@2']);
    const entries = (await call('admin', 'GET', `/api/v1/audit?subjectType=article&subjectId=${stale.id}`)).json().entries;
    expect(entries.filter((e: { action: string }) => e.action !== 'article.publish' && e.action !== 'article.regenerate').map((e: { action: string; after: { version: number } }) => `${e.action}@${e.after.version}`)).toEqual([
      'article.start-review@1',
      'article.start-review@2',
      'article.approve@2',
    ]);
  });

  it('records every change in the audit log, which no route can change', async () => {
    const entries = (await call('admin', 'GET', `/api/v1/audit?subjectType=article&subjectId=${articleId}&limit=1000`)).json().entries;
    const actions = entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'article.publish',
      'article.start-review',
      'article.request-changes',
      'article.edit',
      'article.start-review',
      'article.approve',
      'article.regenerate',
      'article.start-review',
      'article.approve',
    ]);
    const approve = entries.find((e: { action: string }) => e.action === 'article.approve');
    expect(approve).toMatchObject({ actor: staff.ids.reviewer, before: { status: 'under-review' }, after: { status: 'approved', approvedVersion: 2, version: 2 } });
    const seqs = (await call('admin', 'GET', '/api/v1/audit?limit=1000')).json().entries.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    // Newest first, paging back with before=<seq>; a bad order is refused.
    const newest = async (query: string) => (await call('admin', 'GET', `/api/v1/audit?order=newest&${query}`)).json().entries.map((e: { seq: number }) => e.seq);
    const last = seqs.at(-1) as number;
    expect(await newest('limit=2')).toEqual([last, last - 1]);
    expect(await newest(`limit=2&before=${last - 1}`)).toEqual([last - 2, last - 3]);
    expect((await call('admin', 'GET', '/api/v1/audit?order=sideways')).statusCode).toBe(400);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect((await app.inject({ method, url: '/api/v1/audit', headers: staff.headers.admin, payload: {} })).statusCode).toBe(404);
    }
    // No secrets in the log: no password hashes, no tokens.
    const all = JSON.stringify((await call('admin', 'GET', '/api/v1/audit?limit=1000')).json());
    expect(all).not.toMatch(/argon2|cmk_|passwordHash/);
  });
});

describe('browser sessions', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db, { server: { rateLimit: { enabled: false } } });
    app = createServer(container, settingsFor(db, { server: { rateLimit: { enabled: false } } }).server);
    await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  it('signs in with a secure, HttpOnly, SameSite=Strict cookie and says who is signed in', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'Editor', password: 'correct horse battery staple' } });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'citemed_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(response.json()).toMatchObject({ signedIn: true, account: { username: 'editor', roles: ['editor'] }, csrfToken: expect.any(String) });
    expect(JSON.stringify(response.json())).not.toMatch(/password/i);
    const who = await app.inject({ url: '/api/v1/session', headers: { cookie: `citemed_session=${cookie?.value}` } });
    expect(who.json()).toMatchObject({ signedIn: true, account: { username: 'editor' }, csrfToken: response.json().csrfToken });
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody', password: 'whatever it is' } });
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'editor', password: 'wrong password!!' } });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('refuses a change made with the session cookie but without the CSRF token', async () => {
    const { cookie, csrf } = await signInBrowser(app, 'editor');
    const payload = { name: 'from the browser' };
    const forged = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie }, payload });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.message).toMatch(/CSRF/);
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie, 'x-csrf-token': `${csrf}x` }, payload });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie, 'x-csrf-token': csrf }, payload });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().token).toMatch(/^cmk_/);
    // Reads need no token.
    expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('signing out ends the session; a revoked key stops working at once', async () => {
    const { cookie, csrf } = await signInBrowser(app, 'reader');
    const key = (await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'script' } })).json();
    const bearer = { authorization: `Bearer ${key.token}` };
    expect((await app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.key.id}`, headers: bearer })).json().revokedAt).toEqual(expect.any(String));
    const after = await app.inject({ url: '/api/v1/me', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/revoked/);

    const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it("records a key's last use to the minute, and never makes its request wait for a busy library", async () => {
    const { cookie, csrf } = await signInBrowser(app, 'reader');
    const key = (await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'loop' } })).json();
    const bearer = { authorization: `Bearer ${key.token}` };
    const lastUsed = async () => (await container.accounts.store.findKey(key.key.id))?.key.lastUsedAt;

    // Another process (an ingest, an index build) holds the write lock. The old code waited the
    // busy timeout (5 s here) on the server's only thread, then failed the request with 503.
    const other = new Database(db);
    other.exec('BEGIN IMMEDIATE');
    try {
      const during = await app.inject({ url: '/api/v1/me', headers: bearer });
      expect(during.statusCode).toBe(200);
      expect(await lastUsed()).toBeUndefined();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The skipped write leaves nothing stuck: the library takes writes, and the next use is recorded.
    expect((await app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first).toEqual(expect.any(String));
    // Within the minute, a request is not written again.
    expect((await app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);
    expect(await lastUsed()).toBe(first);
  }, 15_000);

  it('refuses a malformed Authorization header rather than treating the caller as anonymous', async () => {
    for (const authorization of ['Basic abc', 'Bearer nope', 'Bearer cmk_aaaaaaaaaa_short']) {
      const response = await app.inject({ url: '/api/v1/search?q=abscess', headers: { authorization } });
      expect(response.statusCode).toBe(401);
    }
  });

  it('a disabled account is signed out everywhere and cannot sign in', async () => {
    const admin = await signInBrowser(app, 'admin');
    const { cookie } = await signInBrowser(app, 'reviewer');
    const reviewer = (await app.inject({ url: '/api/v1/me', headers: { cookie } })).json();
    const disabled = await app.inject({ method: 'PATCH', url: `/api/v1/accounts/${reviewer.id}`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: { disabled: true } });
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'reviewer', password: 'correct horse battery staple' } });
    expect(again.statusCode).toBe(401);
    const self = (await app.inject({ url: '/api/v1/me', headers: { cookie: admin.cookie } })).json();
    const selfDisable = await app.inject({ method: 'PATCH', url: `/api/v1/accounts/${self.id}`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: { disabled: true } });
    expect(selfDisable.statusCode).toBe(409);
  });

  it('audits only changes to an account, and names re-enabling as account.enable', async () => {
    const admin = await signInBrowser(app, 'admin');
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const created = await app.inject({ method: 'POST', url: '/api/v1/accounts', headers, payload: { username: 'audited', displayName: 'Audited', roles: ['editor', 'reviewer'], password: 'a perfectly fine passphrase' } });
    const id = created.json().id as string;
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/api/v1/accounts/${id}`, headers, payload });
    const actions = async () =>
      (await app.inject({ url: `/api/v1/audit?subjectType=account&subjectId=${id}&limit=100`, headers })).json().entries.map((e: { action: string }) => e.action);

    for (const nothing of [{}, { displayName: 'Audited' }, { roles: ['reviewer', 'editor'] }, { disabled: false }]) {
      const response = await patch(nothing);
      expect(response.statusCode, JSON.stringify(nothing)).toBe(200);
      expect(response.json()).toMatchObject({ displayName: 'Audited', disabled: false });
    }
    expect(await actions()).toEqual(['account.create']);
    expect((await patch({ disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await patch({ disabled: true })).statusCode).toBe(200);
    expect((await patch({ disabled: false })).json()).toMatchObject({ disabled: false });
    expect((await patch({ displayName: 'Audited Again' })).json()).toMatchObject({ displayName: 'Audited Again' });
    expect(await actions()).toEqual(['account.create', 'account.disable', 'account.enable', 'account.update']);
  });

  it('refuses weak passwords and taken usernames with readable errors', async () => {
    const admin = await signInBrowser(app, 'admin');
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
    const weak = await app.inject({ method: 'POST', url: '/api/v1/accounts', headers, payload: { username: 'newbie', displayName: 'N', roles: ['reader'], password: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.message).toMatch(/at least 12 characters/);
    const taken = await app.inject({ method: 'POST', url: '/api/v1/accounts', headers, payload: { username: 'editor', displayName: 'E2', roles: ['reader'], password: 'a perfectly fine passphrase' } });
    expect(taken.statusCode).toBe(409);
  });
});
