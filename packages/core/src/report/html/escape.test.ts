import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, html, raw } from './escape.js';

describe('escapeHtml', () => {
  it('escapes markup and makes controls visible', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('a\u001b[31mb\u0000')).toBe('a\\x1b[31mb\\x00');
  });

  it('never lets a markup or quote character through, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(escapeHtml(s)).not.toMatch(/[<>"'\u0000-\u0008\u001b]/);
      }),
    );
  });

  it('html`` escapes values but not nested html``', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${[raw('<br>')]}</p>`.value).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b><br></p>');
  });
});
