import { describe, expect, it } from 'vitest';
import type { ReaderItem } from '../../reader.js';
import { readJsonl } from './jsonl.js';

async function read(text: string): Promise<ReaderItem[]> {
  const bytes = (async function* () {
    // Split mid-line and mid-character to prove lines are reassembled.
    const all = new TextEncoder().encode(text);
    for (let i = 0; i < all.length; i += 7) yield all.slice(i, i + 7);
  })();
  const items: ReaderItem[] = [];
  for await (const item of readJsonl({ bytes, path: '/corpus.jsonl' })) items.push(item);
  return items;
}

describe('readJsonl', () => {
  it('reads BEIR corpus lines into sources with paragraphs', async () => {
    const [item] = await read('{"_id": "4983", "title": "Microstructure of white matter", "text": "First para é.\\n\\nSecond para.", "metadata": {"year": "2001"}}\n');
    expect(item?.kind).toBe('source');
    if (item?.kind !== 'source') return;
    expect(item.source).toMatchObject({ id: 'jsonl:4983', title: 'Microstructure of white matter', year: 2001, origin: { format: 'jsonl', line: 1 } });
    expect(item.source.text).toBe('First para é.\n\nSecond para.');
    expect(item.source.paragraphs).toHaveLength(2);
  });

  it('skips bad lines with their numbers and goes on', async () => {
    const items = await read(['{"id": 7, "title": "Numeric id", "text": "ok"}', '', 'not json', '[1]', '{"title": "no id"}', '{"_id": "x"}', '{"_id":"y","text":"fine"}'].join('\r\n'));
    expect(items.map((i) => (i.kind === 'skip' ? `skip ${i.line}: ${i.reason.split(' (')[0]}` : `source ${i.kind === 'source' ? i.source.id : ''}`))).toEqual([
      'source jsonl:7',
      'skip 3: not valid JSON',
      'skip 4: not a JSON object',
      'skip 5: no "_id" or "id"',
      'skip 6: no title and no text',
      'source jsonl:y',
    ]);
  });

  it('keeps the first of two lines with one id and skips the second, saying which line it repeats', async () => {
    const items = await read(['{"_id": "a", "title": "First"}', '{"_id": "b", "title": "Other"}', '{"id": "a", "title": "Second"}'].join('\n'));
    expect(items.map((i) => (i.kind === 'source' ? i.source.title : i))).toEqual([
      'First',
      'Other',
      { kind: 'skip', line: 3, recordId: 'a', reason: 'the same id as line 1, which was kept', repeated: true },
    ]);
  });
});
