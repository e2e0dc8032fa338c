// Every table, for drizzle-kit and for typed queries. Each domain owns its tables.ts.
export * from '../../catalog/tables';
export * from '../../identity/tables';
export * from '../../dispatch/tables';
export * from '../../tickets/tables';
export * from './plumbing-tables';
export * from '../../callbacks/tables';
export * from '../../reviews/tables';
export * from '../../knowledge/tables';
export * from '../../reports/tables';
export * from '../../channels/tables';
export * from '../../hotlines/tables';
export * from '../../supervision/tables';
export * from '../../texts/tables';
