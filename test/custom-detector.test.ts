import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DETECTORS, defineDetector, scanToDirectory, type Finding, type MailEvent } from '@mxray/core';
import { SAMPLES } from './helpers/corpus.js';

/** What a forensics script writes: flag python-requests user agents on the webmail. */
const scriptedClients = defineDetector({
  id: 'local.scripted-client',
  title: 'Scripted HTTP client on the webmail',
  severity: 'medium',
  description: 'Requests whose User-Agent is a scripting library.',
  falsePositives: ['Monitoring probes.'],
  options: { minRequests: { default: 3, description: 'requests before an IP is reported' } },
  kinds: ['http.request'],
  create(o) {
    const seen = new Map<string, MailEvent[]>();
    return {
      observe(e) {
        if (e.phase === 'window' && e.ip && /python-requests|curl|Go-http-client/.test(e.userAgent ?? '')) {
          seen.set(e.ip, [...(seen.get(e.ip) ?? []), e]);
        }
      },
      finish(): Finding[] {
        return [...seen].filter(([, list]) => list.length >= o.minRequests).map(([ip, list]) => {
          const first = [...list].sort((a, b) => a.ts - b.ts)[0]!;
          return { time: first.ts, rule: 'local.scripted-client', severity: 'medium', account: null, ip, source: first.source, message: `${list.length} scripted requests from ${ip}`, evidence: { requests: list.length } };
        });
      },
    };
  },
});

describe('a script adds its own detector', () => {
  it('runs beside the built-in ones and its findings reach every output', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'mxray-custom-'));
    try {
      const { findings, manifest } = await scanToDirectory({
        paths: [SAMPLES],
        out,
        force: true,
        detection: { detectors: [...DETECTORS, scriptedClients], geo: false, ruleOptions: { 'local.scripted-client': { minRequests: 5 } } },
      });
      const mine = findings.filter((f) => f.rule === 'local.scripted-client');
      expect(mine.map((f) => [f.ip, f.evidence.requests])).toEqual([['203.0.113.66', 7]]);
      expect(manifest.detection?.rules).toContain('local.scripted-client');
      expect(await readFile(path.join(out, 'findings.jsonl'), 'utf8')).toContain('"rule":"local.scripted-client"');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
