import type { Page } from 'playwright-core';
import { fixtureAgent, makeTickets } from './fixtures';

/**
 * A canned API in the browser (page.route) for looking at screens without a server: the same
 * shapes as docs/API.md, no state machine. The real-server e2e (flow.e2e.ts) is what proves behaviour.
 */
export async function mockApi(page: Page, role: 'agent' | 'unit_clerk' | 'supervisor' = 'agent') {
  const tickets = makeTickets(60).map((t, i) => ({
    ...t,
    signDueAt: t.replyDueAt ? new Date(Date.parse(t.replyDueAt) - 9 * 86400_000 + (i % 5) * 3600_000).toISOString() : null,
  }));
  const user = { ...fixtureAgent, role, unitId: role === 'unit_clerk' ? 'u1' : null, unitName: role === 'unit_clerk' ? '天河区住建局' : null };
  const detail = {
    ...tickets[0],
    status: 'received',
    content: '我家小区门口的工地每天晚上十一点以后还在施工，噪声很大，影响休息，请有关部门处理。',
    address: '广州市天河区体育西路 100 号',
    suggestion: {
      category: { code: 'C3', name: '生态环境 / 噪声' },
      confidence: 0.87,
      alternatives: [{ code: 'C0', name: '城乡建设 / 市容环卫' }],
      reasons: ['施工', '噪声', '夜间'],
      type: 'complaint',
      urgency: 'normal',
      emergency: false,
      modelVersion: 'svm-2026.11',
    },
    dispatches: [],
    timeline: [
      {
        seq: 1,
        type: 'ticket.registered',
        at: tickets[0].createdAt,
        actorName: '坐席一号',
        actorRole: 'agent',
        fromStatus: null,
        toStatus: 'received',
        reason: null,
        data: {},
      },
    ],
    allowedActions: role === 'unit_clerk' ? ['sign', 'request-return'] : ['submit', 'answer-directly', 'transfer-emergency', 'decline', 'merge'],
    replyText: null,
    version: 1,
  };
  await page.routeWebSocket(/socket\.io/, (ws) => ws.close());
  await page.route('**/api/**', (route) => {
    const url = new URL(route.request().url());
    const p = url.pathname;
    if (p === '/api/auth/me') return route.fulfill({ json: { data: { user, csrfToken: 'x' } } });
    if (p === '/api/tickets') return route.fulfill({ json: { data: tickets, page: { total: tickets.length, page: 1, pageSize: 50 } } });
    if (p.startsWith('/api/tickets/')) return route.fulfill({ json: { data: detail } });
    if (p === '/api/categories')
      return route.fulfill({
        json: {
          data: [
            { code: 'C0', name: '城乡建设', parentCode: null, level: 1 },
            { code: 'C3', name: '生态环境', parentCode: null, level: 1 },
          ],
        },
      });
    if (p === '/api/units')
      return route.fulfill({ json: { data: [{ id: 'u1', code: 'thzj', name: '天河区住建局', kind: 'bureau', parentId: null, regionCode: '440106' }] } });
    if (p === '/api/public/track')
      return route.fulfill({
        json: {
          data: {
            number: 'RX2026100000',
            status: 'replied',
            statusLabel: '已答复',
            createdAt: tickets[0].createdAt,
            title: null,
            content: detail.content,
            replyText: '已责令施工单位停止夜间施工。',
            timeline: [
              { at: tickets[0].createdAt, label: '已受理' },
              { at: tickets[0].createdAt, label: '已答复' },
            ],
          },
        },
      });
    return route.fulfill({ status: 404, contentType: 'application/problem+json', json: { status: 404, code: 'NOT_FOUND', title: 'not found' } });
  });
  return { tickets, detail };
}
