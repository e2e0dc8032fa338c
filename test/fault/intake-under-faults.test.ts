/**
 * The full fault suite's intake run (scenario in intake-faults.ts): 10,000 orders through two server
 * processes while Redis is killed -9, one server is killed -9 and PostgreSQL is stopped, each then
 * restarted. `npm test` runs the reduced variant (intake-under-faults.ci.test.ts) instead.
 *
 *   npm run test:faults                          # 10,000 orders (minutes)
 *   FAULT_ORDERS=1000 npm run test:faults        # quick
 *   FAULT_REDIS_AOF=0 npm run test:faults        # Redis without persistence: shows the jobs a crash loses
 */
import { intakeUnderFaults } from './intake-faults';

const orders = Number(process.env.FAULT_ORDERS ?? 10_000);
intakeUnderFaults({
  label: 'fault suite',
  orders,
  clients: Number(process.env.FAULT_CLIENTS ?? 16),
  aof: process.env.FAULT_REDIS_AOF !== '0',
  slaTickets: Number(process.env.FAULT_SLA_TICKETS ?? 100),
  slaWindowS: Number(process.env.FAULT_SLA_WINDOW_S ?? (orders >= 5000 ? 90 : 30)),
  redisOutageMs: 3000,
  pgOutageMs: 5000,
  max503Ms: 5000,
});
