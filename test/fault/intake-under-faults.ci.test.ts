/**
 * The reduced fault run `npm test` includes (`npm run test:faults:ci`): the same scenario and the same
 * assertions as the full suite (intake-faults.ts) — one Redis kill -9/restart, one server kill -9/restart,
 * one PostgreSQL stop/start, all on private processes — with 600 orders, 30 dispatches' SLA timers and a 2 s SLA sweep,
 * so it ends in about a minute on a 2-core machine.
 */
import { intakeUnderFaults } from './intake-faults';

intakeUnderFaults({
  label: 'reduced fault run',
  orders: 600,
  clients: 12,
  aof: true,
  slaTickets: 30,
  slaWindowS: 20,
  redisOutageMs: 2000,
  pgOutageMs: 3000,
  max503Ms: 5000,
  slaSweepMs: 2000, // production sweeps every 10 s; 2 s keeps the wait for timers due in the outage short
});
