/**
 * `mxray.config.json`: scan settings a team keeps with its case instead of retyping them. Every
 * key is a scan option (the CLI flag in camelCase); a command-line flag wins over the file. The
 * file is checked against a JSON Schema (`CONFIG_SCHEMA`), and each problem is reported with its
 * place in the file, so a typo is an error and never silently a default.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { InvalidOptionError } from '../errors.js';
import { SEVERITIES } from '../finding.js';
import type { ScanOptions } from './options.js';

/** The scan options a file may set (their meaning is ScanOptions'), and the CLI's own settings. */
export interface ConfigFile extends Partial<Pick<ScanOptions, 'since' | 'until' | 'tz' | 'format' | 'year' | 'concurrency' | 'workers' | 'maxLineBytes'>> {
  events?: boolean;
  trustedNets?: string[];
  ioc?: string[];
  webmailHosts?: string[];
  /** `{ "auth.spray.minAccounts": 20 }`: a rule option and its value. */
  rule?: Record<string, number>;
  /** Rule ids not to run. */
  disable?: string[];
  geo?: boolean;
  geoip?: string[];
  report?: boolean;
  csv?: boolean;
  timeline?: string[];
  timelineEvents?: boolean;
  minLevel?: string;
  failOn?: string;
  maxKeys?: number;
  spillMemory?: number;
  spillDir?: string;
  checkpoints?: boolean;
  strict?: boolean;
  color?: boolean;
}

const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const positive = { type: 'integer', minimum: 1 } as const;

export const CONFIG_SCHEMA = {
  $id: 'https://github.com/mxray/mxray/mxray.config.schema.json',
  title: 'mxray.config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    tz: { type: 'string' },
    format: { type: 'string' },
    year: { type: 'integer', minimum: 1970, maximum: 9999 },
    concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    workers: { type: 'integer', minimum: 0, maximum: 64 },
    maxLineBytes: { type: 'integer', minimum: 1024 },
    events: { type: 'boolean' },
    trustedNets: strings,
    ioc: strings,
    webmailHosts: strings,
    rule: { type: 'object', propertyNames: { pattern: '^[a-z0-9-]+\\.[a-z0-9-]+\\.[A-Za-z]+$' }, additionalProperties: { type: 'number' } },
    disable: strings,
    geo: { type: 'boolean' },
    geoip: strings,
    report: { type: 'boolean' },
    csv: { type: 'boolean' },
    timeline: strings,
    timelineEvents: { type: 'boolean' },
    minLevel: { enum: [...SEVERITIES] },
    failOn: { enum: ['none', ...SEVERITIES] },
    maxKeys: { type: 'integer', minimum: 100 },
    spillMemory: positive,
    spillDir: { type: 'string' },
    checkpoints: { type: 'boolean' },
    strict: { type: 'boolean' },
    color: { type: 'boolean' },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: true }).compile<ConfigFile>(CONFIG_SCHEMA);

function describe(e: ErrorObject, file: string): string {
  const where = e.instancePath === '' ? file : `${file}: ${e.instancePath.slice(1).replace(/\//g, '.')}`;
  if (e.keyword === 'additionalProperties') return `${where}: unknown setting "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'enum') return `${where}: must be one of ${(e.params['allowedValues'] as unknown[]).join(', ')}`;
  if (e.keyword === 'propertyNames') return `${where}: rule options are written "rule.id.option", e.g. "auth.spray.minAccounts"`;
  return `${where}: ${e.message ?? 'is not valid'}`;
}

/** Reads and checks a config file; throws InvalidOptionError naming every problem. */
export async function readConfigFile(file: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidOptionError(`cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidOptionError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!validate(value)) {
    // A bad rule name is reported once (ajv also reports the pattern it failed).
    const problems = (validate.errors ?? []).filter((e) => !(e.keyword === 'pattern' && e.propertyName !== undefined));
    throw new InvalidOptionError(`config file problems: ${problems.map((e) => describe(e, file)).join('; ')}`);
  }
  return value;
}
