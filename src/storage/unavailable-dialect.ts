// Wraps a Kysely dialect so that every error meaning "the database cannot
// answer right now" (storage-errors.ts unavailableCode: connection refused or
// lost, server shutting down, SQLite busy or locked) leaves storage as the
// domain's DatabaseUnavailableError — a GatewayError of kind `unavailable` —
// whichever repository, query or transaction step met it. Without this, a
// driver error on the request path (reading a virtual key, the first load of a
// table) reached the edges as an unknown error and was answered as a 500.
// Every other error (a constraint, a bug) passes through unchanged. Each error
// is also reported, by kind, to the listener (the metrics count them).
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import { DatabaseUnavailableError } from '../domain/database-unavailable-error.js';
import { isUniqueViolation, unavailableCode } from './storage-errors.js';

export type DatabaseErrorKind = 'unavailable' | 'constraint' | 'other';
export type DatabaseErrorListener = (kind: DatabaseErrorKind) => void;

/** Classifies driver errors; one per dialect, reporting to its listener. */
function classifierFor(onError: DatabaseErrorListener) {
  const classified = (error: unknown): unknown => {
    if (error instanceof DatabaseUnavailableError) return error;
    const code = unavailableCode(error);
    const result = code === null ? error : new DatabaseUnavailableError(code, error);
    onError(code !== null ? 'unavailable' : isUniqueViolation(error) ? 'constraint' : 'other');
    return result;
  };
  const guarded = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw classified(error);
    }
  };
  return { classified, guarded };
}

type Classifier = ReturnType<typeof classifierFor>;

/** The driver's connection behind a wrapper; Kysely hands wrappers back to the driver, which needs its own. */
const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
const inner = (connection: DatabaseConnection) => innerOf.get(connection) ?? connection;

function wrapConnection(connection: DatabaseConnection, { classified, guarded }: Classifier): DatabaseConnection {
  const wrapper: DatabaseConnection = {
    executeQuery: <R>(query: CompiledQuery, options?: Parameters<DatabaseConnection['executeQuery']>[1]): Promise<QueryResult<R>> =>
      guarded(() => connection.executeQuery<R>(query, options)),
    async *streamQuery<R>(query: CompiledQuery, chunkSize: number, options?: Parameters<DatabaseConnection['streamQuery']>[2]) {
      try {
        yield* connection.streamQuery<R>(query, chunkSize, options);
      } catch (error) {
        throw classified(error);
      }
    },
  };
  // Query cancellation (an aborted query): offered as the driver's connection offers it.
  if (connection.cancelQuery) wrapper.cancelQuery = connection.cancelQuery.bind(connection);
  if (connection.killSession) wrapper.killSession = connection.killSession.bind(connection);
  if (connection.collectSessionInfo) wrapper.collectSessionInfo = connection.collectSessionInfo.bind(connection);
  innerOf.set(wrapper, connection);
  return wrapper;
}

function wrapDriver(driver: Driver, classifier: Classifier): Driver {
  const { guarded } = classifier;
  const wrapped: Driver = {
    init: (options) => guarded(() => driver.init(options)),
    acquireConnection: async (options) => wrapConnection(await guarded(() => driver.acquireConnection(options)), classifier),
    beginTransaction: (connection, settings: TransactionSettings) => guarded(() => driver.beginTransaction(inner(connection), settings)),
    commitTransaction: (connection) => guarded(() => driver.commitTransaction(inner(connection))),
    rollbackTransaction: (connection) => guarded(() => driver.rollbackTransaction(inner(connection))),
    releaseConnection: (connection, options) => driver.releaseConnection(inner(connection), options),
    destroy: (options) => driver.destroy(options),
  };
  // Savepoints are optional in the Driver contract: offer them only when the driver does.
  if (driver.savepoint) {
    const savepoint = driver.savepoint.bind(driver);
    wrapped.savepoint = (connection, name, compile) => guarded(() => savepoint(inner(connection), name, compile));
  }
  if (driver.rollbackToSavepoint) {
    const rollbackTo = driver.rollbackToSavepoint.bind(driver);
    wrapped.rollbackToSavepoint = (connection, name, compile) => guarded(() => rollbackTo(inner(connection), name, compile));
  }
  if (driver.releaseSavepoint) {
    const release = driver.releaseSavepoint.bind(driver);
    wrapped.releaseSavepoint = (connection, name, compile) => guarded(() => release(inner(connection), name, compile));
  }
  return wrapped;
}

/** The same dialect, its driver's "database unavailable" errors turned into DatabaseUnavailableError. */
export function classifyUnavailable(dialect: Dialect, onError: DatabaseErrorListener = () => {}): Dialect {
  const classifier = classifierFor(onError);
  return {
    createDriver: () => wrapDriver(dialect.createDriver(), classifier),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
