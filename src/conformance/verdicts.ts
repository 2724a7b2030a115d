/**
 * The two judgements most scenarios end with: "signed in and landed on the vendor's origin" and
 * "refused: no session, a clear answer (no 500), within the bound". Rules: VERCEL-SSO.md §1.3-1.4
 * (a failed exchange or token is a failed login), OWASP ASVS 5.0 V16.5.3 (fail securely, no
 * unhandled error) and V3.7.2 (no open redirect off an allow-list).
 *
 * @module
 */
import type { Visit } from './browser';
import type { ConformanceKit } from './kit';
import type { Browser } from './browser';
import type { ScenarioOutcome } from './types';

/** A visit in one short line: `302 → /dashboard 200`, never a query value. */
export function describeVisit(kit: ConformanceKit, visit: Visit): string {
  if (visit.hops.length === 0) {
    return visit.timedOut
      ? `no answer within ${kit.answerBoundMs} ms`
      : `no answer (${visit.networkError ?? 'unknown error'})`;
  }
  const parts = visit.hops.map((hop, i) =>
    i === 0 ? String(hop.status) : `${pathOnly(kit, hop.url)} ${hop.status}`,
  );
  let text = parts.join(' → ');
  if (visit.leftTo) text += ` → ${originOnly(visit.leftTo)} (not followed)`;
  if (visit.timedOut) text += ` → no answer within ${kit.answerBoundMs} ms`;
  return text;
}

function pathOnly(kit: ConformanceKit, url: string): string {
  const u = new URL(url);
  return u.origin === kit.vendorOrigin ? u.pathname : `${u.origin}${u.pathname}`;
}

/** The scheme and host of a URL (what matters for an open redirect), without path or query. */
export function originOnly(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : `${u.protocol} URL`;
  } catch {
    return 'an unparsable URL';
  }
}

/** The failure common to every visit: no answer in time, a broken connection, or a 500. */
export function answerProblem(kit: ConformanceKit, visit: Visit): ScenarioOutcome | undefined {
  if (visit.timedOut) {
    return {
      verdict: 'FAIL',
      seen:
        visit.hops.length === 0
          ? `no answer within ${kit.answerBoundMs} ms`
          : `no answer within ${kit.answerBoundMs} ms (${describeVisit(kit, visit)})`,
    };
  }
  if (visit.networkError)
    return { verdict: 'FAIL', seen: `connection failed: ${visit.networkError}` };
  const crashed = visit.hops.find((hop) => hop.status === 500);
  if (crashed)
    return {
      verdict: 'FAIL',
      seen: `answered 500, an unhandled error (${describeVisit(kit, visit)})`,
    };
  return undefined;
}

/** Expect a refused login: no session, not a 500, an answer within the bound. */
export async function expectRefused(
  kit: ConformanceKit,
  browser: Browser,
  visit: Visit,
): Promise<ScenarioOutcome> {
  const problem = answerProblem(kit, visit);
  if (problem) return problem;
  const session = await kit.session(browser, visit);
  const line = `${describeVisit(kit, visit)}; ${session.detail}`;
  if (session.signedIn === true) return { verdict: 'FAIL', seen: `a session was created: ${line}` };
  if (session.signedIn === undefined) return { verdict: 'WARN', seen: `cannot tell: ${line}` };
  return { verdict: 'PASS', seen: `refused: ${line}` };
}

/** Expect a signed-in browser that landed on the vendor's origin (or an allow-listed one). */
export async function expectLanded(
  kit: ConformanceKit,
  browser: Browser,
  visit: Visit,
): Promise<ScenarioOutcome & { where: string }> {
  const problem = answerProblem(kit, visit);
  if (problem) return { ...problem, where: '' };
  const last = visit.hops.at(-1)!;
  if (last.status >= 500)
    return {
      verdict: 'FAIL',
      seen: `landing page answered ${last.status} (${describeVisit(kit, visit)})`,
      where: '',
    };
  if (visit.leftTo && !kit.isAllowedLanding(visit.leftTo)) {
    return {
      verdict: 'FAIL',
      seen: `landed off the vendor's origin on ${originOnly(visit.leftTo)}`,
      where: originOnly(visit.leftTo),
    };
  }
  const session = await kit.session(browser, visit);
  const where = visit.leftTo
    ? `${originOnly(visit.leftTo)} (allow-listed)`
    : `${kit.display(last.url)} ${last.status}`;
  if (session.signedIn === false)
    return {
      verdict: 'FAIL',
      seen: `not signed in: ${describeVisit(kit, visit)}; ${session.detail}`,
      where,
    };
  if (session.signedIn === undefined)
    return {
      verdict: 'WARN',
      seen: `cannot tell: ${describeVisit(kit, visit)}; ${session.detail}`,
      where,
    };
  return { verdict: 'PASS', seen: `signed in, landed on ${where}`, where };
}
