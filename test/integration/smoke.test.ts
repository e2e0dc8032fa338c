import { describe, expect, it } from 'vitest';
import { useTestEnv, makeUser } from '../helpers/env';
import { ApiClient } from '../helpers/http';

const env = useTestEnv();

describe('smoke', () => {
  it('answers healthz and registers a ticket', async () => {
    const h = await fetch(env.baseUrl + '/healthz');
    expect(h.status).toBe(200);
    const { user } = await makeUser(env, 'agent');
    const api = await ApiClient.login(env.baseUrl, user.username);
    const r = await api.post('/api/tickets', { callerPhone: '13812345678', content: '小区门口路灯坏了一个月没人修' });
    expect(r.status).toBe(201);
    expect(r.body.data.number).toMatch(/^\d{13}$/);
    expect(r.body.data.status).toBe('received');
  });
});
