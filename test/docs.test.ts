import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_SCHEMA, DETECTORS, rulesMarkdown } from '@mxray/core';
import { REPO } from './helpers/corpus.js';

describe('docs/rules.md', () => {
  it('is what the detectors say of themselves (regenerate with `pnpm mxray rules --markdown > docs/rules.md`)', async () => {
    expect(await readFile(path.join(REPO, 'docs/rules.md'), 'utf8')).toBe(rulesMarkdown(DETECTORS));
  });

  it('documents every rule with a description, options and false positives', () => {
    for (const d of DETECTORS) {
      expect(d.id).toMatch(/^[a-z]+\.[a-z-]+$/);
      expect(d.description.length, d.id).toBeGreaterThan(40);
      expect(d.falsePositives.length, d.id).toBeGreaterThan(0);
    }
  });
});

describe('docs/config.md', () => {
  it('documents every key of the config schema', async () => {
    const doc = await readFile(path.join(REPO, 'docs', 'config.md'), 'utf8');
    for (const key of Object.keys(CONFIG_SCHEMA.properties).filter((k) => k !== '$schema')) expect(doc, key).toContain(`\`${key}\``);
  });
});
