import { describe, expect, it } from 'vitest';
import { parseMeshDescriptorXml } from './mesh-xml.js';

// Shaped like NLM's desc20xx XML, cut down to the elements the reader looks at and a few it must skip.
const RECORD = `<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D900001</DescriptorUI>
  <DescriptorName><String>Widget Syndrome</String></DescriptorName>
  <AllowableQualifiersList><AllowableQualifier><QualifierReferredTo>
    <QualifierUI>Q000009</QualifierUI><QualifierName><String>adverse effects</String></QualifierName>
  </QualifierReferredTo></AllowableQualifier></AllowableQualifiersList>
  <PharmacologicalActionList><PharmacologicalAction><DescriptorReferredTo>
    <DescriptorUI>D900099</DescriptorUI><DescriptorName><String>Other Heading</String></DescriptorName>
  </DescriptorReferredTo></PharmacologicalAction></PharmacologicalActionList>
  <TreeNumberList><TreeNumber>C99.100</TreeNumber><TreeNumber>C98.200.300</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><TermList>
    <Term IsPermutedTermYN="N"><String>Widget Syndrome</String></Term>
    <Term IsPermutedTermYN="N"><String>Widgetosis</String></Term>
    <Term IsPermutedTermYN="Y"><String>Syndrome, Widget</String></Term>
  </TermList></Concept>
  <Concept PreferredConceptYN="N"><TermList>
    <Term IsPermutedTermYN="N"><String>Gadget Disease</String></Term>
  </TermList></Concept></ConceptList>
</DescriptorRecord>`;

describe('parseMeshDescriptorXml', () => {
  it("reads a record's UI, name, tree numbers and entry terms, skipping permuted and nested strings", () => {
    const result = parseMeshDescriptorXml(`<?xml version="1.0"?>\n<!DOCTYPE DescriptorRecordSet SYSTEM "desc2015.dtd">\n<DescriptorRecordSet>${RECORD}</DescriptorRecordSet>`);
    expect(result).toEqual({
      descriptors: [
        { id: 'D900001', name: 'Widget Syndrome', treeNumbers: ['C99.100', 'C98.200.300'], entryTerms: ['Widgetosis', 'Gadget Disease'] },
      ],
    });
  });

  it('keeps what a cut-short file holds and says what went wrong', () => {
    const cut = `<DescriptorRecordSet>${RECORD}${RECORD.replace('D900001', 'D900002').slice(0, RECORD.indexOf('<ConceptList>') + 60)}`;
    const result = parseMeshDescriptorXml(cut);
    expect(result.descriptors.map((d) => d.id)).toEqual(['D900001', 'D900002']);
    expect(result.descriptors[1]?.treeNumbers).toEqual(['C99.100', 'C98.200.300']);
    expect(result.problem).toMatch(/record D900002 was cut short/);
  });
});
