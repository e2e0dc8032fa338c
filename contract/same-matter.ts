/** Why a ticket is offered as the same matter (并单); the classifier's judgeSameMatter gives them. */
export type SameMatterReason = 'similarText' | 'relatedText' | 'sameCitizen' | 'samePlace';

/** One answer row of POST /api/tickets/similar (server/tickets/same-matter.ts), as the agent desk lists it. */
export interface SameMatterCandidate {
  ticketId: string;
  number: string;
  /** Title with personal data masked (the desk lists candidates; details open on the ticket page). */
  title: string;
  status: string;
  createdAt: string;
  regionCode: string | null;
  /** Estimated similarity of the texts (MinHash over character 3-shingles), 0..1. */
  score: number;
  sameCitizen: boolean;
  samePlace: boolean;
  reasons: SameMatterReason[];
}
