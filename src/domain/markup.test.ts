import { describe, expect, it } from 'vitest';
import { describeHtmlPage, htmlTitle, isHtmlPage, xmlRootElement } from './markup.js';

describe('markup heads', () => {
  it('finds the root element past a BOM, the declaration, comments and a DOCTYPE', () => {
    expect(xmlRootElement('\uFEFF<?xml version="1.0"?><!-- c --><!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\n<PubmedArticleSet>')).toBe('PubmedArticleSet');
    expect(xmlRootElement('{"error": "x"}')).toBeUndefined();
  });

  it('knows an HTML page by its DOCTYPE or its root, whatever the case', () => {
    expect(isHtmlPage('<!DOCTYPE html>\n<head><title>Down</title></head>')).toBe(true);
    expect(isHtmlPage('\uFEFF  <HTML><body>x</body></HTML>')).toBe(true);
    expect(isHtmlPage('<?xml version="1.0"?><article/>')).toBe(false);
    expect(isHtmlPage('{"html": true}')).toBe(false);
  });

  it('names a page by its title, shortened, or without one', () => {
    expect(htmlTitle('<html><head><title>\n  Service\n unavailable </title>')).toBe('Service unavailable');
    expect(htmlTitle('<html><title></title>')).toBeUndefined();
    expect(describeHtmlPage('<html><title>Try later</title>')).toBe('an HTML page ("Try later")');
    expect(describeHtmlPage('<html><body>x</body>')).toBe('an HTML page');
    expect(describeHtmlPage(`<html><title>${'a'.repeat(200)}</title>`)).toBe(`an HTML page ("${'a'.repeat(120)}")`);
  });
});
