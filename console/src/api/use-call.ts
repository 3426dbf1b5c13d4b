// Runs an API call for a component, keeping what the user sees: busy while it runs, the error
// (with its field) when it fails.
import { ref } from 'vue';
import { FieldProblem } from '../forms/form-values.js';
import { i18n } from '../i18n/index.js';
import { toFormError, type FormError } from './errors.js';

function translated(problem: FieldProblem): string {
  return problem.translatable ? i18n.global.t(problem.translatable.key, problem.translatable.params) : problem.message;
}

export function useCall() {
  const busy = ref(false);
  const error = ref<FormError>();
  async function run<T>(call: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = undefined;
    try {
      return await call();
    } catch (caught) {
      // The console's own checks speak the user's language; the gateway's words come as they are.
      error.value = caught instanceof FieldProblem ? { field: caught.field, message: translated(caught), code: 3 } : toFormError(caught);
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}

/** Page tokens walked so far, so "first page" and "next page" work with the API's cursors. */
export function usePaging() {
  const current = ref('');
  const next = ref('');
  return {
    current,
    next,
    reset: () => ((current.value = ''), (next.value = '')),
    advance: () => (current.value = next.value),
  };
}
