import { describe, expect, it } from 'vitest';
import { COUNTED_EVENT_TYPES, EVENTS, noticeFor, type EventType } from './catalogue';
import { countersFor } from '../../reports/rollup';
import { COUNTERS } from '../../reports/tables';

describe('the event catalogue', () => {
  it('declares exactly the counters the rollup moves for each event (every score, every callback answer)', () => {
    const samples: Partial<Record<EventType, Record<string, unknown>[]>> = {
      'ticket.signed': [{ late: false }, { late: true }],
      'callback.completed': [
        { reached: true, result: 'solved' },
        { reached: true, result: 'partly' },
        { reached: true, result: 'unsolved' },
      ],
      'rating.submitted': [1, 2, 3, 4, 5].map((score) => ({ score })),
      'rating.excluded': [1, 2, 3, 4, 5].map((score) => ({ score })),
      'citizen.contact_completed': [
        { firstContact: true, role: 'lead', onTime: true, respondedOnTime: true },
        { firstContact: false, role: 'lead', onTime: false },
      ],
      'dispatch.return_requested': [{ respondedOnTime: true }, { respondedOnTime: false }],
      'dispatch.recalled': [{ unanswered: true }, { unanswered: false }],
    };
    for (const type of Object.keys(EVENTS) as EventType[]) {
      const moved = new Set(
        (samples[type] ?? [{}]).flatMap((data) =>
          Object.entries(countersFor({ type, data }))
            .filter(([, v]) => v !== 0)
            .map(([c]) => c),
        ),
      );
      expect([...moved].sort(), type).toEqual([...(EVENTS[type].counters ?? [])].sort());
    }
    for (const t of COUNTED_EVENT_TYPES) for (const c of EVENTS[t].counters ?? []) expect(COUNTERS).toContain(c);
  });

  it('names the citizen notice of intake, extension and closing only (a merged caller hears of the main ticket closing)', () => {
    expect((Object.keys(EVENTS) as EventType[]).filter((t) => noticeFor(t))).toEqual([
      'ticket.registered',
      'extension.approved',
      'ticket.closed',
      'ticket.main_closed',
    ]);
  });
});
