import { describe, expect, it } from 'vitest';
import { normalizeSpace } from '../../../domain/text.js';
import { validateDocumentMeta } from './document-meta.js';
import { fileStem, slugify } from './file-name.js';
import { decodeEntities, fragmentText } from './entities.js';

function issue(raw: Record<string, unknown>): string {
  const result = validateDocumentMeta(raw);
  if (result.ok) throw new Error('expected a validation issue');
  return result.issues[0]!.message;
}

describe('validateDocumentMeta', () => {
  it('normalises dates, identifiers and lists as people write them', () => {
    const result = validateDocumentMeta({
      id: 123,
      title: '  Spaced title ',
      date: '2021-3-5T10:00:00Z',
      doi: 'doi: 10.1000/ABC',
      pmid: 'PMID: 42',
      keywords: 'a, b; c',
      topics: ['a', 7],
      authors: 'One Person',
      status_note: '',
      journal: null,
    });
    expect(result).toMatchObject({
      ok: true,
      meta: {
        id: '123',
        title: 'Spaced title',
        published: '2021-03-05',
        year: 2021,
        doi: '10.1000/ABC',
        pmid: '42',
        keywords: ['a', '7', 'b', 'c'],
        authors: ['One Person'],
      },
    });
    expect(result.ok && result.meta.statusNote).toBeUndefined();
    expect(result.ok && result.meta.journal).toBeUndefined();
  });

  it('accepts a YAML 1.1 timestamp and a bare year', () => {
    expect(validateDocumentMeta({ last_updated: new Date('2024-02-29T00:00:00Z') })).toMatchObject({ meta: { published: '2024-02-29', revised: '2024-02-29' } });
    expect(validateDocumentMeta({ year: '1999' })).toMatchObject({ meta: { published: '1999', year: 1999 } });
  });

  it('says what was expected for each kind of bad value', () => {
    expect(issue({ last_updated: 'last spring' })).toBe('must be a date written YYYY, YYYY-MM or YYYY-MM-DD (got "last spring")');
    expect(issue({ date: '2020-13-01' })).toMatch(/^must be a date/);
    expect(issue({ year: 99 })).toBe('must be a four-digit year (got "99")');
    expect(issue({ doi: 'not-a-doi' })).toBe('must be a DOI such as 10.1000/xyz123 (got "not-a-doi")');
    expect(issue({ evidence_level: 'gold' })).toMatch(/^must be one of guideline, systematic-review, .* \(got "gold"\)$/);
    expect(issue({ title: ['a', 'b'] })).toBe('must be text');
    expect(issue({ references: 'none' })).toBe('must be a list of references');
    expect(issue({ references: [42] })).toMatch(/^must be a reference/);
    expect(issue({ references: [{ kind: 'opinion' }] })).toBe('must be one of guideline, research (got "opinion")');
  });
});

describe('file names', () => {
  it('gives the stem and a URL-safe slug', () => {
    expect(fileStem('/a/b/Ménière Disease.md.gz')).toBe('Ménière Disease');
    expect(fileStem('/a/.hidden')).toBe('.hidden');
    expect(slugify('Ménière Disease — 2nd ed.')).toBe('meniere-disease-2nd-ed');
    expect(slugify('漢字')).toBe('document');
  });
});

describe('entities', () => {
  it('decodes character references and never reads text as markup', () => {
    expect(decodeEntities('a &lt;b&gt; &amp; &eacute; &#8804; &#x2014; <i>x</i> & y')).toBe('a <b> & é ≤ — <i>x</i> & y');
  });

  it('takes the text of an HTML fragment without scripts or comments', () => {
    expect(normalizeSpace(fragmentText('<div>one<br>two<!-- no --><script>no()</script><p>three &amp; four</p></div>'))).toBe('one two three & four');
  });
});
