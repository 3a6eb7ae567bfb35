/**
 * The request line `METHOD TARGET PROTO` as web servers log it (access logs, nginx error logs,
 * Apache's invalid-URI errors, JSON `$request`): the client wrote all of it, so it is split, not
 * trusted. A bare or garbage request keeps its whole text as the path.
 */
export function splitRequest(request: string): { method?: string; path?: string } {
  if (request === '-' || request === '') return {};
  const sp1 = request.indexOf(' ');
  if (sp1 === -1) return { path: request };
  const method = request.slice(0, sp1);
  const sp2 = request.lastIndexOf(' ');
  const path = sp2 > sp1 && request.startsWith('HTTP/', sp2 + 1) ? request.slice(sp1 + 1, sp2) : request.slice(sp1 + 1);
  return /^[A-Z][A-Z_-]{0,19}$/.test(method) ? { method, path } : { path: request };
}
