/**
 * Syslog files (`maillog`, `mail.log`): one envelope, many programs. A mixed file of Postfix and
 * Dovecot lines is normal, so each line goes to the program parser its tag names.
 */
import type { FileContext, LineParser, LogFormat } from './format.js';
import type { SyslogProgram } from './syslog-program.js';
import { readEnvelope, type EnvelopeClock } from './syslog-envelope.js';
import { yearInferrer } from '../time/year-inference.js';
import { ZoneClock } from '../time/zone.js';

/** Sniffing asks only whether an envelope reads; the year and zone do not matter to that. */
const SNIFF_TIME: EnvelopeClock = { clock: new ZoneClock('UTC'), year: () => 2000 };

export function createSyslogFormat(programs: readonly SyslogProgram[]): LogFormat {
  return {
    id: 'syslog',
    title: 'syslog (BSD, RFC 3339, RFC 5424, multilog TAI64N, or a program\'s own file) with Postfix, Dovecot, Sendmail, Courier and Exim messages',
    sniff(text: string): boolean {
      // The same reader as the parser: a line is syslog when its envelope reads.
      return readEnvelope(text, SNIFF_TIME) !== undefined;
    },
    createParser(ctx: FileContext): LineParser {
      const handlers = programs.map((p) => ({ program: p, handle: p.create(ctx) }));
      let yearOf: ((month: number, day: number) => number) | undefined;
      const time: EnvelopeClock = {
        clock: ctx.clock,
        year(month, day) {
          yearOf ??= yearInferrer(ctx.yearAnchor().at);
          return yearOf(month, day);
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
