/**
 * Line writers in the shapes real hosts write (see test/fixtures/lines.ts for the reference
 * shapes). Shared by the samples and the benchmark archive generator.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Wall-clock parts of a UTC instant seen in a fixed offset zone (Asia/Tokyo is +9, no DST). */
export function wall(ms, offsetHours = 9) {
  const d = new Date(ms + offsetHours * 3600_000);
  return {
    y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(),
    h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds(),
  };
}

export function bsdStamp(ms) {
  const w = wall(ms);
  return `${MONTHS[w.mo]} ${String(w.d).padStart(2, ' ')} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
}

export function rfc3339Stamp(ms) {
  const w = wall(ms);
  return `${w.y}-${pad(w.mo + 1)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}.${pad(w.ms, 3)}000+09:00`;
}

export function apacheStamp(ms) {
  const w = wall(ms);
  return `${pad(w.d)}/${MONTHS[w.mo]}/${w.y}:${pad(w.h)}:${pad(w.mi)}:${pad(w.s)} +0900`;
}

export const QUEUE_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz';
export const SESSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export const postfix = {
  connect: (pid, ip) => `postfix/smtpd[${pid}]: connect from unknown[${ip}]`,
  saslFail: (pid, ip) => `postfix/smtpd[${pid}]: warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`,
  client: (pid, qid, ip, user) => `postfix/submission/smtpd[${pid}]: ${qid}: client=unknown[${ip}], sasl_method=LOGIN, sasl_username=${user}`,
  messageId: (pid, qid, id) => `postfix/cleanup[${pid}]: ${qid}: message-id=<${id}>`,
  from: (qid, from, size) => `postfix/qmgr[1201]: ${qid}: from=<${from}>, size=${size}, nrcpt=1 (queue active)`,
  to: (pid, qid, to, relay, relayIp) =>
    `postfix/smtp[${pid}]: ${qid}: to=<${to}>, relay=${relay}[${relayIp}]:25, delay=1.2, delays=0.1/0/0.6/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F1E2)`,
  removed: (qid) => `postfix/qmgr[1201]: ${qid}: removed`,
  disconnect: (pid, ip, auth) => `postfix/smtpd[${pid}]: disconnect from unknown[${ip}] ehlo=1 auth=${auth} mail=1 rcpt=1 data=1 quit=1 commands=6`,
};

export const dovecot = {
  login: (proto, user, ip, lip, mpid, session, tls = 'TLS') =>
    `dovecot: ${proto}-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=${lip}, mpid=${mpid}, ${tls}, session=<${session}>`,
  failed: (proto, user, ip, lip, session, attempts = 1) =>
    `dovecot: ${proto}-login: Disconnected (auth failed, ${attempts} attempts in ${2 + attempts} secs): user=<${user}>, method=PLAIN, rip=${ip}, lip=${lip}, TLS, session=<${session}>`,
  imapLogout: (user, mpid, session, inBytes, outBytes) =>
    `dovecot: imap(${user})<${mpid}><${session}>: Disconnected: Logged out in=${inBytes} out=${outBytes} deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0`,
  pop3Logout: (user, mpid, session, count, bytes) =>
    `dovecot: pop3(${user})<${mpid}><${session}>: Disconnected: Logged out top=0/0, retr=${count}/${bytes}, del=0/${count}, size=${bytes}`,
};

export function accessLine({ ip, ms, method, path, status, bytes, referer = '-', ua, io }) {
  const base = `${ip} - - [${apacheStamp(ms)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${referer}" "${ua}"`;
  return io ? `${base} ${io[0]} ${io[1]}` : base;
}
