/**
 * How many SQL statements one registration over HTTP costs (issue 18: every statement is a socket
 * write and a round trip; the profile shows PostgreSQL writes as the largest share of the web
 * process's CPU). Counted at the driver: every query a pg client sends while an agent registers
 * new callers one after another. The outbox relay's statements are counted apart (per batch, not
 * per registration). A new statement on this path fails the test: raise the bar only on purpose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { countStatements, stopCountingStatements } from '../helpers/statements';

const env = useTestEnv();

/** The statements one registration may send on the request path (BEGIN … COMMIT included). */
const STATEMENTS_PER_REGISTRATION = 6;

afterEach(() => {
  stopCountingStatements();
});

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
    stopCountingStatements();

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
