/**
 * The public API of @mxray/core is chosen on purpose: this list changes only with a decision
 * (and a line in the README's Library section). Building blocks live in @mxray/core/internal.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '@mxray/core';
import { investigate, scanToDirectory, type Finding } from '@mxray/core';
import { REPO, SAMPLES } from './helpers/corpus.js';

const VALUES = [
  'ACCOUNT_VERDICTS', 'CONFIG_SCHEMA', 'DEFAULT_SINCE', 'DEFAULT_TZ', 'DEFAULT_WORKERS', 'DETECTORS', 'EVENT_KINDS', 'FORMATS',
  'IP_VERDICTS', 'InvalidOptionError', 'MxrayError', 'SEVERITIES', 'TOOL_NAME', 'TOOL_VERSION', 'assessEvidence',
  'compareFindings', 'defineDetector', 'detectFormat', 'detectFromWarehouse', 'formatLoadSummary', 'loadToWarehouse', 'detectorById', 'escapeForTerminal', 'explainEntity', 'formatById',
  'formatExplanation', 'formatTerminalSummary', 'investigate', 'isUsageError', 'readAccountVerdicts', 'readConfigFile',
  'readFindings', 'readIpVerdicts', 'readListFile', 'readManifest', 'rulesMarkdown', 'scan', 'scanEvents', 'scanToDirectory',
  'severityRank', 'summaryJson',
];

const TYPES = [
  'AccountVerdict', 'AccountVerdictKind', 'ConfigFile', 'DetectOptions', 'DetectionSettings', 'Detector', 'DetectorInstance', 'EventKind',
  'EventSource', 'EvidenceAssessment', 'EvidenceLink', 'EvidenceRole', 'Explanation', 'FileContext', 'FileReport', 'Finding',
  'FinishContext', 'InvestigateOptions', 'Investigation', 'InvestigationItem', 'IpVerdict', 'IpVerdictKind', 'Line',
  'LineParser', 'LoadOptions', 'LoadResult', 'LoginReader', 'LoadStatus', 'LoadedFile', 'LogFormat', 'MailEvent', 'Manifest', 'MxrayErrorCode', 'OptionSpec', 'OptionValues', 'ParsedEvent', 'Phase',
  'Protocol', 'ScanHooks', 'ScanOptions', 'ScanProgress', 'ScanResult', 'ScanSummaryJson', 'ScanToDirectoryOptions',
  'ScanToDirectoryResult', 'Severity', 'SummaryVerdicts', 'SyslogProgram', 'WarehouseOptions',
];

describe('the public API of @mxray/core', () => {
  it('exports these values and nothing else', () => {
    expect(Object.keys(core).sort()).toEqual([...VALUES].sort());
  });

  it('exports these types and nothing else', async () => {
    const index = await readFile(path.join(REPO, 'packages/core/src/index.ts'), 'utf8');
    const names = [...index.matchAll(/export\s*(type\s*)?\{([^}]+)\}/g)].flatMap((m) =>
      m[2]!.split(',').map((x) => x.trim()).filter(Boolean).filter((x) => m[1] !== undefined || x.startsWith('type ')).map((x) => x.replace(/^type\s+/, '')),
    );
    expect(names.sort()).toEqual([...TYPES].sort());
  });
});

describe('investigate: findings and verdicts as async iterables, without an output directory', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'mxray-investigate-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('streams what scanToDirectory writes, in the same order', async () => {
    const written = await scanToDirectory({ paths: [SAMPLES], out: path.join(work, 'out'), report: false });
    const x = await investigate({ paths: [SAMPLES] });
    const findings: Finding[] = [];
    for await (const f of x.findings()) findings.push(f);
    expect(findings).toEqual(written.findings);
    const accounts = [];
    for await (const a of x.accounts()) accounts.push(a);
    expect(accounts).toEqual(written.accounts);
    const kinds: string[] = [];
    for await (const item of x) kinds.push(item.type);
    expect(kinds).toEqual([...written.findings.map(() => 'finding'), ...written.accounts.map(() => 'account'), ...written.ips.map(() => 'ip')]);
    expect(x.scan.inputs).toHaveLength(written.manifest.inputs.length);
  });
});
