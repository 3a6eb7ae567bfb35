/**
 * @mxray/core/internal — every building block, for mxray's own tests, benchmarks and tools.
 *
 * Not the public API: these names change without notice. Scripts use `@mxray/core`.
 */

// Model
export type { MailEvent, EventKind, EventSource, Phase, Protocol } from './event.js';
export { EVENT_KINDS } from './event.js';
export { MxrayError, InvalidOptionError, isUsageError, type MxrayErrorCode } from './errors.js';
export { TOOL_NAME, TOOL_VERSION } from './version.js';

// Scanning
export { scan, scanEvents, type ScanHooks, type ScanResult, type ScanProgress } from './scan/scan.js';
export {
  scanToDirectory,
  OUTPUT_NAMES,
  type ScanToDirectoryOptions,
  type ScanToDirectoryResult,
} from './scan/scan-to-directory.js';
export { resolveScanOptions, DEFAULT_TZ, DEFAULT_WORKERS, type ScanOptions, type ResolvedScanOptions } from './scan/options.js';
export type { FileReport, ParseErrorSample } from './ingest/file-report.js';
export { scanFileEvents } from './scan/scan-file.js';

// Ingest
export { discover, type DiscoveredFile, type SkippedEntry, type Discovery } from './ingest/discover.js';
export { EvidenceReader, type ReadResult } from './ingest/evidence-reader.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, type Line, type LineHandler } from './ingest/line-splitter.js';
export { sniffCompression, type Compression } from './ingest/sniff.js';
export { ZstdFrameWalker, ZstdFrameError, MAX_ZSTD_WINDOW, MAX_NATIVE_ZSTD_WINDOW } from './ingest/zstd-frames.js';
export { zstdDecoderKind, type ZstdDecoderKind } from './ingest/zstd-decoder.js';

// Parse
export type { LogFormat, LineParser, FileContext, ParsedEvent } from './parse/format.js';
export type { SyslogProgram } from './parse/syslog-program.js';
export { FORMATS, SYSLOG_PROGRAMS, formatById, detectFormat } from './parse/registry.js';
export { normalizeIp, normalizeAccount } from './parse/normalize.js';
export { redactSecrets, REDACTED } from './parse/redact.js';
export { readKeyValues } from './parse/key-values.js';

// Time
export { DEFAULT_SINCE, phaseOf, parseInstant, type TimeWindow } from './time/window.js';
export { ZoneClock } from './time/zone.js';
export { inferYear, chooseYearAnchor, rotationDateFromName, type YearAnchor, type YearRule } from './time/year-inference.js';
export { readBsdTimestamp, readRfc3339, readApacheTime } from './time/timestamps.js';

// Aggregate and report
export { ScanSummaryBuilder, type ScanSummary } from './aggregate/scan-summary.js';
export { buildManifest, reproducibleNow, type Manifest, type ManifestArgs, type DetectionSummary, type ManifestScan, type ManifestOptions, type ActivityStats } from './report/manifest.js';
export { eventToJson } from './report/json-order.js';
export { formatTerminalSummary, escapeForTerminal, bothZones, paintSeverity, type SummaryVerdicts } from './report/terminal-summary.js';
export { assessEvidence, type EvidenceAssessment } from './report/evidence-check.js';

// Detection
export type { Finding, Severity } from './finding.js';
export { SEVERITIES, severityRank, maxSeverity, isSeverity, compareFindings } from './finding.js';
export type { Detector, DetectorInstance, FinishContext, OptionSpec, OptionValues } from './detect/detector.js';
export { defineDetector } from './detect/detector.js';
export { DETECTORS, detectorById } from './detect/registry.js';
export { DetectionEngine, type DetectionEngineOptions, type DetectionResult } from './detect/engine.js';
export {
  createDetectionContext,
  DEFAULT_CGI_PATTERNS,
  DEFAULT_LOGIN_PATTERNS,
  type DetectionContext,
  type DetectionContextOptions,
} from './detect/context.js';
export { NetList, parseCidr, networkOf } from './enrich/nets.js';
export { requestFeatures, type RequestFeatures } from './detect/request-features.js';
export { createDetection, type Detection, type DetectionSettings } from './scan/detection.js';
export { SpillArea, AccountRecords, PARTITIONS, DEFAULT_SPILL_MEMORY, type SpillOptions, type RecordPartition } from './aggregate/account-spill.js';
export { LoginLedger, type Login, type TieConfidence, type LedgerOptions } from './aggregate/login-ledger.js';
export { AccountActivity, type ActivityCounts } from './aggregate/account-activity.js';
export {
  reachVerdicts,
  ACCOUNT_VERDICTS,
  IP_VERDICTS,
  type AccountVerdict,
  type IpVerdict,
  type AccountVerdictKind,
  type IpVerdictKind,
  type EvidenceLink,
  type EvidenceRole,
} from './verdict/verdicts.js';
export { SourceFanout } from './aggregate/source-fanout.js';
export { findingToJson, accountToJson, ipToJson, writeFindingFiles } from './report/findings-files.js';
export { readListFile } from './report/list-file.js';
export { loadGeo, type GeoLookup, type GeoInfo, type GeoOptions } from './enrich/geo.js';
export { isSpecialPurpose } from './enrich/special-ranges.js';
export { rulesMarkdown } from './report/rules-markdown.js';

// Reports: HTML, timelines, drill-down
export { EventVolume, type VolumeBucket } from './aggregate/event-volume.js';
export { ActivitySpool, readActivity, selectActivity, ACTIVITY_KINDS, DEFAULT_ACTIVITY_CAP } from './report/activity.js';
export { OrderedPartsWriter, type LineFilter } from './report/ordered-parts.js';
export {
  renderHtmlReport,
  drillDownEntities,
  DEFAULT_REPORT_LIMITS,
  SEVERITY_COLORS,
  type HtmlReportInput,
  type ReportLimits,
} from './report/html/report.js';
export { escapeHtml } from './report/html/escape.js';
export { timeBuckets, type TimeBucket } from './report/html/charts.js';
export {
  describeEvent,
  eventEntry,
  findingEntry,
  compareEntries,
  TIMESTAMP_DESC,
  type TimelineEntry,
} from './report/timeline.js';
export {
  writeTimeline,
  timelineCsv,
  timelineJsonl,
  timelineRow,
  timelineFormatOf,
  neutralizeFormula,
  TIMELINE_COLUMNS,
  type TimelineFormat,
  type TimelineRow,
} from './report/timeline-export.js';
export { explainEntity, formatExplanation, type Explanation } from './report/explain.js';
export { readManifest, readFindings, readAccountVerdicts, readIpVerdicts, readJsonl } from './report/scan-outputs.js';
export { summaryJson, severityTable, type ScanSummaryJson, type SeverityCounts } from './report/summary-json.js';
export { readConfigFile, CONFIG_SCHEMA, type ConfigFile } from './scan/config-file.js';
export { investigate, type Investigation, type InvestigationItem, type InvestigateOptions } from './scan/investigate.js';
