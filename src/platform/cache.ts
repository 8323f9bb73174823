/** A small least-recently-used map: reference data and rendered pages, bounded in memory. */
export class Lru<K, V> {
  readonly #map = new Map<K, V>()
  constructor (readonly max: number) {}

  get (key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, value)
    }
    return value
  }

  set (key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value as K)
  }

  clear (): void { this.#map.clear() }
  get size (): number { return this.#map.size }
}
