/**
 * @mxray/core/internal — every building block, for mxray's own tests, benchmarks and tools.
 *
 * Not the public API: these names change without notice. Scripts use `@mxray/core`, which this
 * re-exports whole.
 */
export * from './index.js';

// Scanning
export { OUTPUT_NAMES } from './scan/scan-to-directory.js';
export { resolveScanOptions, type ResolvedScanOptions } from './scan/options.js';
export type { ParseErrorSample } from './ingest/file-report.js';
export { scanFileEvents } from './scan/scan-file.js';

// Ingest
export { discover, type DiscoveredFile, type SkippedEntry, type Discovery } from './ingest/discover.js';
export { EvidenceReader, type ReadResult } from './ingest/evidence-reader.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, type LineHandler } from './ingest/line-splitter.js';
export { sniffCompression, type Compression } from './ingest/sniff.js';
export { ZstdFrameWalker, ZstdFrameError, MAX_ZSTD_WINDOW, MAX_NATIVE_ZSTD_WINDOW } from './ingest/zstd-frames.js';
export { zstdDecoderKind, type ZstdDecoderKind } from './ingest/zstd-decoder.js';

// Parse
export { SYSLOG_PROGRAMS } from './parse/registry.js';
export { normalizeIp, normalizeAccount } from './parse/normalize.js';
export { redactSecrets, REDACTED } from './parse/redact.js';
export { readKeyValues } from './parse/key-values.js';

// Time
export { phaseOf, parseInstant, type TimeWindow } from './time/window.js';
export { ZoneClock } from './time/zone.js';
export {
  inferYear,
  chooseYearAnchor,
  rotationDateFromName,
  type YearAnchor,
  type YearRule,
} from './time/year-inference.js';
export { readBsdTimestamp, readRfc3339, readApacheTime } from './time/timestamps.js';

// Aggregate and report
export { ScanSummaryBuilder, type ScanSummary } from './aggregate/scan-summary.js';
export {
  buildManifest,
  reproducibleNow,
  type ManifestArgs,
  type DetectionSummary,
  type ManifestScan,
  type ManifestOptions,
  type ActivityStats,
} from './report/manifest.js';
export { eventToJson } from './report/json-order.js';
export { bothZones, paintSeverity } from './report/terminal-summary.js';

// Detection
export { maxSeverity, isSeverity } from './finding.js';
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
export { createDetection, type Detection } from './scan/detection.js';
export {
  SpillArea,
  AccountRecords,
  PARTITIONS,
  DEFAULT_SPILL_MEMORY,
  type SpillOptions,
  type RecordPartition,
} from './aggregate/account-spill.js';
export { LoginLedger, type Login, type TieConfidence, type LedgerOptions } from './aggregate/login-ledger.js';
export { AccountActivity, type ActivityCounts } from './aggregate/account-activity.js';
export { reachVerdicts } from './verdict/verdicts.js';
export { SourceFanout } from './aggregate/source-fanout.js';
export { findingToJson, accountToJson, ipToJson, writeFindingFiles } from './report/findings-files.js';
export { loadGeo, type GeoLookup, type GeoInfo, type GeoOptions } from './enrich/geo.js';
export { isSpecialPurpose } from './enrich/special-ranges.js';

// Reports: HTML, timelines, drill-down
export { EventVolume, type VolumeBucket } from './aggregate/event-volume.js';
export {
  ActivitySpool,
  readActivity,
  selectActivity,
  ACTIVITY_KINDS,
  DEFAULT_ACTIVITY_CAP,
} from './report/activity.js';
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
export { readJsonl } from './report/scan-outputs.js';
export { severityTable, type SeverityCounts } from './report/summary-json.js';
export { scanBatches, type BatchHooks, type BatchSource } from './scan/scan.js';
export { EventBatch, compactJson, eventsFromCompact, type CompactBatch, type StoredMember } from './report/event-batch.js';
export { compressMember, memberCodec, type MemberCodec } from './report/member-codec.js';
export { Identities } from './aggregate/identities.js';
export { shapeEvent } from './parse/event-shape.js';
export { Warehouse, LOAD_COLUMNS, type Shard } from './warehouse/connection.js';
export { warehouseSource } from './warehouse/detect.js';
export { RecordWriter, eventOfRow, RECORD_COLUMNS, EVENT_COLUMNS } from './warehouse/records.js';
