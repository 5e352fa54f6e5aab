import { describe, expect, it } from 'vitest';
import { abstractParagraphs, inlineText } from './abstract.js';

describe('abstractParagraphs', () => {
  it('turns <h4> headings into labelled paragraphs, as MEDLINE structured abstracts are', () => {
    const html = '<h4>BACKGROUND</h4>Why it matters.<h4>Methods and Results:</h4>What was done. What was found.<h4>Conclusions</h4>So.';
    expect(abstractParagraphs(html)).toEqual([
      { label: 'Background', text: 'Why it matters.' },
      { label: 'Methods and Results', text: 'What was done. What was found.' },
      { label: 'Conclusions', text: 'So.' },
    ]);
  });

  it('keeps the text of inline markup, sub- and superscripts included, and decodes references', () => {
    expect(abstractParagraphs('Dose 10 mg/m<sup>2</sup>, CO<sub>2</sub> <i>in vitro</i>, <b>p</b> &lt; 0.05 &amp; 5&#x2009;mg, &eacute;')).toEqual([
      { text: 'Dose 10 mg/m2, CO2 in vitro, p < 0.05 & 5\u2009mg, é' },
    ]);
  });

  it('splits paragraphs at <p> and <br>, under the heading before them', () => {
    expect(abstractParagraphs('Lead text.<h4>Results</h4><p>One.</p><p>Two.<br/>Three.</p>')).toEqual([
      { text: 'Lead text.' },
      { label: 'Results', text: 'One.' },
      { label: 'Results', text: 'Two.' },
      { label: 'Results', text: 'Three.' },
    ]);
  });

  it('reads plain text as one paragraph and drops empty ones and scripts', () => {
    expect(abstractParagraphs('  A plain\n abstract.  ')).toEqual([{ text: 'A plain abstract.' }]);
    expect(abstractParagraphs('<p> </p><script>alert(1)</script><p>Kept.</p>')).toEqual([{ text: 'Kept.' }]);
    expect(abstractParagraphs('')).toEqual([]);
  });

  it('does not lose the text of a heading that never closes, and leaves an empty heading unlabelled', () => {
    expect(abstractParagraphs('<h4></h4>Text.')).toEqual([{ text: 'Text.' }]);
    expect(abstractParagraphs('Before.<h4>Dangling')).toEqual([{ text: 'Before.' }, { text: 'Dangling' }]);
  });
});

describe('inlineText', () => {
  it('flattens a title to one line of text', () => {
    expect(inlineText('Effect of <i>drug</i> on CD4<sup>+</sup> cells &amp; more\n ')).toBe('Effect of drug on CD4+ cells & more');
    expect(inlineText('No markup  here')).toBe('No markup here');
    expect(inlineText('p < 0.05 stays')).toBe('p < 0.05 stays');
  });
});
