/**
 * Every format and syslog program mxray reads. A new one is a file plus a line here.
 * Order matters for detection ties: the more specific format comes first.
 */
import type { LogFormat } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import { createSyslogFormat } from './syslog.js';
import { postfix } from './postfix.js';
import { dovecot } from './dovecot.js';
import { sendmail } from './sendmail.js';
import { courier } from './courier.js';
import { eximMainlog, eximSyslog } from './exim.js';
import { roundcubeLog, roundcubeSyslog } from './roundcube.js';
import { webErrorLog } from './web-error-log.js';
import { kernelCrash } from './kernel-crash.js';
import { w3cLog } from './w3c-log.js';
import { jsonAccessLog } from './json-access-log.js';
import { accessLog } from './access-log.js';
import { mailHeaders } from './mail-headers.js';

export const SYSLOG_PROGRAMS: readonly SyslogProgram[] = [postfix, dovecot, sendmail, courier, eximSyslog, roundcubeSyslog, kernelCrash];

export const FORMATS: readonly LogFormat[] = [eximMainlog, roundcubeLog, createSyslogFormat(SYSLOG_PROGRAMS), accessLog, jsonAccessLog, w3cLog, webErrorLog, mailHeaders];

export function formatById(id: string): LogFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

/** How many non-empty lines from a file's start are sampled to choose its format. */
export const SNIFF_LINES = 20;

/**
 * The format most sampled lines look like; undefined when none matches any. A file of junk with a
 * log-like name gets no format rather than a wrong one.
 */
export function detectFormat(sample: readonly string[], formats: readonly LogFormat[] = FORMATS): LogFormat | undefined {
  let best: LogFormat | undefined;
  let bestScore = 0;
  for (const f of formats) {
    let score = 0;
    for (const text of sample) if (f.sniff(text)) score++;
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  // At least a third of the sample must agree, so one stray log-like line does not decide.
  return bestScore * 3 >= sample.length ? best : undefined;
}
