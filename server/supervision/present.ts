import type { supervisionCases } from './tables';

type CaseRow = typeof supervisionCases.$inferSelect;

/** A case as the console shows it; `late`: answered after, or still open past, its response due. */
export function presentCase(c: CaseRow & { unitName?: string | null; ticketNumber?: string | null }, now: Date) {
  const due = c.responseDueAt?.getTime();
  const late = due !== undefined && (c.respondedAt ? c.respondedAt.getTime() > due : c.status === 'open' && now.getTime() > due);
  return {
    id: c.id,
    ticketId: c.ticketId,
    ticketNumber: c.ticketNumber ?? undefined,
    dispatchId: c.dispatchId,
    unitId: c.unitId,
    unitName: c.unitName ?? undefined,
    kind: c.kind,
    source: c.source,
    raisedBy: c.raisedBy,
    reason: c.reason,
    raisedAt: c.raisedAt.toISOString(),
    responseDueAt: c.responseDueAt?.toISOString() ?? null,
    respondedAt: c.respondedAt?.toISOString() ?? null,
    responseText: c.responseText,
    closedAt: c.closedAt?.toISOString() ?? null,
    closeNote: c.closeNote,
    status: c.status,
    late,
  };
}
