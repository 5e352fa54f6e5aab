import { describe, expect, it } from 'vitest';
import { ARTICLE_STATUSES, canRevise, checkDecidedVersion, REVIEW_ACTIONS, slugify, transition, TRANSITIONS, type ArticleStatus, type ReviewAction } from './article.js';

/** The workflow written out by hand, independently of TRANSITIONS: every legal step, nothing else. */
const LEGAL: ReadonlyArray<[ArticleStatus, ReviewAction, ArticleStatus]> = [
  ['submitted', 'start-review', 'under-review'],
  ['under-review', 'approve', 'approved'],
  ['under-review', 'request-changes', 'changes-requested'],
  ['under-review', 'reject', 'rejected'],
  ['approved', 're-review', 'under-review'],
];

describe('review workflow', () => {
  it('allows exactly the legal transitions and refuses every other pair with a reason', () => {
    let refused = 0;
    for (const status of ARTICLE_STATUSES) {
      for (const action of REVIEW_ACTIONS) {
        const legal = LEGAL.find(([from, a]) => from === status && a === action);
        const result = transition(status, action);
        if (legal) {
          expect(result).toEqual({ ok: true, to: legal[2] });
        } else {
          refused += 1;
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.reason).toContain(action);
        }
      }
    }
    expect(refused).toBe(ARTICLE_STATUSES.length * REVIEW_ACTIONS.length - LEGAL.length);
  });

  it('the table has no transition the hand-written list lacks', () => {
    const count = Object.values(TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(LEGAL.length);
  });

  it('a rejected article is final: no action and no new version', () => {
    for (const action of REVIEW_ACTIONS) expect(transition('rejected', action).ok).toBe(false);
    expect(canRevise('rejected')).toBe(false);
    for (const status of ARTICLE_STATUSES.filter((s) => s !== 'rejected')) expect(canRevise(status)).toBe(true);
  });

  it('a decision on the text names the version read; a stale version is a conflict that says a newer one exists', () => {
    for (const action of ['approve', 'request-changes', 'reject'] as const) {
      expect(checkDecidedVersion(action, 2, undefined)).toMatchObject({ ok: false, code: 'usage', reason: expect.stringMatching(/needs the version you reviewed/) });
      expect(checkDecidedVersion(action, 2, 2)).toEqual({ ok: true });
    }
    // Opening a review decides nothing about the text: the version may be left out, and is checked when given.
    expect(checkDecidedVersion('start-review', 2, undefined)).toEqual({ ok: true });
    expect(checkDecidedVersion('re-review', 2, undefined)).toEqual({ ok: true });
    for (const action of REVIEW_ACTIONS) {
      expect(checkDecidedVersion(action, 2, 1)).toMatchObject({ ok: false, code: 'conflict', reason: expect.stringMatching(/newer version exists \(version 2\)/) });
      expect(checkDecidedVersion(action, 2, 3)).toMatchObject({ ok: false, code: 'not-found' });
    }
  });

  it('tells an editor what to do when reviewers have nothing to act on', () => {
    const result = transition('changes-requested', 'approve');
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/new version/) });
  });
});

describe('slugify', () => {
  it('makes lower-case ASCII words joined by hyphens', () => {
    expect(slugify('What is the management of an iliopsoas abscess?')).toBe('what-is-the-management-of-an-iliopsoas-abscess');
    expect(slugify('Síndrome de Guillain–Barré: β-blockers & <script>')).toBe('sindrome-de-guillain-barre-blockers-script');
  });

  it('stays within 80 characters, cut at a word', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
    expect(slugify('a'.repeat(120)).length).toBe(80);
  });

  it('falls back to "article" when nothing is left', () => {
    expect(slugify('???')).toBe('article');
    expect(slugify('')).toBe('article');
  });
});
