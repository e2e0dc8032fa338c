/** What the Open311 GeoReport v2 adapter needs from the server (channels.md §6). */

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatypeDescription?: string;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

/** A citizen-selectable category node of the current tree (categories.md): service_code = category code. */
export interface Open311Service {
  code: string;
  name: string;
  description?: string;
  group?: string;
  keywords?: string[];
  type?: 'realtime' | 'batch' | 'blackbox';
  attributes?: Open311Attribute[];
}

export interface ServiceCatalogPort {
  /** Citizen-selectable nodes only. */
  list(jurisdictionId: string): Promise<Open311Service[]>;
  get(jurisdictionId: string, code: string): Promise<Open311Service | null>;
}

/** API keys are stored hashed server-side; this only answers "whose key is this". */
export interface Open311ApiKeyPort {
  verify(apiKey: string): Promise<{ keyId: string } | null>;
}

/**
 * The read side of GeoReport v2 for one api_key (channels.md §6). The server decides what a key
 * may see: requests filed under it, plus a public summary of the categories the centre opened;
 * anonymous and 举报 (whistle-blower) tickets never. Texts come back with personal data masked.
 */
export interface Open311RequestsPort {
  list(
    keyId: string,
    filter: {
      ticketNos?: string[];
      serviceCodes?: string[];
      status?: ('open' | 'closed')[];
      from: Date;
      to: Date;
      limit: number;
    },
  ): Promise<Open311RequestView[]>;
  get(keyId: string, ticketNo: string): Promise<Open311RequestView | null>;
}

/** `scope`: `own` = filed under this key; `public` = another's request in an opted-in category (summary only). */
export type Open311RequestView = import('../shared/ports').PublicTicketView & { scope: 'own' | 'public' };
