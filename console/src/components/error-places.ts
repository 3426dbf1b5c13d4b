// The places a form can show an API error on (its fields, and rows that have no field of their own),
// shared by a dialog's fields and its banner: an error shows once, on the most specific place at or above
// the field path it names (`models[1].alias` on the alias, `models[1]` on its row), else on the banner,
// so an error naming a whole row or a field the form does not show is never dropped.
import { computed, inject, onBeforeUnmount, provide, reactive, watch, type ComputedRef, type InjectionKey } from 'vue';
import { isAtOrAbove, placeOf, type FormError } from '../api/errors.js';

/** Field path → how many mounted places use it. */
type Places = Map<string, number>;
const PLACES: InjectionKey<Places> = Symbol('error places');

/** Called by a container (the modal dialog): the places of the fields inside it are registered there. */
export function provideErrorPlaces(): void {
  provide(PLACES, reactive(new Map<string, number>()));
}

/** Registers `field` as a place while the calling component is mounted (rows renumber: it follows); the message of the error that lands here. */
export function useErrorPlace(field: () => string, error: () => FormError | undefined): ComputedRef<string> {
  const places = inject(PLACES, undefined);
  if (places) {
    const add = (name: string) => places.set(name, (places.get(name) ?? 0) + 1);
    const drop = (name: string) => {
      const count = (places.get(name) ?? 0) - 1;
      if (count > 0) places.set(name, count);
      else places.delete(name);
    };
    watch(field, (now, before) => (before !== undefined && drop(before), add(now)), { immediate: true });
    onBeforeUnmount(() => drop(field()));
  }
  return computed(() => {
    const current = error();
    if (!current || current.field === '') return '';
    // Only the most specific place shows it (a weight's error on the weight, not on its row's target too).
    const here = places ? placeOf(current.field, places.keys()) === field() : isAtOrAbove(field(), current.field);
    return here ? current.message : '';
  });
}

/** Whether some place in this container shows the error naming `path` (false outside one). */
export function usePlaced(): (path: string) => boolean {
  const places = inject(PLACES, undefined);
  return (path: string) => places !== undefined && placeOf(path, places.keys()) !== undefined;
}
