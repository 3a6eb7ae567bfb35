/**
 * Reads the `key=value, key=<value>, FLAG` tails that Postfix and Dovecot write. Versions change
 * the leading phrase but keep the tail, so parsers read the tail.
 *
 * Attacker-controlled text sits inside these tails. By default (Dovecot) values in `<...>` run to
 * a `>` followed by `,` or the end, and a key seen twice keeps its LAST value: the daemon writes
 * the real `rip=` after the user name, so a user name carrying `>, rip=6.6.6.6` cannot spoof it;
 * `user` keeps its first value, since it is written first. Dovecot does not quote user names, so
 * quotes mean nothing there (tracking them would let one `"` swallow the real `rip=`).
 *
 * Postfix (`POSTFIX_FIELDS`) writes its fixed fields once, in order, then free text that the
 * remote side partly wrote (`status=bounced (host said: ..., status=sent ...)`): there the FIRST
 * value wins, reading stops at the free text after `status=`, and an address's quoted local part
 * (`<"a>, status=sent"@x>`, which Postfix itself quotes) is read whole.
 * One left-to-right pass, no backtracking.
 */

export interface KeyValueRules {
  /** Keys whose first value wins; the rest keep their last. `'all'`: every key. */
  firstWins: ReadonlySet<string> | 'all';
  /** After one of these keys, its value ends at ` (` and reading stops: what follows is free text. */
  stopAfter: ReadonlySet<string>;
  /** Track `"..."` inside `<...>` values (Postfix quotes odd local parts; Dovecot quotes nothing). */
  quotedAddresses: boolean;
}

export const DOVECOT_FIELDS: KeyValueRules = { firstWins: new Set(['user']), stopAfter: new Set(), quotedAddresses: false };
export const POSTFIX_FIELDS: KeyValueRules = { firstWins: 'all', stopAfter: new Set(['status']), quotedAddresses: true };

/**
 * A tail's fields as two short parallel lists, searched from the front: a tail has a handful of
 * keys, read a few times each, and a Map per line hashed every key it was given (a tenth of the
 * Dovecot parser's time). Past `LIST_KEYS` keys (a line an attacker padded with `a,b,c,…` up to
 * the line cap) the fields move to a Map, so a tail stays linear in its length.
 */
export class KeyValues {
  private readonly keys: string[] = [];
  private readonly values: string[] = [];
  private map: Map<string, string> | undefined;

  get(key: string): string | undefined {
    if (this.map) return this.map.get(key);
    const i = this.keys.indexOf(key);
    return i === -1 ? undefined : this.values[i];
  }

  has(key: string): boolean {
    return this.map ? this.map.has(key) : this.keys.includes(key);
  }

  /** Sets `key`; a key seen before keeps its first value where the rules say so. */
  put(key: string, value: string, rules: KeyValueRules): void {
    if (this.map) {
      if (!this.map.has(key) || !keepsFirst(rules, key)) this.map.set(key, value);
      return;
    }
    const i = this.keys.indexOf(key);
    if (i !== -1) {
      if (!keepsFirst(rules, key)) this.values[i] = value;
      return;
    }
    this.keys.push(key);
    this.values.push(value);
    if (this.keys.length > LIST_KEYS) this.map = new Map(this.keys.map((k, j) => [k, this.values[j]!]));
  }
}

function keepsFirst(rules: KeyValueRules, key: string): boolean {
  return rules.firstWins === 'all' || rules.firstWins.has(key);
}

/** Keys a tail keeps in lists before it moves them to a Map (real tails have about ten). */
const LIST_KEYS = 32;

export function readKeyValues(tail: string, rules: KeyValueRules = DOVECOT_FIELDS): KeyValues {
  const out = new KeyValues();
  let i = 0;
  const n = tail.length;
  while (i < n) {
    while (i < n && (tail.charCodeAt(i) === 32 || tail.charCodeAt(i) === 44)) i++;
    const keyStart = i;
    while (i < n) {
      const c = tail.charCodeAt(i);
      if (c === 61 || c === 44 || c === 32) break;
      i++;
    }
    const key = tail.slice(keyStart, i);
    if (i >= n || tail.charCodeAt(i) !== 61) {
      if (key) out.put(key, '', rules);
      continue;
    }
    i++; // '='
    let value: string;
    if (tail.charCodeAt(i) === 60) {
      const start = i + 1;
      const end = rules.quotedAddresses ? quotedAddressEnd(tail, start) : addressEnd(tail, start);
      value = tail.slice(start, end);
      i = end + 1;
    } else if (rules.stopAfter.has(key)) {
      // `status=bounced (host ... said: ...)`: the word is ours, the parenthesis the remote's.
      const paren = tail.indexOf(' (', i);
      const comma = tail.indexOf(',', i);
      const end = paren === -1 ? (comma === -1 ? n : comma) : comma === -1 ? paren : Math.min(paren, comma);
      if (key) out.put(key, tail.slice(i, end).trimEnd(), rules);
      return out;
    } else {
      const start = i;
      while (i < n && tail.charCodeAt(i) !== 44) i++;
      value = tail.slice(start, i).trimEnd();
    }
    if (key) out.put(key, value, rules);
  }
  return out;
}

/** Where a `<...>` value ends: at a `>` followed by `,` or the end of the tail. */
function addressEnd(tail: string, start: number): number {
  const n = tail.length;
  let end = tail.indexOf('>', start);
  while (end !== -1 && end + 1 < n && tail.charCodeAt(end + 1) !== 44) end = tail.indexOf('>', end + 1);
  return end === -1 ? n : end;
}

/** As `addressEnd`, skipping `>` inside a quoted local part (`"..."`, with `\` escapes). */
function quotedAddressEnd(tail: string, start: number): number {
  const n = tail.length;
  let quoted = false;
  for (let i = start; i < n; i++) {
    const c = tail.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 62 /* > */ && (i + 1 === n || tail.charCodeAt(i + 1) === 44)) return i;
  }
  // An unbalanced quote: fall back to the unquoted reading rather than swallow the line.
  return addressEnd(tail, start);
}
