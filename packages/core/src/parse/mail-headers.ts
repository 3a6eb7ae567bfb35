/**
 * Header dumps of stored mail: `.eml` files, header-only text, or mbox files of either.
 * mailparser parses addresses and header values; this file is the only one that touches it.
 *
 * mailparser's forensic traps, handled here: an unparseable `Date:` silently becomes "now", and a
 * repeated single header (`From`, `Date`) keeps only the last. So time comes from the raw header
 * lines (falling back to the newest `Received:` stamp), and duplicates are reported in `detail`.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Line } from '../ingest/line-splitter.js';
import type { FileContext, LineParser, LogFormat, ParsedEvent } from './format.js';
import { normalizeAccount, normalizeIp } from './normalize.js';

const HEADER_START = /^(?:Received|Return-Path|Delivered-To|X-Originating-IP|Message-ID|From|To|Date|Subject|DKIM-Signature|Authentication-Results|MIME-Version|X-[A-Za-z0-9-]{1,60}|Content-Type|ARC-[A-Za-z-]{1,30}):/i;
const SINGLE_HEADERS = ['from', 'date', 'subject', 'message-id', 'to', 'sender'];
/** A header block is small; a larger one is junk or an attack and is parsed only this far. */
const MAX_BLOCK_BYTES = 1024 * 1024;

interface Block {
  lines: string[];
  bytes: number;
  first: Line;
}

export const mailHeaders: LogFormat = {
  id: 'mail-headers',
  title: 'mail header dumps (.eml, header-only text, mbox)',
  sniff(text: string): boolean {
    return HEADER_START.test(text) || /^From \S+ /.test(text);
  },
  createParser(ctx: FileContext): LineParser {
    let block: Block | undefined;
    let inBody = false;
    let previousBlank = true;
    const ready: Block[] = [];

    const finish = (): void => {
      if (block) ready.push(block);
      block = undefined;
    };

    return {
      line(text, line) {
        const blank = text.length === 0;
        if (text.startsWith('From ') && (previousBlank || inBody)) {
          // mbox separator (mbox escapes body lines as `>From `): a new message starts next line.
          finish();
          inBody = false;
          previousBlank = false;
          ctx.ignore(line);
          return;
        }
        if (inBody) {
          // A header-only dump separates messages by a blank line and a fresh header.
          if (previousBlank && HEADER_START.test(text)) inBody = false;
          else {
            previousBlank = blank;
            ctx.ignore(line);
            return;
          }
        }
        previousBlank = blank;
        if (blank) {
          if (block) {
            finish();
            inBody = true;
          }
          ctx.ignore(line);
          return;
        }
        if (!block) {
          if (!HEADER_START.test(text) && !/^[\x21-\x39\x3b-\x7e]{1,76}:/.test(text)) {
            ctx.parseError(line, 'not a header field');
            return;
          }
          block = { lines: [], bytes: 0, first: { ...line, bytes: Buffer.alloc(0) } };
        }
        if (block.bytes < MAX_BLOCK_BYTES) {
          block.lines.push(text);
          block.bytes += text.length + 2;
        }
        ctx.ignore(line);
      },
      async drain() {
        for (const b of ready.splice(0)) await parseBlock(ctx, b);
      },
      async end() {
        finish();
        for (const b of ready.splice(0)) await parseBlock(ctx, b);
      },
    };
  },
};

async function parseBlock(ctx: FileContext, block: Block): Promise<void> {
  const raw = `${block.lines.join('\r\n')}\r\n\r\n`;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (error) {
    ctx.parseError(block.first, `mailparser: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  // Raw header lines: unfolded `Key: value` as written, duplicates kept.
  const rawHeaders = parsed.headerLines.map((h) => ({ key: h.key, value: unfold(h.line.slice(h.line.indexOf(':') + 1)) }));
  const values = (key: string): string[] => rawHeaders.filter((h) => h.key === key).map((h) => h.value);

  const received = values('received');
  const notes: string[] = [];
  let ts = NaN;
  const dates = values('date');
  if (dates[0] !== undefined) {
    ts = Date.parse(dates[0].replace(/\([^)]*\)/g, '').trim());
    if (Number.isNaN(ts)) notes.push('unparseable Date');
  }
  if (Number.isNaN(ts)) {
    for (const r of received) {
      const semi = r.lastIndexOf(';');
      const t = semi === -1 ? NaN : Date.parse(r.slice(semi + 1).replace(/\([^)]*\)/g, '').trim());
      if (!Number.isNaN(t)) {
        ts = t;
        notes.push('time from Received');
        break;
      }
    }
  }
  if (Number.isNaN(ts)) {
    ctx.parseError(block.first, 'no parseable Date or Received time');
    return;
  }
  const duplicates = SINGLE_HEADERS.filter((k) => values(k).length > 1);
  if (duplicates.length > 0) notes.push(`duplicate ${duplicates.join(',')}`);

  const receivedIps: string[] = [];
  for (const r of received) {
    const ip = receivedFromIp(r);
    if (ip) receivedIps.push(ip);
  }
  const originating = values('x-originating-ip')[0];
  const ip = normalizeIp(originating?.includes('[') ? originating : originating?.trim());
  const from = firstAddress(parsed.from);
  const to = addresses(parsed.to);
  const account = normalizeAccount(values('delivered-to')[0]);
  const auth = values('authentication-results')[0];

  const event: ParsedEvent = { ts, app: 'headers', kind: 'header', protocol: 'mail' };
  if (account) event.account = account;
  if (ip) event.ip = ip;
  if (from) event.from = from;
  if (to.length) event.to = to;
  if (parsed.messageId) event.messageId = parsed.messageId;
  if (receivedIps.length) event.receivedIps = receivedIps;
  if (auth) event.authResults = auth;
  if (notes.length) event.detail = notes.join('; ');
  ctx.emit(event, block.first);
}

function unfold(v: string): string {
  return v.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** The connecting address of `Received: from name (rdns [ip]) by ...`: the bracketed IP before `by`. */
function receivedFromIp(value: string): string | undefined {
  if (!/^from\s/i.test(value)) return undefined;
  const by = value.search(/\sby\s/i);
  const head = by === -1 ? value : value.slice(0, by);
  const open = head.lastIndexOf('[');
  if (open === -1) return undefined;
  return normalizeIp(head.slice(open));
}

function addresses(obj: AddressObject | AddressObject[] | undefined): string[] {
  if (!obj) return [];
  const list = Array.isArray(obj) ? obj : [obj];
  const out: string[] = [];
  for (const o of list) {
    for (const a of o.value) {
      const n = normalizeAccount(a.address);
      if (n) out.push(n);
    }
  }
  return out;
}

function firstAddress(obj: AddressObject | AddressObject[] | undefined): string | undefined {
  return addresses(obj)[0];
}
