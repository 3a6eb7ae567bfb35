/**
 * Syslog files (`maillog`, `mail.log`): one envelope, many programs. A mixed file of Postfix and
 * Dovecot lines is normal, so each line goes to the program parser its tag names.
 */
import type { FileContext, LineParser, LogFormat } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import { readEnvelope, type EnvelopeClock } from './syslog-envelope.js';
import { inferYear } from '../time/year-inference.js';
import { readBsdTimestamp, readRfc3339 } from '../time/timestamps.js';

export function createSyslogFormat(programs: readonly SyslogProgram[]): LogFormat {
  return {
    id: 'syslog',
    title: 'syslog (BSD, RFC 3339 or RFC 5424) with Postfix and Dovecot messages',
    sniff(text: string): boolean {
      let i = 0;
      if (text.charCodeAt(0) === 60) {
        const close = text.indexOf('>');
        if (close < 1 || close > 4) return false;
        i = close + 1;
        if (text.startsWith('1 ', i)) i += 2;
      }
      const stamp = readRfc3339(text, i)?.end ?? readBsdTimestamp(text, i)?.end;
      if (stamp === undefined || text.charCodeAt(stamp) !== 32) return false;
      // host, then a program tag ending in `:` (rules out Exim's `date time id <= ...`)
      const host = text.indexOf(' ', stamp + 1);
      if (host === -1) return false;
      const next = text.indexOf(' ', host + 1);
      const tag = next === -1 ? text.slice(host + 1) : text.slice(host + 1, next);
      return tag.endsWith(':') || /^\S+ \S+ \S+ [-\[]/.test(text.slice(host + 1, host + 200));
    },
    createParser(ctx: FileContext): LineParser {
      const handlers = programs.map((p) => ({ program: p, handle: p.create(ctx) }));
      let anchor: number | undefined;
      const time: EnvelopeClock = {
        clock: ctx.clock,
        year(month, day) {
          anchor ??= ctx.yearAnchor().at;
          return inferYear(anchor, month, day);
        },
      };
      // Tag → handler, cached: one archive has only a handful of distinct program tags.
      const byTag = new Map<string, ((typeof handlers)[number]['handle']) | null>();
      return {
        line(text, line) {
          if (text.length === 0) {
            ctx.ignore(line);
            return;
          }
          const env = readEnvelope(text, time);
          if (!env) {
            ctx.parseError(line, 'not a syslog line');
            return;
          }
          let handle = byTag.get(env.program);
          if (handle === undefined) {
            handle = handlers.find((h) => h.program.matches(env.program))?.handle ?? null;
            if (byTag.size < 10_000) byTag.set(env.program, handle);
          }
          if (handle) handle(env, line);
          else ctx.ignore(line);
        },
      };
    },
  };
}
