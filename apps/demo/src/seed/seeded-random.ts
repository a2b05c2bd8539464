import { base, en, Faker } from '@faker-js/faker';

/**
 * Deterministic random source for the seed: the same seed yields the same data on every run and
 * dialect. Faker supplies realistic names; its own seeded generator drives every other choice too,
 * so there is a single stream to reproduce.
 */
export class SeededRandom {
  readonly faker: Faker;

  constructor(seed: number) {
    this.faker = new Faker({ locale: [en, base] });
    this.faker.seed(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.faker.number.float({ min: 0, max: 1, fractionDigits: 9 }) % 1;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  /** Picks one of `choices` by weight; when the weights sum to less than 1, the rest is `null`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T | null {
    let roll = this.next();
    for (const [value, weight] of choices) {
      if (roll < weight) return value;
      roll -= weight;
    }
    return null;
  }
}
