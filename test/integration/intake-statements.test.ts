/**
 * How many SQL statements one registration over HTTP costs (issue 18: every statement is a socket
 * write and a round trip; the profile shows PostgreSQL writes as the largest share of the web
 * process's CPU). Counted at the driver: every query a pg client sends while an agent registers
 * new callers one after another. The outbox relay's statements are counted apart (per batch, not
 * per registration). A new statement on this path fails the test: raise the bar only on purpose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';

const env = useTestEnv();

/** The statements one registration may send on the request path (BEGIN … COMMIT included). */
const STATEMENTS_PER_REGISTRATION = 6;

const original = pg.Client.prototype.query;
afterEach(() => {
  pg.Client.prototype.query = original;
});

/** Every statement sent, grouped by client and transaction, so a relay's BEGIN/COMMIT count as the relay's. */
function countStatements() {
  const groups: string[][] = [];
  const open = new Map<pg.Client, string[]>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text: string };
    const text = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim();
    let g = open.get(this);
    if (!g) groups.push((g = []));
    g.push(text);
    if (/^begin/i.test(text)) open.set(this, g);
    if (/^(commit|rollback)/i.test(text)) open.delete(this);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return groups;
}

describe('statements per registration', () => {
  it(`a new caller's registration sends at most ${STATEMENTS_PER_REGISTRATION} statements on the request path`, async () => {
    const { user } = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, user.username);
    const register = (i: number) =>
      api.post('/api/tickets', {
        callerPhone: `1391234${String(1000 + i)}`,
        content: `第${i}号来电：小区门口路灯坏了一个月，晚上出行不便`,
        appealType: 'complaint',
        address: '广州市天河区林和街道体育东路100号',
      });
    expect((await register(0)).status).toBe(201); // warm: the day's sequence, the session cache

    const groups = countStatements();
    const N = 10;
    for (let i = 1; i <= N; i++) expect((await register(i)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 300)); // let the relay's kick finish
    pg.Client.prototype.query = original;

    const isRelay = (g: string[]) => g.some((s) => /\boutbox\b/.test(s) && !/^with t as/.test(s));
    const relay = groups.filter(isRelay).flat();
    // A lone COMMIT: the end of a relay transaction begun before counting started.
    const request = groups.filter((g) => !isRelay(g) && !(g.length === 1 && /^commit/i.test(g[0]))).flat();
    const perRegistration = request.length / N;
    const kinds = new Map<string, number>();
    for (const s of request) kinds.set(s.slice(0, 60), (kinds.get(s.slice(0, 60)) ?? 0) + 1);
    console.log(
      `statements per registration: ${perRegistration} on the request path; relay ${relay.length} for ${N}\n${[...kinds].map(([k, n]) => `  ${(n / N).toFixed(1)}  ${k}`).join('\n')}`,
    );
    expect(perRegistration).toBeLessThanOrEqual(STATEMENTS_PER_REGISTRATION);
  });
});
