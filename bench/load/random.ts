/** Exponentially distributed gap with the given mean: arrivals of a Poisson process (think time). */
export const exponential = (random: () => number, meanMs: number) => -Math.log(1 - random()) * meanMs
