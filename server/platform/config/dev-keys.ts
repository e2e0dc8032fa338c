/**
 * Published in this repository: good for the demo (REXIAN_DEMO=1) and tests, never for real
 * data. A node without the demo flag refuses to start with either (env.ts).
 */
export const DEV_PII_KEY = 'cmV4aWFuLWRldi1vbmx5LXBpaS1rZXktMzJieXRlcyE='; // base64 of 32 bytes
export const DEV_SESSION_SECRET = 'rexian-demo-only-session-secret-not-for-production';
