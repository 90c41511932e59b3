/**
 * Check a request's write key against the accepted ones: Basic auth `writeKey:` (the password is
 * ignored, as RudderStack's gateway does), or `?writeKey=` on the beacon path (a beacon cannot send
 * headers). `'ok'`, or the reason for a 401. Every accepted key is compared in full, in time that
 * does not depend on where the keys differ.
 */
export function writeKeyOf(request: Request, url: URL, beacon: boolean, accepted: string[]): string {
  let key: string | undefined;
  if (beacon) key = url.searchParams.get('writeKey') ?? undefined;
  else {
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    try {
      key = basic ? atob(basic).split(':')[0] : undefined;
    } catch {
      key = undefined;
    }
  }
  if (!key) return beacon ? 'failed to read writekey from query params' : 'failed to read writekey from header';
  let match = false;
  for (const candidate of accepted) match = constantTimeEqual(key, candidate) || match;
  return match ? 'ok' : 'invalid write key';
}

/** `a === b`, in time that depends only on `b`'s length (the secret's), not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i) || 0) ^ b.charCodeAt(i);
  return diff === 0;
}
