/**
 * Secrets never leave the evidence. Dovecot with `auth_verbose_passwords` writes
 * `(given password: hunter2)` or `(SHA1 of given password: f638ff)`; any text we copy out of a
 * line (error samples, details) goes through here first.
 */

export const REDACTED = '[REDACTED]';
const PHRASE = 'given password:';

/**
 * Replaces everything from `given password:` to the line's last `)` (or its end). A password
 * may itself contain `)`, so the first one cannot be trusted as the end: we over-redact instead.
 */
export function redactSecrets(text: string): string {
  const lower = text.toLowerCase();
  let at = lower.indexOf(PHRASE);
  if (at === -1) return text;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const start = at + PHRASE.length;
    const close = text.lastIndexOf(')');
    const end = close >= start ? close : text.length;
    out += `${text.slice(from, start)} ${REDACTED}`;
    from = end;
    at = lower.indexOf(PHRASE, end);
  }
  return out + text.slice(from);
}
