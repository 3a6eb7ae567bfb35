/**
 * @mxray/core — streaming mail-log forensics.
 *
 * The public API, chosen on purpose and held by a test (test/public-api.test.ts): scan to a
 * directory, stream events, stream findings and verdicts without a directory, define a detector,
 * the formats, the types, and what the `mxray` command uses to print and explain. Everything
 * else is internal (`@mxray/core/internal`, no promise of stability).
 */

// The model: events, findings, verdicts
export type { MailEvent, EventKind, EventSource, Phase, Protocol } from './event.js';
export { EVENT_KINDS } from './event.js';
export type { Finding, Severity } from './finding.js';
export { SEVERITIES, severityRank, compareFindings } from './finding.js';
export {
  ACCOUNT_VERDICTS,
  IP_VERDICTS,
  type AccountVerdict,
  type IpVerdict,
  type AccountVerdictKind,
  type IpVerdictKind,
  type EvidenceLink,
  type EvidenceRole,
} from './verdict/verdicts.js';
export { MxrayError, InvalidOptionError, isUsageError, type MxrayErrorCode } from './errors.js';
export { TOOL_NAME, TOOL_VERSION } from './version.js';

// Scanning: to a directory, as events, as findings and verdicts
export { scanToDirectory, type ScanToDirectoryOptions, type ScanToDirectoryResult } from './scan/scan-to-directory.js';
export { scan, scanEvents, type ScanHooks, type ScanResult, type ScanProgress } from './scan/scan.js';
export { investigate, type Investigation, type InvestigationItem, type InvestigateOptions } from './scan/investigate.js';
export { DEFAULT_TZ, DEFAULT_WORKERS, type ScanOptions } from './scan/options.js';
export { DEFAULT_SINCE } from './time/window.js';
export type { DetectionSettings } from './scan/detection.js';
export type { Manifest } from './report/manifest.js';
export type { FileReport } from './ingest/file-report.js';
export { readConfigFile, CONFIG_SCHEMA, type ConfigFile } from './scan/config-file.js';

// Beyond one machine: load records into ClickHouse, detect from the cluster
export { loadToWarehouse, type LoadOptions, type LoadResult, type LoadedFile, type LoadStatus } from './warehouse/load.js';
export { detectFromWarehouse, type DetectOptions } from './warehouse/detect.js';
export { formatLoadSummary } from './warehouse/load-summary.js';
export type { WarehouseOptions } from './warehouse/connection.js';

// Detectors: the built-in ones, and your own
export { defineDetector, type Detector, type DetectorInstance, type FinishContext, type LoginReader, type OptionSpec, type OptionValues } from './detect/detector.js';
export { DETECTORS, detectorById } from './detect/registry.js';

// Formats: the built-in ones, and your own
export type { LogFormat, LineParser, FileContext, ParsedEvent } from './parse/format.js';
export type { SyslogProgram } from './parse/syslog-program.js';
export type { Line } from './ingest/line-splitter.js';
export { FORMATS, formatById, detectFormat } from './parse/registry.js';

// After a scan: read its outputs, explain one entity, judge the evidence
export { readManifest, readFindings, readAccountVerdicts, readIpVerdicts } from './report/scan-outputs.js';
export { explainEntity, formatExplanation, type Explanation } from './report/explain.js';
export { assessEvidence, type EvidenceAssessment } from './report/evidence-check.js';

// What `mxray` prints: the summary (text and JSON), rule docs, terminal-safe text, list files
export { formatTerminalSummary, escapeForTerminal, type SummaryVerdicts } from './report/terminal-summary.js';
export { summaryJson, type ScanSummaryJson } from './report/summary-json.js';
export { rulesMarkdown } from './report/rules-markdown.js';
export { readListFile } from './report/list-file.js';
