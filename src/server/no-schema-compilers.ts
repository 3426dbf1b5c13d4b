// No route declares a Fastify schema (the shims and Connect parse bodies themselves), so Fastify's
// default compilers — ajv and fast-json-stringify, about 1.5 MB of heap for the process's life — are
// never loaded: app.ts gives Fastify these instead. A schema added later fails loudly at start
// instead of silently going unchecked.
export const noSchemaCompilers = {
  buildValidator: () => () => {
    throw new Error('Fastify route schemas are not enabled (see src/server/no-schema-compilers.ts)');
  },
  buildSerializer: () => () => {
    throw new Error('Fastify response schemas are not enabled (see src/server/no-schema-compilers.ts)');
  },
};
