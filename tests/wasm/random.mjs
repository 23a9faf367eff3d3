// A small deterministic generator (mulberry32), so that test and benchmark
// users are the same on every run and failures reproduce.
export function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` users' ratings, row-major over `items` columns (0 = not rated): `perUser` whole stars
 * (1-5) each, at distinct random columns; the default 165 is ML-1M's mean per user (~4.5% of its
 * 3,706 movies), bench/inference's users.
 */
export function ratedUsers(count, items, seed, perUser = 165) {
  const random = generator(seed);
  const rows = new Float32Array(count * items);
  for (let u = 0; u < count; ++u)
    for (let rated = 0; rated < Math.min(perUser, items);) {
      const at = u * items + Math.floor(random() * items);
      if (rows[at] === 0) { rows[at] = 1 + Math.floor(random() * 5); ++rated; }
    }
  return rows;
}
