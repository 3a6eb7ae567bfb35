/**
 * Reads the `key=value, key=<value>, FLAG` tails that Postfix and Dovecot write. Versions change
 * the leading phrase but keep the tail, so parsers read the tail.
 *
 * Attacker-controlled text (user names) sits inside these tails. Values in `<...>` run to a `>`
 * followed by `,` or the end, and a key seen twice keeps its LAST value: the daemon writes the
 * real `rip=` after the user name, so a user name carrying `>, rip=6.6.6.6` cannot spoof it.
 * `user` is the exception and keeps its first value, since it is written first.
 * One left-to-right pass, no backtracking.
 */

const FIRST_WINS = new Set(['user']);

export function readKeyValues(tail: string): Map<string, string> {
  const out = new Map<string, string>();
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
      if (key) setValue(out, key, '');
      continue;
    }
    i++; // '='
    let value: string;
    if (tail.charCodeAt(i) === 60) {
      const start = i + 1;
      let end = tail.indexOf('>', start);
      while (end !== -1 && end + 1 < n && tail.charCodeAt(end + 1) !== 44) end = tail.indexOf('>', end + 1);
      if (end === -1) end = n;
      value = tail.slice(start, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < n && tail.charCodeAt(i) !== 44) i++;
      value = tail.slice(start, i).trimEnd();
    }
    if (key) setValue(out, key, value);
  }
  return out;
}

function setValue(map: Map<string, string>, key: string, value: string): void {
  if (FIRST_WINS.has(key) && map.has(key)) return;
  map.set(key, value);
}
