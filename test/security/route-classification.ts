/**
 * Who may call each /api route: the one classification the security tests read.
 *
 * - route-coverage.test.ts fails for any route of the running app that is not listed here.
 * - A staff route without `matrix` is exercised by generated-routes-matrix.test.ts, generated from this
 *   table and the app's live route list: every role × the route × its own and another unit's data.
 *   So a new route needs only its line here (roles, and `unitScoped` when clerks see their unit's
 *   rows only) to be covered; a path parameter the generator cannot fill makes that test say so.
 * - `matrix: 'tickets'` routes are exercised by access-matrix.test.ts (generated from TRANSITIONS),
 *   `matrix: 'admin'` ones by admin-routes-matrix.test.ts, `matrix: 'rectification-transitions'` by
 *   the generated matrix's RECTIFICATION_TRANSITIONS part.
 *
 * The allowed roles are written from the product rules (domain.md), not read from the code, so a
 * route that opens to the wrong role fails.
 */
import type http from 'node:http';
import type { Role } from '../../server/identity/tables';

export const PUBLIC_ROUTES = new Set([
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/public/sms-codes',
  'POST /api/public/appeals',
  'POST /api/public/track',
  'GET /api/dev/sms',
  'POST /api/public/ratings',
  'GET /api/public/reviews',
  'GET /api/public/review-units',
  // The public API of channels.md §3/§4.3 (server/citizen/public-api.ts): captcha, SMS token or tracking token inside.
  'GET /api/v1/openapi.json',
  'GET /api/v1/captcha',
  'POST /api/v1/sms-codes',
  'POST /api/v1/sms-codes/verify',
  'POST /api/v1/appeals',
  'POST /api/v1/tracking/lookup',
  'POST /api/v1/appeals/:ticketNo/supplements',
  'POST /api/v1/appeals/:ticketNo/ratings',
  // Demo only (REXIAN_DEMO), like /api/dev/sms: the captcha's answer for the browser tests.
  'GET /api/dev/captcha',
]);

export interface StaffRoute {
  roles: readonly Role[];
  /** Unit clerks see (or act on) only rows of their own unit: another unit's are 404 or absent from lists. */
  unitScoped?: true;
  /** The response carries the citizen's phone in clear for centre roles; each such read must leave a `pii.read` audit row. */
  clearPii?: true;
  /** A valid query string for a 2xx, when the route needs one. */
  query?: string;
  /** Exercised by another matrix (see above) instead of the generated one. */
  matrix?: 'tickets' | 'admin' | 'rectification-transitions';
}

const CENTRE: Role[] = ['agent', 'dispatcher', 'supervisor'];
const STAFF: Role[] = ['agent', 'dispatcher', 'supervisor', 'admin', 'unit_clerk'];
const REPORTERS: Role[] = ['supervisor', 'admin'];
const EDITORS: Role[] = ['admin', 'supervisor'];
const YEAR = 'from=2026-01-01&to=2026-12-31';

export const STAFF_ROUTES: Record<string, StaffRoute> = {
  // tickets, units, catalogue: access-matrix.test.ts
  'GET /api/auth/me': { roles: STAFF, matrix: 'tickets' },
  'POST /api/auth/mfa/verify': { roles: STAFF },
  'POST /api/auth/mfa/enrol': { roles: STAFF },
  'POST /api/auth/mfa/enrol/confirm': { roles: STAFF },
  'GET /api/auth/sessions': { roles: STAFF },
  'POST /api/auth/sessions/:id/revoke': { roles: STAFF },
  'GET /api/admin/sessions': { roles: ['admin'] },
  'POST /api/admin/sessions/:id/revoke': { roles: ['admin'] },
  'GET /api/meta/transitions': { roles: STAFF, matrix: 'tickets' },
  'GET /api/tickets': { roles: STAFF, matrix: 'tickets' },
  'POST /api/tickets': { roles: CENTRE, matrix: 'tickets' },
  'GET /api/tickets/:id': { roles: STAFF, matrix: 'tickets' },
  'POST /api/tickets/:id/actions/:action': { roles: STAFF, matrix: 'tickets' },
  'GET /api/units': { roles: STAFF, matrix: 'tickets' },
  'GET /api/regions': { roles: STAFF, matrix: 'tickets' },
  'GET /api/categories': { roles: STAFF, matrix: 'tickets' },
  // admin, SLA, dispatch rules, merges: admin-routes-matrix.test.ts
  'GET /api/tickets/:id/dispatch-proposal': { roles: CENTRE, matrix: 'admin' },
  'GET /api/admin/dispatch-rules': { roles: ['admin', 'supervisor', 'dispatcher'], matrix: 'admin' },
  'POST /api/admin/dispatch-rules': { roles: ['admin'], matrix: 'admin' },
  'PUT /api/admin/dispatch-rules/:id': { roles: ['admin'], matrix: 'admin' },
  'DELETE /api/admin/dispatch-rules/:id': { roles: ['admin'], matrix: 'admin' },
  'GET /api/reports/returns': { roles: ['supervisor', 'admin', 'dispatcher'], matrix: 'admin' },
  'GET /api/admin/holidays/:year': { roles: STAFF, matrix: 'admin' },
  'PUT /api/admin/holidays/:year': { roles: ['admin'], matrix: 'admin' },
  'GET /api/admin/sla-policies': { roles: STAFF, matrix: 'admin' },
  'PUT /api/admin/sla-policies': { roles: ['admin'], matrix: 'admin' },
  'POST /api/admin/sla-policies/preset': { roles: ['admin'], matrix: 'admin' },
  'GET /api/admin/classifier': { roles: ['admin', 'supervisor'], matrix: 'admin' },
  'POST /api/admin/classifier/reload': { roles: ['admin'], matrix: 'admin' },
  'GET /api/citizens/merge-candidates': { roles: CENTRE, matrix: 'admin' },
  'POST /api/citizens/merge-candidates/:id': { roles: CENTRE, matrix: 'admin' },

  // callbacks (回访): the centre's work; the task detail shows the number to call, in clear and audited
  'GET /api/callbacks/policy': { roles: [...CENTRE, 'admin'] },
  'PUT /api/callbacks/policy': { roles: ['admin', 'supervisor'] },
  'GET /api/callbacks': { roles: CENTRE },
  // attachments: anyone who may see the ticket downloads its files; the centre's desk roles and the
  // units dispatched on it upload reply files (admin does not handle tickets).
  'GET /api/tickets/:id/attachments/:attachmentId': { roles: STAFF, unitScoped: true },
  'POST /api/tickets/:id/attachments': { roles: [...CENTRE, 'unit_clerk'], unitScoped: true },
  'GET /api/callbacks/:id': { roles: CENTRE, clearPii: true },
  'POST /api/callbacks/:id/outcome': { roles: CENTRE },
  // ratings and rectification (好差评, 差评整改): units see their own
  'GET /api/ratings': { roles: STAFF, unitScoped: true },
  'GET /api/meta/rectification-transitions': { roles: STAFF },
  'GET /api/rectifications': { roles: STAFF, unitScoped: true },
  'GET /api/rectifications/:id': { roles: STAFF, unitScoped: true },
  'POST /api/rectifications/:id/actions/:action': { roles: STAFF, unitScoped: true, matrix: 'rectification-transitions' },
  'POST /api/rectifications/sweep-overdue': { roles: ['supervisor', 'admin'] },
  // knowledge base: everyone reads, editors write
  'GET /api/knowledge/suggest': { roles: STAFF, query: 'text=路灯不亮' },
  'GET /api/knowledge/articles': { roles: STAFF },
  'GET /api/knowledge/articles/:id': { roles: STAFF },
  'POST /api/knowledge/articles': { roles: EDITORS },
  'PATCH /api/knowledge/articles/:id': { roles: EDITORS },
  'DELETE /api/knowledge/articles/:id': { roles: EDITORS },
  // reports: supervisors and administrators (hotspots also for dispatchers)
  'GET /api/reports/definitions': { roles: REPORTERS },
  'PUT /api/reports/measures/:code': { roles: EDITORS },
  'GET /api/reports/measures': { roles: REPORTERS, query: YEAR },
  'GET /api/reports/league': { roles: REPORTERS, query: YEAR },
  'GET /api/reports/hotspots': { roles: [...REPORTERS, 'dispatcher'], query: YEAR },
  'GET /api/reports/cross': { roles: REPORTERS, query: `${YEAR}&rows=unit&cols=category` },
  // the supervisor wall's live "today by channel and category"
  'GET /api/reports/today-volume': { roles: [...REPORTERS, 'dispatcher'] },
  'GET /api/reports/queue-counts': { roles: [...REPORTERS, 'dispatcher'] },
  // Open311: which categories every api_key may read as a masked public summary (the centre's choice)
  'GET /api/admin/open311/public-categories': { roles: ['admin', 'supervisor'] },
  'PUT /api/admin/open311/public-categories': { roles: ['admin'] },
  // the centre's lines (热线号码表) and emergency linkages (联动对接): centre work, not units'
  'GET /api/hotline-lines': { roles: [...CENTRE, 'admin'] },
  'PUT /api/admin/hotline-lines/:number': { roles: ['admin'] },
  'POST /api/admin/hotline-lines/import': { roles: ['admin'] },
  'GET /api/admin/hotline-lines/export': { roles: ['admin'] },
  'GET /api/emergency-linkages': { roles: [...CENTRE, 'admin'] },
  'POST /api/emergency-linkages/:id/acknowledge': { roles: CENTRE },
  'POST /api/emergency-linkages/:id/follow-up': { roles: CENTRE },
  'GET /api/reports/lines': { roles: REPORTERS, query: YEAR },
  'GET /api/reports/emergency-linkages': { roles: REPORTERS, query: YEAR },
  'GET /api/kept-platform-orders': { roles: [...CENTRE, 'admin'] },
  // Administration (/admin): units, accounts, texts, category versions, the routing tester
  'GET /api/admin/units': { roles: ['admin'] },
  'POST /api/admin/units': { roles: ['admin'] },
  'PUT /api/admin/units/:id': { roles: ['admin'] },
  'POST /api/admin/dispatch-rules/test': { roles: ['admin', 'supervisor', 'dispatcher'] },
  'GET /api/admin/users': { roles: ['admin'] },
  'POST /api/admin/users': { roles: ['admin'] },
  'PUT /api/admin/users/:id': { roles: ['admin'] },
  'POST /api/admin/users/:id/reset-password': { roles: ['admin'] },
  'POST /api/admin/users/:id/unlock': { roles: ['admin'] },
  'POST /api/admin/users/:id/reset-mfa': { roles: ['admin'] },
  'GET /api/admin/message-templates': { roles: EDITORS },
  'POST /api/admin/message-templates': { roles: ['admin'] },
  'PUT /api/admin/message-templates/:id': { roles: ['admin'] },
  'GET /api/text-snippets': { roles: STAFF },
  'GET /api/admin/text-snippets': { roles: ['admin'] },
  'POST /api/admin/text-snippets': { roles: ['admin'] },
  'PUT /api/admin/text-snippets/:id': { roles: ['admin'] },
  'GET /api/admin/category-versions/:version/categories': { roles: EDITORS },
  'GET /api/admin/category-diff': { roles: EDITORS, query: 'from=1&to=1' },
  // 并单 candidates while the agent types (tickets/same-matter-routes.ts)
  'POST /api/tickets/similar': { roles: CENTRE },
  // 抄送 and 先联系后办理 (dispatch/routes.ts)
  'POST /api/tickets/:id/copies': { roles: CENTRE },
  // The generator files no copy, so the list is checked by role here and by unit in dispatch-routing.test.ts.
  'GET /api/unit/copies': { roles: ['unit_clerk'] },
  'POST /api/copies/:id/read': { roles: ['unit_clerk'], unitScoped: true },
  'POST /api/tickets/:id/contact-requests': { roles: ['unit_clerk'], unitScoped: true },
  'POST /api/contact-requests/:id/outcome': { roles: CENTRE },
  'POST /api/contact-requests/:id/call': { roles: ['unit_clerk'], unitScoped: true },
  // 催办 / 督办 cases (supervision/routes.ts)
  'POST /api/tickets/:id/urge': { roles: ['dispatcher', 'supervisor'] },
  'POST /api/tickets/:id/supervise': { roles: ['supervisor'] },
  'GET /api/tickets/:id/supervision-cases': { roles: STAFF, unitScoped: true },
  'POST /api/tickets/:id/feedback': { roles: ['unit_clerk'], unitScoped: true },
  'GET /api/supervision-cases': { roles: STAFF },
  'POST /api/supervision-cases/:id/respond': { roles: ['unit_clerk'] },
  'POST /api/supervision-cases/:id/close': { roles: ['dispatcher', 'supervisor'] },
  'GET /api/reports/supervision': { roles: ['supervisor', 'admin', 'dispatcher'], query: YEAR },
  'GET /api/reports/kept-platforms': { roles: REPORTERS, query: YEAR },
  // category tree versions (categories.md §1) and tags (标签, §2): administrators load the tree; the centre tags tickets
  'GET /api/admin/category-versions': { roles: EDITORS },
  'GET /api/admin/category-versions/:version/export': { roles: ['admin'] },
  'GET /api/admin/category-versions/:version/mapping': { roles: EDITORS },
  'POST /api/admin/category-versions/import': { roles: ['admin'] },
  'POST /api/admin/category-versions/preview': { roles: ['admin'] },
  'POST /api/admin/category-versions/import-tree': { roles: ['admin'] },
  'GET /api/reports/category-rollup': { roles: REPORTERS, query: 'from=2026-01-01&to=2026-12-31' },
  'GET /api/tags': { roles: STAFF },
  'PUT /api/admin/tags/:code': { roles: ['admin'] },
  'GET /api/tickets/:id/tags': { roles: CENTRE },
  'PUT /api/tickets/:id/tags': { roles: CENTRE },
  'GET /api/reports/tags': { roles: REPORTERS, query: 'from=2026-01-01&to=2026-12-31' },
  // province ↔ city exchange, mounted only when configured (route-coverage configures it; the flow and
  // its refusals are in test/integration/exchange.test.ts)
  'POST /api/tickets/:id/exchange/push': { roles: CENTRE },
  'POST /api/tickets/:id/exchange/:action': { roles: CENTRE },
  // console-daily: reply templates for the unit's reply form; a knowledge answer sent by SMS; the wall's call-centre figures
  'GET /api/reply-templates': { roles: STAFF },
  'POST /api/tickets/:id/knowledge-sms': { roles: CENTRE },
};

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
function walk(stack: Layer[], prefix: string, out: string[]) {
  for (const l of stack) {
    if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m.toUpperCase()} ${prefix}${l.route.path}`);
    else if (l.handle?.stack) walk(l.handle.stack, prefix, out);
  }
  return out;
}

/** Every `METHOD /api/path` the running app serves, read from its Express router (createApp mounts one router at /api). */
export function apiRoutes(server: http.Server): string[] {
  const app = server.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
  const apiLayer = app.router.stack.find((l) => l.handle?.stack && walk(l.handle.stack, '', []).some((r) => r.includes('/tickets')))!;
  return walk(apiLayer.handle!.stack!, '/api', []).filter((r) => !r.startsWith('HEAD '));
}
