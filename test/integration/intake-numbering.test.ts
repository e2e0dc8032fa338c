import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';
import { chinaDay } from '../../server/tickets/ticket-number';

const env = useTestEnv();

// The ticket number is taken inside the intake INSERT (issue 18); the day's sequence is created once per process.
describe('intake numbering', () => {
  it("numbers tickets of the day in order, and still registers after the day's sequence is gone (a restored database) without reusing a number", async () => {
    const { user } = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, user.username);
    const day = chinaDay(new Date());
    const register = (i: number) => api.post('/api/tickets', { callerPhone: `1381234${String(5600 + i)}`, content: `第${i}号来电：路灯坏了一个月没人修` });

    const first = await register(1);
    const second = await register(2);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.data.number.slice(0, 8)).toBe(day);
    expect(Number(second.body.data.number.slice(8))).toBe(Number(first.body.data.number.slice(8)) + 1);

    // The process believes the sequence exists; a database restored without it must not lose the appeal.
    await env.rt.db.execute(sql.raw(`drop sequence ticket_seq_${day}`));
    const third = await register(3);
    expect(third.status).toBe(201);
    expect(third.body.data.number).toBe(`${day}${String(Number(second.body.data.number.slice(8)) + 1).padStart(5, '0')}`);
    const stored = await env.rt.db.execute<{ n: number }>(sql`select count(*)::int as n from tickets`);
    expect(stored.rows[0].n).toBe(3);
  });
});
