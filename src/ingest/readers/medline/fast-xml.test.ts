import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA_SKIP_MESSAGE, sharedDataPath } from '../../../../test/shared-data.js';
import { decodeUtf8 } from '../bytes.js';
import { parseStrictSubset, type FastXmlHandler } from './fast-xml.js';
import { createRecordParser } from './record-parser.js';
import { splitRecords } from './splitter.js';

type Event = ['open', string, Record<string, string>] | ['text', string] | ['close'];

/** Events with adjacent text merged, so parsers that split text differently compare equal. */
function recorder(): { handler: FastXmlHandler; events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    handler: {
      open: (tag) => events.push(['open', tag.name, { ...tag.attributes }]),
      text: (text) => {
        const last = events[events.length - 1];
        if (last?.[0] === 'text') last[1] += text;
        else events.push(['text', text]);
      },
      close: () => events.push(['close']),
    },
  };
}

/** The reference: saxes, strict XML, namespaces off. Undefined when saxes rejects the input. */
function saxesEvents(xml: string): Event[] | undefined {
  const { handler, events } = recorder();
  const parser = new SaxesParser({ position: false });
  let depth = 0;
  let failed = false;
  parser.on('opentag', (tag) => {
    depth++;
    handler.open({ name: tag.name, attributes: tag.attributes as Record<string, string> });
  });
  parser.on('text', (text) => {
    if (depth > 0) handler.text(text);
  });
  parser.on('closetag', () => {
    depth--;
    handler.close();
  });
  parser.on('error', () => {
    failed = true;
    throw new Error('stop');
  });
  try {
    parser.write(xml).close();
  } catch {
    failed = true;
  }
  return failed ? undefined : events.filter((e) => !(e[0] === 'text' && e[1] === ''));
}

function fastEvents(xml: string): Event[] | undefined {
  const { handler, events } = recorder();
  return parseStrictSubset(xml, handler) ? events.filter((e) => !(e[0] === 'text' && e[1] === '')) : undefined;
}

describe('parseStrictSubset (the MEDLINE fast path)', () => {
  it('reads elements, attributes, text and references as saxes does', () => {
    const xml = '<A x="1 &amp; 2" y=\'a\tb\r\nc\'>\r\n t&lt;&#233;&#x1D6C3;&gt;<B/><C>q&quot;&apos;</C></A>';
    expect(fastEvents(xml)).toEqual(saxesEvents(xml));
    expect(fastEvents(xml)).toEqual([
      ['open', 'A', { x: '1 & 2', y: 'a b c' }],
      ['text', '\n t<é𝛃>'],
      ['open', 'B', {}],
      ['close'],
      ['open', 'C', {}],
      ['text', 'q"\''],
      ['close'],
      ['close'],
    ]);
  });

  it.each([
    ['a mismatched end tag', '<A><B></A></B>'],
    ['an unclosed element', '<A><B></B>'],
    ['a second root', '<A/><B/>'],
    ['text outside the root', 'x<A/>'],
    ['a comment', '<A><!-- c --></A>'],
    ['CDATA', '<A><![CDATA[x]]></A>'],
    ['a processing instruction', '<?xml version="1.0"?><A/>'],
    ['an unquoted attribute', '<A x=1/>'],
    ['a duplicate attribute', '<A x="1" x="2"/>'],
    ['"<" in an attribute', '<A x="<"/>'],
    ['a bare ampersand', '<A>a & b</A>'],
    ['an undefined entity', '<A>&nbsp;</A>'],
    ['a reference to a non-character', '<A>&#0;</A>'],
    ['a surrogate reference', '<A>&#xD800;</A>'],
    ['"]]>" in text', '<A>]]></A>'],
    ['a non-ASCII tag name', '<Ä/>'],
    ['a stray "<"', '<A>1 < 2</A>'],
    ['attributes not separated by white space', '<A x="1"y="2"/>'],
    ['white space between "/" and ">"', '<A x="1"/ >'],
    ['a no-break space in a tag', '<A\u00a0x="1"/>'],
    ['an attribute without a value', '<A x/>'],
    ['an unterminated attribute value', '<A x="1/>'],
    ['nothing', ''],
  ])('hands %s to saxes', (_what, xml) => {
    expect(parseStrictSubset(xml, recorder().handler)).toBe(false);
  });

  it('never accepts what saxes rejects, and then gives exactly saxes events', () => {
    const fragment = fc.constantFrom(
      '<A>', '</A>', '<B x="1">', '</B>', '<C/>', '<i>', '</i>', 'text', ' ', '\n', '\r\n', '\t', '&amp;', '&lt;', '&#38;', '&#x1F600;',
      '&#0;', '&bogus;', '&', '<', '>', ']]>', '"', "'", '<!-- c -->', '<![CDATA[z]]>', '<?pi x?>', 'é', '😀', '<D y="a&amp;b" z=\'&#x9;\'>', '</D>',
      '<E a="1" a="2">', '<F q=unquoted>', '</ A>', '</A >', '<A\n>',
      '<G a="1"b="2">', '</G>', '<H a = "1" \t>', '</H>', '<I a="x"/ >', '<J\r\nb=\'"\'\n/>', '<K\u00a0a="1">', '</K>', '<L a=>', '<M a="1"/>',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 14 }), (parts) => {
        const xml = `<R>${parts.join('')}</R>`;
        const fast = fastEvents(xml);
        if (fast !== undefined) expect(fast).toEqual(saxesEvents(xml));
      }),
      { numRuns: 5000 },
    );
  });
});

const FILES = ['medline16n0902.xml.gz', 'test_current_medline.xml.gz', 'pubmed-29768149.xml'];

describe.skipIf(!hasSharedData)(`the fast path on real MEDLINE records ${hasSharedData ? '' : SHARED_DATA_SKIP_MESSAGE}`, () => {
  it.each(FILES)('%s: every record gives what saxes gives, and almost all take the fast path', async (name) => {
    const file = sharedDataPath('pubmed_xml_fixtures', name);
    expect(existsSync(file)).toBe(true);
    const raw = createReadStream(file);
    const bytes = name.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    const withFastPath = createRecordParser();
    const saxesOnly = createRecordParser({ fastPath: false });
    let records = 0;
    let fast = 0;
    for await (const segment of splitRecords(decodeUtf8(bytes), file)) {
      if (segment.kind !== 'record' || segment.name === 'DeleteCitation') continue;
      records++;
      expect(withFastPath.parse(segment.xml, segment.name)).toEqual(saxesOnly.parse(segment.xml, segment.name));
      if (parseStrictSubset(segment.xml, recorder().handler)) fast++;
    }
    expect(records).toBeGreaterThan(0);
    expect(fast / records).toBeGreaterThanOrEqual(0.99);
  });
});
