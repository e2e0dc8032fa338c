// Fixture tickets shaped like docs/API.md's TicketSummary, for the bench and UI smoke tests
// when no server (or no 1,000-ticket database) is available.
const STATUSES = ['received', 'pending_dispatch', 'dispatched', 'signed', 'in_progress', 'replied', 'closed'];
const TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion'];
const CATEGORIES = ['城乡建设 / 市容环卫', '交通运输 / 公交', '市场监管 / 食品安全', '生态环境 / 噪声', '民政 / 养老'];

export function makeTickets(n: number, now = Date.now()) {
  return Array.from({ length: n }, (_, i) => {
    const created = new Date(now - i * 7 * 60_000).toISOString();
    const due = new Date(now + ((i % 9) - 3) * 12 * 3600_000).toISOString();
    return {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      number: `RX2026${String(100000 + i)}`,
      status: STATUSES[i % STATUSES.length],
      channel: i % 3 ? 'phone' : 'web',
      title: `第 ${i} 号诉求：小区门口夜间施工噪声扰民`,
      appealType: TYPES[i % TYPES.length],
      urgency: i % 10 === 0 ? 'urgent' : 'normal',
      emergency: false,
      categoryCode: `C${i % CATEGORIES.length}`,
      categoryName: CATEGORIES[i % CATEGORIES.length],
      regionCode: '440106',
      createdAt: created,
      updatedAt: created,
      flags: { overdue: i % 9 < 3, reminded: i % 7 === 0, supervised: false, escalated: false },
      leadUnit: i % 2 ? { id: 'u1', name: '天河区住建局' } : null,
      replyDueAt: i % 2 ? due : null,
      caller: { name: '张**', phone: '138****5678' },
    };
  });
}

export const fixtureAgent = {
  id: '00000000-0000-4000-8000-aaaaaaaaaaaa',
  username: 'agent1',
  displayName: '坐席一号',
  role: 'agent',
  unitId: null,
  unitName: null,
};

/**
 * A unit's open dispatches as the inbox gets them: sorted by deadline (the server's `sort=deadline`),
 * half still waiting to be signed for (signDueAt counting down), some overdue.
 */
export function makeDispatches(n: number, now = Date.now()) {
  return makeTickets(n, now)
    .map((t, i) => {
      const replyDueAt = new Date(now + (i - n / 5) * 40 * 60_000).toISOString();
      return {
        ...t,
        status: i % 2 ? 'dispatched' : i % 3 ? 'signed' : 'in_progress',
        leadUnit: { id: fixtureClerk.unitId, name: fixtureClerk.unitName },
        signDueAt: new Date(now + ((i % 12) - 2) * 3600_000).toISOString(),
        replyDueAt,
        flags: { overdue: replyDueAt < new Date(now).toISOString(), reminded: i % 7 === 0, supervised: i % 11 === 0, escalated: false },
      };
    })
    .sort((a, b) => a.replyDueAt.localeCompare(b.replyDueAt));
}

export const fixtureClerk = {
  id: '00000000-0000-4000-8000-bbbbbbbbbbbb',
  username: 'clerk-zhujian',
  displayName: '区住建局 承办员',
  role: 'unit_clerk',
  unitId: '00000000-0000-4000-8000-cccccccccccc',
  unitName: '天河区住建局',
};
