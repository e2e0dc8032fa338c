// Filled in by the foundation: migrates the template database once per run.
export default async function setup() {}
